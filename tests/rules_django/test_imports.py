"""Spreadsheet imports (contract "Import columns"): formats, Chinese labels, every bad-row kind,
all-or-nothing, idempotent upsert, and the `import_*` commands."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rules.imports import (
    ImportRejected,
    energy_budget_import,
    policy_version_import,
    region_status_import,
    two_high_import,
)
from rules.models import EnergyBudget, PolicyVersion, RegionStatus, TwoHighEntry
from tests.rules_django.conftest import (
    REGION_HEADER,
    TWO_HIGH_HEADER,
    csv_bytes,
    two_high_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def state() -> tuple[Any, ...]:
    """Everything an import may change: rows and their history."""
    return (
        list(TwoHighEntry.objects.order_by("pk").values()),
        list(RegionStatus.objects.order_by("pk").values()),
        TwoHighEntry.history.count(),
        RegionStatus.history.count(),
        EnergyBudget.history.count(),
    )


def rejected(call: Any) -> ImportRejected:
    before = state()
    with pytest.raises(ImportRejected) as info:
        call()
    assert state() == before, "a rejected import changed something"
    return info.value


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


# ---------------------------------------------------------------------------------------------
# Bad rows: every kind reported with its row number; nothing changes
# ---------------------------------------------------------------------------------------------
TWO_HIGH_BAD = [
    ({"project_code": "26-32"}, "项目代码"),
    ({"project_code": ""}, "项目代码"),
    ({"project_name": ""}, "项目名称"),
    ({"region": "999999"}, "行政区划代码"),
    ({"region": "3205"}, "6位"),
    ({"region": "不存在的区"}, "行政区划代码"),
    ({"region": "710000"}, "省份"),
    ({"industry": "9999"}, "GB/T 4754"),
    ({"industry": "30"}, "4位"),
    ({"industry": "30x1"}, "4位"),
    ({"status": "demolished"}, "类别"),
    ({"status": ""}, "类别"),
    ({"disposal": "关停"}, "处置意见"),
    ({"annual_tce": "-1"}, "不能小于0"),
    ({"annual_tce": "NaN"}, "有限数值"),
    ({"annual_tce": "inf"}, "有限数值"),
    ({"annual_tce": "大约一万"}, "不是数字"),
]


@pytest.mark.parametrize(("change", "text"), TWO_HIGH_BAD, ids=[str(c) for c, _ in TWO_HIGH_BAD])
def test_two_high_bad_row_is_reported_and_nothing_changes(change: dict, text: str) -> None:
    two_high_import(source=csv_bytes([TWO_HIGH_HEADER, two_high_row(1)]), filename="x.csv")
    data = csv_bytes([TWO_HIGH_HEADER, two_high_row(1, disposal="stop"), two_high_row(2, **change)])

    error = rejected(lambda: two_high_import(source=data, filename="x.csv"))

    assert error.rows == [3]
    assert text in error.lines()[0]
    assert error.lines()[0].startswith("第3行")


def test_every_bad_row_is_reported_not_just_the_first() -> None:
    rows = [TWO_HIGH_HEADER] + [two_high_row(n) for n in range(1, 9)]
    rows[2] = two_high_row(2, region="000000")
    rows[5] = two_high_row(5, industry="0000", status="x")
    rows[8] = two_high_row(8, annual_tce="-3")

    error = rejected(lambda: two_high_import(source=csv_bytes(rows), filename="x.csv"))

    assert error.rows == [3, 6, 9]
    assert len(error.errors) == 4  # row 6 has two bad cells


def test_duplicate_key_within_the_file_is_an_error() -> None:
    rows = [
        TWO_HIGH_HEADER,
        two_high_row(1),
        two_high_row(2),
        two_high_row(1, project_name="又一行"),
    ]

    error = rejected(lambda: two_high_import(source=csv_bytes(rows), filename="x.csv"))

    assert error.rows == [4]
    assert "与第2行重复" in error.lines()[0]


def test_missing_required_column_is_reported_on_the_header_row() -> None:
    header = [c for c in TWO_HIGH_HEADER if c != "disposal"]
    rows = [
        header,
        [v for k, v in zip(TWO_HIGH_HEADER, two_high_row(1), strict=True) if k != "disposal"],
    ]

    error = rejected(lambda: two_high_import(source=csv_bytes(rows), filename="x.csv"))

    assert error.rows == [1]
    assert "处置意见" in error.lines()[0]


def test_unrecognisable_file_is_rejected() -> None:
    rejected(lambda: two_high_import(source=b"\x00\x01garbage", filename="x.csv"))
    rejected(lambda: two_high_import(source=b"PK\x03\x04broken", filename="x.xlsx"))
    rejected(lambda: two_high_import(source=csv_bytes([TWO_HIGH_HEADER]), filename="x.csv"))


REGION_BAD = [
    (["99", 2026, 3, 3.5, 1, "否", 1, "green"], "省份"),
    (["台湾省", 2026, 3, 3.5, 1, "否", 1, "green"], "省份"),
    (["32", "二〇二六", 3, 3.5, 1, "否", 1, "green"], "年份"),
    (["32", "2026.5", 3, 3.5, 1, "否", 1, "green"], "年份"),
    (["32", 1999, 3, 3.5, 1, "否", 1, "green"], "超出范围"),
    (["32", 2026, "x", 3.5, 1, "否", 1, "green"], "不是数字"),
    (["32", 2026, 3, 3.5, "inf", "否", 1, "green"], "有限数值"),
    (["32", 2026, 3, 3.5, 1, "也许", 1, "green"], "是/否"),
    (["32", 2026, 3, 3.5, 1, "", 1, "green"], "是/否"),
    (["32", 2026, 3, 3.5, 1, "是", 0.9, "red"], "不小于1.0"),
    (["32", 2026, 3, 3.5, 1, "是", "nan", "red"], "有限数值"),
    (["32", 2026, 3, 3.5, 1, "是", 1.2, "紫色"], "可填"),
]


@pytest.mark.parametrize(("row", "text"), REGION_BAD, ids=[r[1] for r in REGION_BAD])
def test_region_status_bad_row_is_reported(row: list, text: str) -> None:
    data = csv_bytes([REGION_HEADER, ["33", 2026, 3, 3.5, 3.2, "否", 1, "green"], row])

    error = rejected(lambda: region_status_import(source=data, filename="x.csv"))

    assert error.rows == [3]
    assert text in " ".join(error.lines())


def test_region_status_duplicate_province_year_is_an_error() -> None:
    rows = [
        REGION_HEADER,
        ["32", 2026, 3, 3.5, 1, "是", 1.5, "red"],
        ["江苏", 2026, 3, 3.5, 1, "是", 1.5, "red"],
    ]

    error = rejected(lambda: region_status_import(source=csv_bytes(rows), filename="x.csv"))

    assert error.rows == [3]


# ---------------------------------------------------------------------------------------------
# Idempotent upsert
# ---------------------------------------------------------------------------------------------
def test_reimporting_the_same_file_changes_nothing_not_even_history() -> None:
    data = csv_bytes([TWO_HIGH_HEADER] + [two_high_row(n) for n in range(1, 6)], bom=True)
    two_high_import(source=data, filename="x.csv")
    before = state()

    again = two_high_import(source=data, filename="x.csv")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert state() == before


def test_reimporting_the_same_region_file_changes_nothing() -> None:
    data = xlsx_bytes([REGION_HEADER, [32, 2026, 3, 3.5, 1.2, "是", 1.5, "红"]])
    region_status_import(source=data, filename="x.xlsx")
    before = state()

    again = region_status_import(source=data, filename="x.xlsx")

    assert again.unchanged == 1
    assert state() == before


def test_changed_row_is_updated_with_history(dana) -> None:
    two_high_import(source=csv_bytes([TWO_HIGH_HEADER, two_high_row(1), two_high_row(2)]))
    entry = TwoHighEntry.objects.get(project_code="2601-320505-04-01-000001")
    history = entry.history.count()

    result = two_high_import(
        source=csv_bytes([TWO_HIGH_HEADER, two_high_row(1, disposal="stop"), two_high_row(2)]),
        filename="第2批.csv",
        by=dana,
        reason="省发展改革委第2批清单",
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    entry.refresh_from_db()
    assert entry.disposal == "stop"
    assert entry.history.count() == history + 1
    latest = entry.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.history_type) == (
        dana,
        "省发展改革委第2批清单",
        "~",
    )


def test_import_changing_a_disposal_flags_open_cases(make_case, bob) -> None:
    two_high_import(source=csv_bytes([TWO_HIGH_HEADER, two_high_row(1)]))
    case = make_case("2601-320505-04-01-000001", assignee=bob)
    closed = make_case("2601-320505-04-01-000001", state="approved", assignee=bob)

    result = two_high_import(source=csv_bytes([TWO_HIGH_HEADER, two_high_row(1, disposal="stop")]))

    assert result.flagged_cases == 1
    case.refresh_from_db()
    closed.refresh_from_db()
    assert case.flagged
    assert "停建/淘汰" in case.flag_reason
    assert not closed.flagged
    assert bob.notices.filter(case=case).count() == 1


# ---------------------------------------------------------------------------------------------
# Other tables
# ---------------------------------------------------------------------------------------------
def test_energy_budget_import() -> None:
    rows = [["省份", "年度", "新增用能预算（吨标准煤）", "说明"], ["江苏省", 2026, "8800000", ""]]

    energy_budget_import(source=csv_bytes(rows), filename="x.csv")

    assert EnergyBudget.objects.get().budget_tce == 8_800_000.0


def test_policy_version_import_adds_unpublished_and_refuses_to_edit_published() -> None:
    header = [
        "version",
        "effective_from",
        "provincial_threshold_tce",
        "exempt_below_tce",
        "exempt_below_kwh",
        "two_high_window_guidance_tce",
        "substitution_rules",
        "equal_value_kgce_per_kwh",
        "measures_edition",
        "basis",
    ]
    new = ["2027", "2027-01-01", 10000, 1000, 5000000, 50000, "yes", 0.298, "2023", "草案"]

    policy_version_import(source=csv_bytes([header, new]), filename="x.csv")

    assert PolicyVersion.objects.get(version="2027").published is False
    edited = ["2023", "2023-06-01", 20000, 1000, 5000000, 50000, "yes", 0.3007, "2023", ""]
    before = list(PolicyVersion.objects.values())
    with pytest.raises(ImportRejected) as info:
        policy_version_import(source=csv_bytes([header, edited]), filename="x.csv")
    assert "已发布" in info.value.lines()[0]
    assert list(PolicyVersion.objects.values()) == before


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
def test_import_two_high_command_exits_2_printing_every_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "清单.csv"
    path.write_bytes(
        csv_bytes(
            [
                TWO_HIGH_HEADER,
                two_high_row(1, region="1"),
                two_high_row(2),
                two_high_row(3, disposal="?"),
            ]
        )
    )
    out = io.StringIO()
    before = state()

    with pytest.raises(CommandError) as info:
        call_command("import_two_high", str(path), stdout=out)

    assert info.value.returncode == 2
    lines = out.getvalue().splitlines()
    assert [line.split("，")[0] for line in lines] == ["第2行", "第4行"]
    assert state() == before


def test_import_commands_succeed_and_are_idempotent(tmp_path: Path, dana) -> None:
    inventory = tmp_path / "inventory.xlsx"
    inventory.write_bytes(xlsx_bytes([TWO_HIGH_HEADER, two_high_row(1), two_high_row(2)]))
    regions = tmp_path / "regions.csv"
    regions.write_bytes(
        csv_bytes([REGION_HEADER, ["32", 2026, 3, 3.5, 1.2, "是", 1.5, "red"]], bom=True)
    )
    out = io.StringIO()

    call_command("import_two_high", str(inventory), "--user", "dana", stdout=out)
    call_command("import_region_status", str(regions), stdout=out)
    before = state()
    call_command("import_two_high", str(inventory), stdout=out)
    call_command("import_region_status", str(regions), stdout=out)

    assert state() == before
    assert "新增2条" in out.getvalue()
    assert "未变化2条" in out.getvalue()
    assert TwoHighEntry.history.filter(history_user=dana).count() == 2


# ---------------------------------------------------------------------------------------------
# 10,000 rows
# ---------------------------------------------------------------------------------------------
def test_ten_thousand_valid_rows() -> None:
    rows = [TWO_HIGH_HEADER] + [
        two_high_row(
            n, status=("在建", "拟建", "存量")[n % 3], disposal=("continue", "整改", "stop")[n % 3]
        )
        for n in range(1, 10_001)
    ]
    data = csv_bytes(rows, bom=True)

    result = two_high_import(source=data, filename="big.csv")

    assert (result.rows, result.created) == (10_000, 10_000)
    assert TwoHighEntry.objects.count() == 10_000
    assert TwoHighEntry.history.count() == 10_000
    assert TwoHighEntry.objects.filter(disposal="stop").count() == 3333
    again = two_high_import(source=data, filename="big.csv")
    assert again.unchanged == 10_000
    assert TwoHighEntry.history.count() == 10_000


def test_many_changed_rows_are_all_updated_with_history() -> None:
    two_high_import(source=csv_bytes([TWO_HIGH_HEADER] + [two_high_row(n) for n in range(1, 2501)]))
    changed = [TWO_HIGH_HEADER] + [
        two_high_row(n, annual_tce=7.5 * n, note=f"第{n}号") if n % 2 else two_high_row(n)
        for n in range(1, 2501)
    ]

    result = two_high_import(source=csv_bytes(changed))

    assert (result.updated, result.unchanged) == (1250, 1250)
    entry = TwoHighEntry.objects.get(project_code="2601-320505-04-01-002499")
    assert (entry.annual_tce, entry.note) == (7.5 * 2499, "第2499号")
    assert TwoHighEntry.objects.get(project_code="2601-320505-04-01-002500").annual_tce == 3500.0
    assert TwoHighEntry.history.count() == 2500 + 1250


def test_ten_thousand_rows_with_errors_change_nothing() -> None:
    two_high_import(source=csv_bytes([TWO_HIGH_HEADER, two_high_row(1)]))
    rows = [TWO_HIGH_HEADER] + [two_high_row(n, disposal="stop") for n in range(1, 10_001)]
    for n in (17, 5000, 10_000):
        rows[n] = two_high_row(n, industry="0000")
    rows[777] = rows[1]  # duplicate of the first data row

    error = rejected(lambda: two_high_import(source=xlsx_bytes(rows), filename="big.xlsx"))

    assert error.rows == [18, 778, 5001, 10_001]
