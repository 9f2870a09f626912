"""Server-side SVG charts and the table exports (no database)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from rules.charts import (
    Series,
    Table,
    bar_chart,
    display_value,
    hbar_chart,
    line_chart,
    nice_scale,
    table_csv,
    table_xlsx,
)


@pytest.mark.parametrize(
    ("peak", "integer", "expected"),
    [
        (1, True, (1, 1)),
        (3, True, (3, 1)),
        (7, True, (8, 2)),
        (9, True, (10, 5)),
        (0, True, (4, 1)),
        (0.7, False, (0.8, 0.2)),
        (35_000, False, (40_000, 10_000)),
        (300_000, False, (300_000, 100_000)),
        (120_277.66, False, (150_000, 50_000)),
    ],
)
def test_nice_scale(peak, integer, expected):
    top, step = nice_scale(peak, integer=integer)
    assert (top, step) == pytest.approx(expected)
    assert top >= peak


def test_bar_chart_draws_one_bar_per_value_and_escapes_labels():
    svg = bar_chart(
        title="<b>标题</b>",
        labels=["江苏省", "<script>"],
        series=[Series("预算", [300_000, 80_000]), Series("已用", [41_000, 0])],
    )
    assert svg.startswith('<svg class="chart"')
    assert svg.count('class="bar"') == 4
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "300,000" in svg  # tooltip and axis numbers are grouped


def test_empty_charts_say_so():
    svg = line_chart(
        title="趋势", labels=["1月"], series=[Series("提交", [0])], empty_message="暂无数据"
    )
    assert "暂无数据" in svg
    assert "polyline" not in svg


def test_hbar_and_line_charts():
    svg = hbar_chart(title="状态", labels=["审查中", "已受理"], values=[2, 1])
    assert svg.count('class="bar"') == 2
    line = line_chart(
        title="趋势", labels=["1月", "2月", "3月"], series=[Series("提交", [1, 0, 4])]
    )
    assert line.count("<circle") == 3
    assert 'class="line"' in line


def test_display_value():
    assert display_value(300000) == "300,000"
    assert display_value(13.7) == "13.7"
    assert display_value(2.456) == "2.46"
    assert display_value(None) == "—"
    assert display_value(date(2026, 11, 21)) == "2026-11-21"


TABLE = Table(
    key="budgets",
    title="用能预算/使用",
    columns=("省份", "预算", "期限"),
    rows=[("江苏省", 300_000.0, date(2026, 1, 2)), ("北京市", None, None)],
    numeric=(1,),
)


def test_csv_has_a_bom_and_iso_dates():
    text = table_csv(TABLE).decode("utf-8")
    assert text.startswith("\ufeff省份,预算,期限\r\n")
    assert "江苏省,300000.0,2026-01-02" in text
    assert text.endswith("北京市,,\r\n")


def test_xlsx_keeps_numbers_and_dates_typed():
    book = load_workbook(io.BytesIO(table_xlsx(TABLE)))
    sheet = book.active
    assert sheet.title == "用能预算 使用"  # '/' is not allowed in sheet titles
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("省份", "预算", "期限")
    assert rows[1][1] == 300_000
    assert rows[1][2].date() == date(2026, 1, 2)
    assert rows[2] == ("北京市", None, None)
