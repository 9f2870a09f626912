"""Spreadsheet imports at volume: 10,000 valid rows, thousands of changed rows with their history,
and 10,000 rows with errors changing nothing."""

from __future__ import annotations

import pytest

from rules.imports import two_high_import
from rules.models import TwoHighEntry
from tests.rules_django._helpers import rejected
from tests.rules_django.conftest import TWO_HIGH_HEADER, csv_bytes, two_high_row, xlsx_bytes

pytestmark = pytest.mark.django_db


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
