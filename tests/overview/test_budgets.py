"""Energy budget arithmetic (用能预算, 方案（十一）): used, remaining, would-exceed."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from review.models import CaseState
from rules.models import EnergyBudget
from rules.selectors import (
    AuthorityScope,
    budget_remaining,
    budget_statuses,
    budget_would_exceed,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def jiangsu_2026(make_case):
    """Budget 100,000 tce; approved in 2026: 10,000 + 25,000; noise that must not count."""
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=100_000)
    counted = [
        make_case(tce=10_000, state=CaseState.APPROVED, decided_on=date(2026, 2, 1)),
        make_case(tce=25_000, state=CaseState.APPROVED, decided_on=date(2026, 9, 30)),
    ]
    make_case(tce=7_000, state=CaseState.APPROVED, decided_on=date(2025, 12, 1))  # other year
    make_case(tce=8_000, state=CaseState.APPROVED, region="330106", decided_on=date(2026, 5, 5))
    make_case(tce=9_000, state=CaseState.UNDER_REVIEW)  # not decided
    make_case(tce=11_000, state=CaseState.REJECTED, decided_on=date(2026, 4, 1))
    return counted


def test_used_is_the_sum_of_approved_counted_tce_of_the_province_and_year(jiangsu_2026):
    status = budget_remaining("32", 2026)
    assert status is not None
    assert status.budget_tce == 100_000
    assert status.used_tce == pytest.approx(35_000)
    assert status.remaining_tce == pytest.approx(65_000)
    assert status.used_pct == pytest.approx(35.0)
    assert not status.exceeded


def test_no_budget_means_no_status_and_nothing_to_exceed(jiangsu_2026):
    assert budget_remaining("32", 2025) is None
    assert budget_remaining("33", 2026) is None
    assert budget_would_exceed(province="33", year=2026, counted_tce=1e9) is False


@pytest.mark.parametrize(
    ("counted_tce", "exceeds"),
    [(0, False), (64_999.99, False), (65_000, False), (65_000.01, True), (200_000, True)],
)
def test_would_exceed_compares_with_the_remaining_budget(jiangsu_2026, counted_tce, exceeds):
    assert budget_would_exceed(province="32", year=2026, counted_tce=counted_tce) is exceeds


def test_an_overdrawn_budget_has_negative_remaining_and_any_approval_exceeds(make_case):
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=30_000)
    make_case(tce=40_000, state=CaseState.APPROVED, decided_on=date(2026, 3, 1))
    status = budget_remaining("32", 2026)
    assert status.remaining_tce == pytest.approx(-10_000)
    assert status.exceeded
    assert budget_would_exceed(province="32", year=2026, counted_tce=1) is True


def test_the_budget_year_is_the_local_calendar_year_of_the_decision(make_case):
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=100_000)
    EnergyBudget.objects.create(province="32", year=2027, budget_tce=100_000)
    late = make_case(tce=1_000, state=CaseState.APPROVED, decided_on=date(2026, 12, 31))
    early = make_case(tce=2_000, state=CaseState.APPROVED, decided_on=date(2027, 1, 1))
    # 23:30 on 31 December in Beijing is 15:30 UTC; 00:30 on 1 January is 16:30 UTC the day before.
    late.decided_at = datetime(2026, 12, 31, 23, 30, tzinfo=TZ)
    late.save()
    early.decided_at = datetime(2027, 1, 1, 0, 30, tzinfo=TZ)
    early.save()
    assert budget_remaining("32", 2026).used_tce == pytest.approx(1_000)
    assert budget_remaining("32", 2027).used_tce == pytest.approx(2_000)


def test_budget_statuses_are_scoped_to_the_readers_province(jiangsu_2026):
    EnergyBudget.objects.create(province="11", year=2026, budget_tce=50_000)
    everyone = budget_statuses(year=2026, scope=AuthorityScope(province=None))
    assert [(s.province, s.budget_tce, s.used_tce) for s in everyone] == [
        ("11", 50_000, 0.0),
        ("32", 100_000, pytest.approx(35_000)),
        ("33", None, pytest.approx(8_000)),
    ]
    jiangsu = budget_statuses(year=2026, scope=AuthorityScope(province="32"))
    assert [s.province for s in jiangsu] == ["32"]
    # A province without budget or approvals still gets its own row.
    anhui = budget_statuses(year=2026, scope=AuthorityScope(province="34"))
    assert [(s.province, s.budget_tce, s.used_tce) for s in anhui] == [("34", None, 0.0)]
