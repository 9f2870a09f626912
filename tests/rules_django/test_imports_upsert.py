"""Spreadsheet imports as idempotent upserts: re-importing changes nothing (not even history), a
changed row is updated with history and flags open cases; the energy budget and policy version
tables."""

from __future__ import annotations

import pytest

from rules.imports import (
    ImportRejected,
    energy_budget_import,
    policy_version_import,
    region_status_import,
    two_high_import,
)
from rules.models import EnergyBudget, PolicyVersion, TwoHighEntry
from tests.rules_django._helpers import state
from tests.rules_django.conftest import (
    REGION_HEADER,
    TWO_HIGH_HEADER,
    csv_bytes,
    two_high_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


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
