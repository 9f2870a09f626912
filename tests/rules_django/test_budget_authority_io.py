"""Energy budgets held by an authority (issue 10): the 审查机关 column of the import and export,
the admin form, and the demo data's 苏州 budget."""

from __future__ import annotations

import pytest
from django.test import Client

from authorities.models import Authority
from rules import demo
from rules.imports import ENERGY_BUDGET, ImportRejected, energy_budget_import, table_export_csv
from rules.models import EnergyBudget
from tests.rules_django.conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["省份", "年度", "审查机关", "新增用能预算（吨标准煤）", "说明"]


def _rows() -> list[tuple]:
    rows = EnergyBudget.objects.values_list("province", "year", "authority__code", "budget_tce")
    return sorted(rows, key=lambda r: (r[0], r[1], r[2] or ""))


def test_import_and_export_round_trip_the_authority_column(personas) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["江苏省", 2026, "", "8800000", ""],
            ["32", 2026, "3205", "1200000", "单列"],
            ["32", 2027, "苏州市发展和改革委员会", "1300000", ""],
        ]
    )
    result = energy_budget_import(source=data, filename="x.csv")
    assert result.created == 3
    assert _rows() == [
        ("32", 2026, None, 8_800_000.0),
        ("32", 2026, "3205", 1_200_000.0),
        ("32", 2027, "3205", 1_300_000.0),
    ]
    exported = table_export_csv(ENERGY_BUDGET, EnergyBudget.objects.order_by("pk"))
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[:3] == ["省份", "年度", "审查机关"]
    assert "3205 苏州市发展和改革委员会" in text
    again = energy_budget_import(source=exported, filename="export.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    # a changed figure updates the authority's row, not the province's
    changed = csv_bytes([HEADER, ["32", 2026, "3205", "1000000", ""]])
    assert energy_budget_import(source=changed, filename="y.csv").updated == 1
    assert EnergyBudget.objects.get(authority__code="3205", year=2026).budget_tce == 1_000_000
    assert EnergyBudget.objects.get(authority=None, year=2026).budget_tce == 8_800_000


def test_a_file_without_the_column_still_imports_province_budgets(personas) -> None:
    data = csv_bytes([["省份", "年度", "新增用能预算（吨标准煤）"], ["江苏省", 2026, "8800000"]])
    energy_budget_import(source=data, filename="old.csv")
    assert _rows() == [("32", 2026, None, 8_800_000.0)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["32", 2026, "9999", "1", ""], "不是已登记的审查机关"),
        (["33", 2026, "3205", "1", ""], "不属于省份33"),
    ],
)
def test_bad_authorities_are_refused_with_nothing_written(personas, row, message) -> None:
    with pytest.raises(ImportRejected) as info:
        energy_budget_import(source=csv_bytes([HEADER, row]), filename="bad.csv")
    assert message in " ".join(str(e.message) for e in info.value.errors)
    assert not EnergyBudget.objects.exists()


def test_a_duplicate_authority_row_in_one_file_is_refused(personas) -> None:
    data = csv_bytes([HEADER, ["32", 2026, "3205", "1", ""], ["32", 2026, "3205", "2", ""]])
    with pytest.raises(ImportRejected) as info:
        energy_budget_import(source=data, filename="dup.csv")
    assert "与第2行重复" in " ".join(str(e.message) for e in info.value.errors)


def test_admin_lists_adds_and_exports_an_authority_budget(dana_client: Client) -> None:
    suzhou = Authority.objects.get(code="3205")
    response = dana_client.post(
        "/admin/rules/energybudget/add/",
        {
            "province": "33",
            "year": 2026,
            "authority": suzhou.pk,
            "budget_tce": "1200000",
            "note": "",
            "change_reason": "单列",
        },
    )
    assert response.status_code == 200  # refused: 苏州 is not in Zhejiang
    assert "审查机关不属于该省份" in response.content.decode()
    response = dana_client.post(
        "/admin/rules/energybudget/add/",
        {
            "province": "32",
            "year": 2026,
            "authority": suzhou.pk,
            "budget_tce": "1200000",
            "note": "",
            "change_reason": "单列",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=8_800_000)
    listing = dana_client.get("/admin/rules/energybudget/").content.decode()
    assert "苏州市发展和改革委员会" in listing
    assert "全省预算" in listing
    exported = dana_client.get("/admin/rules/energybudget/export/csv/")
    assert "3205 苏州市发展和改革委员会" in exported.content.decode("utf-8-sig")
    # a second budget of 苏州 for the same year is refused by the form
    response = dana_client.post(
        "/admin/rules/energybudget/add/",
        {"province": "32", "year": 2026, "authority": suzhou.pk, "budget_tce": "1"},
    )
    assert response.status_code == 200
    assert EnergyBudget.objects.filter(authority=suzhou).count() == 1


def test_the_demo_data_gives_suzhou_its_own_budget(personas) -> None:
    demo.seed()
    demo.seed()  # idempotent
    own = EnergyBudget.objects.get(authority__code="3205", year=2026)
    assert (own.province, own.budget_tce) == ("32", 1_200_000.0)
    assert EnergyBudget.objects.filter(province="32", year=2026, authority=None).count() == 1
