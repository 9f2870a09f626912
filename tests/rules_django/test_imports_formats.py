"""Spreadsheet imports (contract "Import columns"): CSV with and without BOM, GB18030, xlsx with
numeric cells and title rows, and the Chinese headers and labels of both tables."""

from __future__ import annotations

import pytest

from rules.imports import region_status_import, two_high_import
from rules.models import RegionStatus, TwoHighEntry
from tests.rules_django._helpers import rejected
from tests.rules_django.conftest import (
    REGION_HEADER,
    TWO_HIGH_HEADER,
    csv_bytes,
    two_high_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Formats and labels
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_two_high_csv_utf8_with_and_without_bom(bom: bool) -> None:
    data = csv_bytes(
        [TWO_HIGH_HEADER, two_high_row(1), two_high_row(2, note="备注：整改中")], bom=bom
    )

    result = two_high_import(source=data, filename="清单.csv")

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    entry = TwoHighEntry.objects.get(project_code="2601-320505-04-01-000002")
    assert (entry.province, entry.region, entry.industry) == ("32", "320505", "3011")
    assert entry.annual_tce == 1002.0
    assert entry.note == "备注：整改中"


def test_two_high_chinese_headers_and_labels() -> None:
    header = [
        "项目代码",
        "项目名称",
        "地区",
        "行业代码",
        "类别",
        "年综合能耗（吨标准煤）",
        "处置意见",
        "备注",
    ]
    rows = [
        header,
        ["2601-320505-04-01-000001", "甲", "320505", "3011", "在建", "1,200.5", "继续建设", ""],
        ["2601-320505-04-01-000002", "乙", "320505", "3011", "拟建", "", "整改", ""],
        ["2601-330206-04-01-000003", "丙", "330206", "2614", "存量", "5", "停建、淘汰", ""],
        ["2601-370883-04-01-000004", "丁", "370883", "4411", "存量", "5", "淘汰", ""],
        ["2601-370883-04-01-000005", "戊", "370883", "4411", "存量", "5", "停建/淘汰", ""],
    ]

    two_high_import(source=csv_bytes(rows), filename="x.csv")

    got = {
        e.project_code[-1]: (e.status, e.disposal, e.annual_tce, e.province)
        for e in TwoHighEntry.objects.all()
    }
    assert got == {
        "1": ("in_construction", "continue", 1200.5, "32"),
        "2": ("planned", "rectify", None, "32"),
        "3": ("existing", "stop", 5.0, "33"),
        "4": ("existing", "stop", 5.0, "37"),
        "5": ("existing", "stop", 5.0, "37"),
    }


def test_two_high_xlsx_with_numeric_cells() -> None:
    rows = [
        [
            "项目代码",
            "项目名称",
            "行政区划代码",
            "行业代码",
            "状态",
            "年综合能耗",
            "处置意见",
            "备注",
        ],
        ["2601-320505-04-01-000001", "甲", 320505, 3011, "planned", 1500, "rectify", None],
        ["2601-320505-04-01-000002", "乙", 320505, 3011.0, "在建", 2.5, "继续建设", "x"],
    ]

    result = two_high_import(source=xlsx_bytes(rows), filename="清单.xlsx")

    assert result.created == 2
    first = TwoHighEntry.objects.get(project_code="2601-320505-04-01-000001")
    assert (first.region, first.industry, first.annual_tce, first.note) == (
        "320505",
        "3011",
        1500.0,
        "",
    )


def test_xlsx_title_rows_above_the_header_keep_sheet_row_numbers() -> None:
    rows = [
        ["江苏省“两高”项目清单（2026年）"],
        [],
        TWO_HIGH_HEADER,
        two_high_row(1),
        two_high_row(2, industry="9999"),
    ]

    error = rejected(lambda: two_high_import(source=xlsx_bytes(rows), filename="x.xlsx"))

    assert error.rows == [5]


def test_gb18030_csv_from_chinese_excel_is_accepted() -> None:
    data = csv_bytes(
        [TWO_HIGH_HEADER, two_high_row(1, project_name="某水泥项目")], encoding="gb18030"
    )

    two_high_import(source=data, filename="x.csv")

    assert TwoHighEntry.objects.get().project_name == "某水泥项目"


def test_region_status_chinese_headers_and_labels() -> None:
    rows = [
        [
            "省份",
            "年度",
            "基本目标",
            "激励目标",
            "进度",
            "是否落后基本目标",
            "替代比例",
            "预警等级",
        ],
        ["江苏省", "2026", "3.0", "3.5", "1.2", "是", "1.5", "红色"],
        ["33", "2026年", "3.0", "3.5", "3.4", "否", "1", "绿"],
        ["山东", 2026, "", "", "", "否", "", "绿色"],
        ["320000", 2025, "3", "3.5", "2", "是", "1.2", "黄"],
    ]

    region_status_import(source=csv_bytes(rows, bom=True), filename="x.csv")

    got = {
        (r.province, r.year): (r.behind_basic_target, r.substitution_ratio, r.warning_level)
        for r in RegionStatus.objects.all()
    }
    assert got == {
        ("32", 2026): (True, 1.5, "red"),
        ("33", 2026): (False, 1.0, "green"),
        ("37", 2026): (False, 1.0, "green"),
        ("32", 2025): (True, 1.2, "yellow"),
    }
    assert RegionStatus.objects.get(province="37").basic_target_pct is None


def test_region_status_xlsx() -> None:
    rows = [REGION_HEADER, [32, 2026, 3, 3.5, 1.2, True, 1.5, "yellow"]]

    region_status_import(source=xlsx_bytes(rows), filename="x.xlsx")

    row = RegionStatus.objects.get()
    assert (row.province, row.year, row.behind_basic_target, row.warning_level) == (
        "32",
        2026,
        True,
        "yellow",
    )
