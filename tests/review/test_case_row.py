"""The case page's one-query case (review.case_row) is the case ``case_get_for_user`` gives:
every column of the case and of its related rows, the same Python values, the relations cached
(no further query), a missing assignee, profile or authority as ``select_related`` leaves it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Model
from django.http import Http404

from accounts.models import Profile
from review import case_page, selectors, services
from review.models import ReviewCase

from .conftest import under_review

TODAY = date(2026, 11, 20)


def _values(instance: Model | None) -> dict[str, object] | None:
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _same(ours: ReviewCase, theirs: ReviewCase) -> None:
    assert _values(ours) == _values(theirs)
    for path in ("project", "project.organization", "submission", "authority", "assignee"):
        a, b = ours, theirs
        for name in path.split("."):
            a, b = getattr(a, name), getattr(b, name)
        assert type(a) is type(b)
        assert _values(a) == _values(b), path


def test_the_case_and_its_relations_are_those_of_select_related(
    make_case, bob, django_assert_num_queries
):
    case = under_review(make_case(), by=bob)
    theirs = selectors.case_get_for_user(pk=case.pk, user=bob)
    ours, has = case_page.case_get(pk=case.pk, user=bob, today=TODAY)
    with django_assert_num_queries(0):
        _same(ours, theirs)
        assert ours.assignee.profile.display_name == theirs.assignee.profile.display_name
        assert ours.assignee.profile.user is ours.assignee
        assert ours.submission.assessment == theirs.submission.assessment
        assert isinstance(ours.submitted_at.tzinfo, type(theirs.submitted_at.tzinfo))
    assert not ours._state.adding
    assert ours._state.db == "default"
    assert has == case_page.Present(
        opinions=False,
        drafts=False,
        evaluations=False,
        extensions=False,
        attachments=False,
        correction_rounds=False,
        budget=False,
        submissions=1,
    )


def test_no_assignee_no_profile_no_authority(make_case, bob, django_assert_num_queries):
    case = make_case()
    ReviewCase.objects.filter(pk=case.pk).update(authority=None)
    ours, _ = case_page.case_get(pk=case.pk, user=bob, today=TODAY)
    with django_assert_num_queries(0):
        assert ours.assignee is None
        assert ours.authority is None
    under_review(case, by=bob)
    Profile.objects.filter(user=bob).delete()
    ours, _ = case_page.case_get(pk=case.pk, user=bob, today=TODAY)
    with django_assert_num_queries(0):
        assert ours.assignee.username == "bob"
        with pytest.raises(Profile.DoesNotExist):
            ours.assignee.profile  # noqa: B018 - as select_related leaves a missing profile


def test_the_probes_see_each_list(make_case, bob, helen):
    case = under_review(make_case(), by=bob)
    services.case_request_extension(case=case, by=bob, reason="评审")
    _, has = case_page.case_get(pk=case.pk, user=bob, today=TODAY)
    assert has.extensions
    assert not has.opinions
    assert not has.budget


def test_a_case_out_of_scope_or_missing_is_404(make_case, alice, bob):
    case = make_case()
    with pytest.raises(Http404):
        case_page.case_get(pk=case.pk, user=alice, today=TODAY)  # the applicant
    with pytest.raises(Http404):
        case_page.case_get(pk=case.pk + 1000, user=bob, today=TODAY)
