"""Spreadsheet formula injection: every CSV and XLSX export neutralises cells that a spreadsheet
would evaluate (= + - @ tab CR), through one helper (config.spreadsheets.safe_cell)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from config.spreadsheets import safe_cell, unescape_cell
from review import services
from rules.charts import Table, table_csv, table_xlsx
from rules.models import TwoHighEntry
from tests.review.conftest import make_case  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/x","点此")'
DANGEROUS = [EVIL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_safe_cell_neutralises_formula_text_and_round_trips(text):
    escaped = safe_cell(text)
    assert escaped == "'" + text
    assert unescape_cell(escaped) == text


def test_safe_cell_leaves_plain_text_and_numbers_alone():
    assert safe_cell("苏州东吴水泥有限公司") == "苏州东吴水泥有限公司"
    assert safe_cell(-5) == -5
    assert safe_cell(1.5) == 1.5
    assert safe_cell(None) is None


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return list(sheet.iter_rows())


def _assert_no_formula_csv(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell


def _assert_no_formula_xlsx(rows) -> None:
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value


def test_overview_csv_and_xlsx_escape_names():
    table = Table(key="t", title="测试", columns=("项目", "能耗"), rows=[(EVIL, 1.0), ("@x", -3.0)])
    rows = _csv_cells(table_csv(table))
    _assert_no_formula_csv(rows)
    assert rows[1][0] == "'" + EVIL
    assert rows[2][1] == "-3.0"  # numbers stay numbers
    cells = _xlsx_cells(table_xlsx(table))
    _assert_no_formula_xlsx(cells)
    assert cells[1][0].value == "'" + EVIL
    assert cells[2][1].value == -3


def test_inventory_export_escapes_and_reimports_unchanged(dana_client):
    TwoHighEntry.objects.create(
        project_code="2601-320505-04-01-000001",
        project_name=EVIL,
        region="320505",
        province="32",
        industry="3011",
        status="planned",
        annual_tce=1000.0,
        disposal="continue",
        note="+cmd|' /C calc'!A0",
    )
    csv_body = dana_client.get("/admin/rules/twohighentry/export/csv/").content
    rows = _csv_cells(csv_body)
    _assert_no_formula_csv(rows)
    assert "'" + EVIL in rows[1]
    xlsx_body = dana_client.get("/admin/rules/twohighentry/export/xlsx/").content
    _assert_no_formula_xlsx(_xlsx_cells(xlsx_body))
    for name, body in (("x.csv", csv_body), ("x.xlsx", xlsx_body)):
        response = dana_client.post(
            "/admin/rules/twohighentry/import/",
            {"file": SimpleUploadedFile(name, body), "reason": "round trip"},
        )
        assert response.status_code == 302, response.content.decode()[:1000]
        entry = TwoHighEntry.objects.get()
        assert entry.project_name == EVIL
        assert entry.note == "+cmd|' /C calc'!A0"


def test_case_timeline_csv_escapes_reasons(make_case, bob, bob_client):  # noqa: F811
    case = services.case_return_for_correction(
        case=make_case(), by=bob, items=["补正一"], reason=EVIL
    )
    response = bob_client.get(reverse("review:timeline_csv", args=[case.pk]))
    rows = _csv_cells(response.content)
    _assert_no_formula_csv(rows)
    assert "'" + EVIL in rows[2]
