"""List pages cost the same number of queries whatever their length."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from review import services as review_services
from review.models import DocumentKind, Opinion

from .conftest import MID_FACTORY

pytestmark = pytest.mark.django_db


def _populate(alice, bob, make_project, make_submitted, n: int) -> None:
    """n projects: a third drafts, a third submitted, a third returned with an opinion."""
    for index in range(n):
        kind = index % 3
        if kind == 0:
            make_project(alice, {**MID_FACTORY, "name": f"草稿{index}"})
            continue
        project = make_submitted(alice, {**MID_FACTORY, "name": f"项目{index}"})
        case = project.cases.get()
        if kind == 2:
            review_services.case_return_for_correction(case=case, by=bob, items=["补充材料"])
            Opinion.objects.create(
                case=case,
                kind=DocumentKind.APPROVAL,
                number=f"文号{index}",
                issued_on=date(2026, 12, 1),
                state=Opinion.State.READY,
            )


def _count_queries(client, url, django_assert_max_num_queries, limit) -> None:
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 15])
def test_dashboard_queries_do_not_grow_with_projects(
    alice, bob, alice_client, make_project, make_submitted, django_assert_max_num_queries, n
):
    _populate(alice, bob, make_project, make_submitted, n)
    # user, his lookups (groups, authorities, profile, unread notices: accounts.lookups), count,
    # organization, page, cases, opinions, open 补正 rounds (the applicant's own date); the
    # session is in the cache
    _count_queries(alice_client, reverse("projects:dashboard"), django_assert_max_num_queries, 8)


@pytest.mark.parametrize("n", [3, 15])
def test_api_list_queries_do_not_grow_with_projects(
    alice, bob, alice_client, make_project, make_submitted, django_assert_max_num_queries, n
):
    _populate(alice, bob, make_project, make_submitted, n)
    # user, his lookups, the page, its cases with their issued opinions
    _count_queries(alice_client, reverse("api-project-list"), django_assert_max_num_queries, 4)


@pytest.mark.parametrize("n", [3, 15])
def test_api_list_for_a_reviewer_is_constant_too(
    alice, bob, bob_client, make_project, make_submitted, django_assert_max_num_queries, n
):
    _populate(alice, bob, make_project, make_submitted, n)
    _count_queries(bob_client, reverse("api-project-list"), django_assert_max_num_queries, 4)
