"""拆分规避: parts each under a threshold that together cross it are shown to the reviewer,
never to the applicant; unrelated projects are not flagged."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from supervision.selectors import split_warnings_for_case


@pytest.fixture
def split_pair(make_case):
    first = make_case(counted_tce=6000.0, name="熟料线一期")
    second = make_case(counted_tce=6000.0, name="熟料线二期")
    return first, second


def test_two_6000_tce_parts_of_one_owner_at_one_site_cross_the_provincial_tier(split_pair):
    first, second = split_pair
    warnings = split_warnings_for_case(second)
    bases = {(w.basis, w.threshold_key) for w in warnings}
    assert bases == {("owner", "provincial"), ("site", "provincial")}
    owner = next(w for w in warnings if w.basis == "owner")
    assert owner.threshold_tce == 10000
    assert owner.total_tce == 12000
    assert {p.case_id for p in owner.parts} == {first.pk, second.pk}
    assert next(p for p in owner.parts if p.current).case_id == second.pk
    # the first part sees the second one too
    assert split_warnings_for_case(first)


def test_unrelated_projects_are_not_flagged(make_case, carol):
    make_case(counted_tce=6000.0)
    other_site = make_case(counted_tce=6000.0, owner=carol, region="320106")
    assert split_warnings_for_case(other_site) == []


def test_same_site_different_owners_is_flagged_by_site(make_case, carol):
    make_case(counted_tce=6000.0)
    neighbour = make_case(counted_tce=6000.0, owner=carol)
    warnings = split_warnings_for_case(neighbour)
    assert [(w.basis, w.threshold_key) for w in warnings] == [("site", "provincial")]


def test_a_part_already_over_the_threshold_is_no_split(make_case):
    make_case(counted_tce=11000.0)
    case = make_case(counted_tce=6000.0)
    assert not [w for w in split_warnings_for_case(case) if w.threshold_key == "provincial"]


def test_rejected_parts_do_not_count(make_case):
    from review.models import CaseState, ReviewCase

    first = make_case(counted_tce=6000.0)
    ReviewCase.objects.filter(pk=first.pk).update(state=CaseState.REJECTED)
    assert split_warnings_for_case(make_case(counted_tce=6000.0)) == []


def test_reviewer_sees_the_warning_on_the_case_page_and_the_applicant_never(
    split_pair, bob_client, alice_client, alice
):
    _, second = split_pair
    page = bob_client.get(reverse("review:case", args=[second.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="split-warnings"' in html
    assert "熟料线一期" in html
    # the applicant: no review page, no project page mention, no API
    assert alice_client.get(reverse("review:case", args=[second.pk])).status_code in (403, 404)
    project_page = alice_client.get(reverse("projects:detail", args=[second.project_id]))
    assert "split-warnings" not in project_page.content.decode()
    assert "拆分" not in project_page.content.decode()
    api = APIClient()
    api.force_authenticate(alice)
    url = reverse("api-sv-split-warnings", args=[second.pk])
    assert api.get(url).status_code == 404


def test_split_api_for_the_reviewer(split_pair, bob, erin):
    _, second = split_pair
    api = APIClient()
    api.force_authenticate(bob)
    body = api.get(reverse("api-sv-split-warnings", args=[second.pk])).json()
    assert {w["basis"] for w in body["warnings"]} == {"owner", "site"}
    assert body["warnings"][0]["total_tce"] == 12000
    api.force_authenticate(erin)  # national window guidance: standard route, not hers
    assert api.get(reverse("api-sv-split-warnings", args=[second.pk])).status_code == 404


def test_split_warnings_take_one_query(make_case, django_assert_num_queries):
    for _ in range(6):
        make_case(counted_tce=2000.0)
    case = make_case(counted_tce=2000.0)
    with django_assert_num_queries(1):  # the related cases with the policy in force
        warnings = split_warnings_for_case(case)
    assert warnings
    assert len(warnings[0].parts) == 7


def test_the_thresholds_are_those_of_the_version_in_force_on_the_submission_day(split_pair):
    from datetime import timedelta

    from rules.models import PolicyVersion

    _, second = split_pair
    day = second.submitted_at.date()
    latest = PolicyVersion.objects.filter(published=True).order_by("-effective_from").first()

    def version(name: str, effective_from, provincial: float, published: bool = True) -> None:
        values = {
            f.attname: getattr(latest, f.attname) for f in PolicyVersion._meta.concrete_fields
        }
        del values["id"]
        values.update(version=name, effective_from=effective_from, published=published)
        PolicyVersion.objects.create(**{**values, "provincial_threshold_tce": provincial})

    def provincial() -> set[float]:
        return {
            w.threshold_tce
            for w in split_warnings_for_case(second)
            if w.threshold_key == "provincial"
        }

    assert provincial() == {10000}
    version("t-later", day + timedelta(days=1), 11000)  # not yet in force on the day
    version("t-draft", day, 11500, published=False)  # never published
    assert provincial() == {10000}
    version("t-in-force", day - timedelta(days=1), 11000)
    assert provincial() == {11000}
    PolicyVersion.objects.filter(version="t-in-force").update(provincial_threshold_tce=13000)
    assert provincial() == set()  # 12,000 tce together no longer cross it
