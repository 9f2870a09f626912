"""Spreadsheet imports: every kind of bad row reported with its row number (bad cells, duplicate
keys, missing columns, unreadable files), and nothing changed."""

from __future__ import annotations

import pytest

from rules.imports import region_status_import, two_high_import
from tests.rules_django._helpers import rejected
from tests.rules_django.conftest import REGION_HEADER, TWO_HIGH_HEADER, csv_bytes, two_high_row

pytestmark = pytest.mark.django_db


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
