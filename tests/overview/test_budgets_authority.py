"""Budgets follow the authority (issue 10): an authority may hold its own energy budget for the
cases it decides (苏州市发展和改革委员会); its approvals draw on it, every other approval of the
province on the province's budget; readers see the budgets of their authorities."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from authorities.models import Authority
from review.models import CaseState, ReviewCase
from rules.models import EnergyBudget
from rules.selectors import (
    AuthorityScope,
    authority_scope_for,
    budget_remaining,
    budget_statuses,
    budget_would_exceed,
)

pytestmark = pytest.mark.django_db

SUZHOU_NAME = "苏州市发展和改革委员会"


@pytest.fixture
def suzhou(personas) -> Authority:
    return Authority.objects.get(code="3205")


@pytest.fixture
def jiangsu(personas) -> Authority:
    return Authority.objects.get(code="32")


def _approved(make_case, authority: Authority | None, tce: float, on: date) -> ReviewCase:
    case = make_case(tce=tce, state=CaseState.APPROVED, decided_on=on)
    ReviewCase.objects.filter(pk=case.pk).update(authority=authority)  # the counters follow
    return case


@pytest.fixture
def budgets_2026(make_case, suzhou, jiangsu):
    """Province 100,000 tce, 苏州 20,000 tce; approved in 2026: 苏州 5,000 (+ 2,000 in 2025),
    the province 10,000, a row from before routing (no authority) 3,000."""
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=100_000)
    own = EnergyBudget.objects.create(province="32", year=2026, authority=suzhou, budget_tce=20_000)
    _approved(make_case, suzhou, 5_000, date(2026, 4, 1))
    _approved(make_case, suzhou, 2_000, date(2025, 11, 1))
    _approved(make_case, jiangsu, 10_000, date(2026, 5, 1))
    _approved(make_case, None, 3_000, date(2026, 6, 1))
    return own


def test_an_authority_with_its_own_budget_draws_on_it(budgets_2026, suzhou):
    status = budget_remaining("32", 2026, authority_id=suzhou.pk)
    assert (status.authority_id, status.holder) == (suzhou.pk, SUZHOU_NAME)
    assert (status.budget_tce, status.used_tce) == (20_000, pytest.approx(5_000))
    assert status.remaining_tce == pytest.approx(15_000)
    assert budget_would_exceed(
        province="32", year=2026, counted_tce=15_000.01, authority_id=suzhou.pk
    )
    assert not budget_would_exceed(
        province="32", year=2026, counted_tce=15_000, authority_id=suzhou.pk
    )


def test_the_province_budget_covers_the_rest_of_the_province(budgets_2026, jiangsu):
    for authority_id in (jiangsu.pk, None):
        status = budget_remaining("32", 2026, authority_id=authority_id)
        assert (status.authority_id, status.holder) == (None, "江苏省")
        # 10,000 + 3,000: 苏州's own approvals draw on 苏州's budget, not twice
        assert status.used_tce == pytest.approx(13_000)
    assert budget_would_exceed(province="32", year=2026, counted_tce=87_000.01)
    assert not budget_would_exceed(province="32", year=2026, counted_tce=87_000)


def test_without_its_own_budget_an_authority_falls_back_to_the_province(budgets_2026, suzhou):
    budgets_2026.delete()
    status = budget_remaining("32", 2026, authority_id=suzhou.pk)
    assert (status.authority_id, status.budget_tce) == (None, 100_000)
    assert status.used_tce == pytest.approx(18_000)  # 苏州's approvals now count here
    assert budget_remaining("32", 2025, authority_id=suzhou.pk) is None  # no budget that year


def test_budget_statuses_list_the_province_then_its_authorities(budgets_2026, suzhou):
    EnergyBudget.objects.create(province="11", year=2026, budget_tce=50_000)
    rows = budget_statuses(year=2026, scope=AuthorityScope(province=None))
    assert [(s.province, s.holder, s.budget_tce, s.used_tce) for s in rows] == [
        ("11", "北京市", 50_000, 0.0),
        ("32", "江苏省", 100_000, pytest.approx(13_000)),
        ("32", SUZHOU_NAME, 20_000, pytest.approx(5_000)),
    ]
    jiangsu_rows = budget_statuses(year=2026, scope=AuthorityScope(province="32"))
    assert [s.holder for s in jiangsu_rows] == ["江苏省", SUZHOU_NAME]
    only_suzhou = AuthorityScope(province="32", authority_ids=frozenset({suzhou.pk}))
    rows = budget_statuses(year=2026, scope=only_suzhou)
    assert [(s.holder, s.used_tce) for s in rows] == [(SUZHOU_NAME, pytest.approx(5_000))]
    budgets_2026.delete()  # no budget of its own: the province's its cases draw on
    rows = budget_statuses(year=2026, scope=only_suzhou)
    assert [(s.holder, s.used_tce) for s in rows] == [("江苏省", pytest.approx(18_000))]


def test_grace_reads_her_authoritys_budget_bob_the_provinces(personas, suzhou):
    grace, bob, dana = personas["grace"], personas["bob"], personas["dana"]
    assert authority_scope_for(user=grace) == AuthorityScope(
        province="32", authority_ids=frozenset({suzhou.pk})
    )
    assert authority_scope_for(user=bob) == AuthorityScope(province="32")
    assert authority_scope_for(user=dana) == AuthorityScope(province=None)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_budgets_page_per_reader(budgets_2026, personas):
    grace = _client(personas["grace"])
    page = grace.get(reverse("rules:budgets"), {"year": 2026})
    assert [s.holder for s in page.context["statuses"]] == [SUZHOU_NAME]
    html = page.content.decode()
    assert 'data-testid="budget-holder"' in html
    assert "15,000" in html  # 苏州's remaining, with separators
    assert "87,000" not in html  # not the province's remaining
    csv_text = grace.get(
        reverse("rules:budgets_export", args=["csv"]), {"year": 2026}
    ).content.decode("utf-8-sig")
    assert SUZHOU_NAME in csv_text
    assert "江苏省" not in csv_text
    bob = _client(personas["bob"]).get(reverse("rules:budgets"), {"year": 2026})
    assert [s.holder for s in bob.context["statuses"]] == ["江苏省", SUZHOU_NAME]
    assert "87,000" in bob.content.decode()


def test_an_overdrawn_authority_budget_is_flagged_on_the_page(make_case, suzhou, personas):
    EnergyBudget.objects.create(province="32", year=2026, authority=suzhou, budget_tce=4_000)
    _approved(make_case, suzhou, 5_000, date(2026, 4, 1))
    page = _client(personas["grace"]).get(reverse("rules:budgets"), {"year": 2026})
    assert f'data-exceeded="{suzhou.pk}"' in page.content.decode()
    assert f"{SUZHOU_NAME}已批准项目的计入能耗超出本年度用能预算" in page.content.decode()


def test_grace_without_a_budget_of_her_own_sees_the_provinces(make_case, personas):
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=100_000)
    page = _client(personas["grace"]).get(reverse("rules:budgets"), {"year": 2026})
    assert [s.holder for s in page.context["statuses"]] == ["江苏省"]
    assert 'data-testid="budget-fallback"' in page.content.decode()
