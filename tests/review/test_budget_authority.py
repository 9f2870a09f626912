"""The budget a case draws on follows its authority (issue 10): a case grace decides for
苏州市发展和改革委员会 draws on 苏州's own budget when it holds one, bob's provincial cases on the
province's; the case page and the approval's record say whose budget it is, at the same number of
queries as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authorities.models import Authority
from rules.models import EnergyBudget
from rules.selectors import budget_remaining

from .conftest import decidable, evaluated, under_review

pytestmark = pytest.mark.django_db

SUZHOU_NAME = "苏州市发展和改革委员会"


def _suzhou(make_case, **kw):
    """A delegated-tier project in Suzhou (3205xx): 苏州市发展和改革委员会's case."""
    return make_case(region="320505", review_level="delegated", counted_tce=6000, **kw)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def year() -> int:
    return timezone.localdate().year


@pytest.fixture
def two_budgets(personas, year):
    suzhou = Authority.objects.get(code="3205")
    EnergyBudget.objects.create(province="32", year=year, budget_tce=100_000)
    EnergyBudget.objects.create(province="32", year=year, authority=suzhou, budget_tce=10_000)
    return suzhou


def _page_queries(client: Client, case) -> tuple[int, str]:
    client.get(reverse("review:case", args=[case.pk]))  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("review:case", args=[case.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_graces_approval_draws_on_suzhous_budget(make_case, grace, bob, two_budgets, year):
    from review import services

    case = decidable(_suzhou(make_case), by=grace)
    assert case.authority == two_budgets
    case = services.case_approve(case=case, by=grace, reason="符合要求")
    snapshot = case.events.get(action="approve").data["budget"]
    assert snapshot["holder"] == SUZHOU_NAME
    assert snapshot["authority"] == two_budgets.pk
    assert snapshot["remaining_tce"] == pytest.approx(10_000)  # before this approval
    suzhou = budget_remaining("32", year, authority_id=two_budgets.pk)
    province = budget_remaining("32", year)
    assert suzhou.used_tce == pytest.approx(6_000)
    assert province.used_tce == 0.0  # the province's budget is untouched
    # bob's provincial case draws on the province's
    provincial = decidable(make_case(counted_tce=20_000), by=bob)
    provincial = services.case_approve(case=provincial, by=bob, reason="符合要求")
    assert provincial.events.get(action="approve").data["budget"]["holder"] == "江苏省"
    assert budget_remaining("32", year).used_tce == pytest.approx(20_000)
    assert budget_remaining("32", year, authority_id=two_budgets.pk).used_tce == pytest.approx(
        6_000
    )


def test_the_case_page_shows_whose_budget_with_unchanged_query_counts(
    make_case, grace, bob, personas, year
):
    suzhou_case = under_review(_suzhou(make_case), by=grace)
    provincial = under_review(make_case(counted_tce=20_000), by=bob)
    grace_client, bob_client = _client(grace), _client(bob)
    # only the province's budget: both pages show it
    EnergyBudget.objects.create(province="32", year=year, budget_tce=100_000)
    before_grace, html = _page_queries(grace_client, suzhou_case)
    assert 'data-testid="budget-holder">江苏省' in html
    before_bob, _html = _page_queries(bob_client, provincial)
    # 苏州 gets its own budget: grace's page shows it, bob's the province's, same query counts
    suzhou = Authority.objects.get(code="3205")
    EnergyBudget.objects.create(province="32", year=year, authority=suzhou, budget_tce=5_000)
    after_grace, html = _page_queries(grace_client, suzhou_case)
    assert f'data-testid="budget-holder">{SUZHOU_NAME}' in html
    assert "本机关单列预算" in html
    assert "5,000.00" in html
    after_bob, html = _page_queries(bob_client, provincial)
    assert 'data-testid="budget-holder">江苏省' in html
    assert SUZHOU_NAME not in html.split('data-testid="budget"')[1].split("</dl>")[0]
    assert (after_grace, after_bob) == (before_grace, before_bob)
    # grace's approval would overdraw 苏州's 5,000: warned against 苏州's budget
    evaluated(suzhou_case, by=grace)
    approve = grace_client.get(reverse("review:case_action", args=[suzhou_case.pk, "approve"]))
    text = approve.content.decode()
    assert 'data-testid="budget-warning"' in text
    assert f"审查通过本项目将超出{SUZHOU_NAME} {year} 年用能预算" in text


def test_the_queue_reads_no_budget(make_case, grace, personas, year):
    client = _client(grace)
    _suzhou(make_case)
    client.get(reverse("review:queue"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("review:queue"))
    assert not any("rules_energybudget" in q["sql"] for q in ctx.captured_queries)
    EnergyBudget.objects.create(
        province="32", year=year, authority=Authority.objects.get(code="3205"), budget_tce=1
    )
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("review:queue"))
    assert len(again.captured_queries) == len(ctx.captured_queries)
