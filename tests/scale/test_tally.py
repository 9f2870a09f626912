"""The database-kept case counters stay exact whoever writes a case (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count, Sum

from review import selectors, workflow
from review.models import ReviewCase
from review.permissions import case_scope
from scale import tally
from scale.models import CaseTally

from .conftest import TODAY


def _truth(field: str = "state") -> dict[str, int]:
    return dict(ReviewCase.objects.order_by().values_list(field).annotate(n=Count("id")))


def _tce_truth() -> float:
    return ReviewCase.objects.aggregate(t=Sum("counted_tce"))["t"] or 0.0


def test_save_update_and_delete_keep_the_counters_exact(load):
    case = ReviewCase.objects.filter(state="under_review").first()
    case.state = "approved"
    case.save()
    assert tally.counts_by("state") == _truth()
    ReviewCase.objects.filter(state="submitted").update(state="accepted")  # no signals here
    assert tally.counts_by("state") == _truth()
    ReviewCase.objects.filter(pk=case.pk).update(counted_tce=123_456.0, sector="steel")
    assert tally.totals()[1] == pytest.approx(_tce_truth())
    assert tally.counts_by("route") == _truth("route")
    extra = ReviewCase.objects.get(pk=case.pk)
    extra.pk = None
    extra.save()  # a copy without events, which may be deleted
    assert tally.totals() == (ReviewCase.objects.count(), pytest.approx(_tce_truth()))
    extra.delete()
    assert tally.totals() == (ReviewCase.objects.count(), pytest.approx(_tce_truth()))
    assert tally.counts_by("state") == _truth()


def test_rebuild_gives_the_same_counters(load):
    ReviewCase.objects.filter(province="32").update(state="rejected")
    before = {t.key: (t.n, round(t.tce, 3)) for t in CaseTally.objects.filter(n__gt=0)}
    tally.rebuild()
    after = {t.key: (t.n, round(t.tce, 3)) for t in CaseTally.objects.all()}
    assert before == after


def test_counts_are_scoped_like_the_cases(load, bob):
    scope = case_scope(bob)
    truth = dict(
        ReviewCase.objects.filter(scope).order_by().values_list("state").annotate(n=Count("id"))
    )
    assert truth  # bob sees Jiangsu's cases
    assert tally.counts_by("state", scope) == truth
    counts = selectors.case_counts(user=bob, today=TODAY)
    assert {k: v for k, v in counts.by_state.items() if v} == truth
    overdue = ReviewCase.objects.filter(
        scope, state__in=list(workflow.RUNNING), deadline__lt=TODAY
    ).count()
    assert counts.overdue == overdue


def test_queue_counts_follow_the_day_and_the_cases(load, bob):
    """``case_counts`` keeps its compiled SQL per scope and day, never its answer."""
    from datetime import timedelta

    from django.db.models import Max, Min

    running = ReviewCase.objects.filter(
        case_scope(bob), state__in=list(workflow.RUNNING), deadline__isnull=False
    )
    days = running.aggregate(first=Min("deadline"), last=Max("deadline"))
    early, late = days["first"], days["last"] + timedelta(days=1)
    assert selectors.case_counts(user=bob, today=early).overdue == 0  # nothing due before it
    assert selectors.case_counts(user=bob, today=late).overdue == running.count() > 0
    by_state = selectors.case_counts(user=bob, today=late).by_state
    running.filter(pk=running.first().pk).update(state="approved")
    again = selectors.case_counts(user=bob, today=late)
    assert again.overdue == running.count()
    assert again.by_state["approved"] == by_state["approved"] + 1


def test_queue_counts_read_no_case_rows_for_the_states(load, bob, django_assert_num_queries):
    case_scope(bob)  # the user's authorities, cached on the user object
    with django_assert_num_queries(1) as captured:  # the counters and the overdue count
        selectors.case_counts(user=bob, today=TODAY)
    (sql,) = [q["sql"] for q in captured.captured_queries]
    assert "scale_casetally" in sql
    assert "GROUP BY" not in sql.split("review_reviewcase", 1)[1]  # no case row per state


def _month_truth(kind: str, year: int) -> dict[int, int]:
    from django.db.models.functions import TruncMonth

    qs = ReviewCase.objects.all()
    column = "submitted_at"
    if kind == "approved":
        qs, column = qs.filter(state="approved", decided_at__isnull=False), "decided_at"
    rows = (
        qs.filter(**{f"{column}__year": year})
        .annotate(m=TruncMonth(column))
        .values("m")
        .annotate(n=Count("id"))
    )
    return {row["m"].month: row["n"] for row in rows}


@pytest.mark.parametrize("kind", ["received", "approved"])
def test_monthly_counters_follow_approvals_and_moves(load, kind):
    from datetime import datetime, timedelta

    from django.utils import timezone

    year = TODAY.year
    count = lambda: {m: n for m, (n, _) in tally.month_counts(kind, year).items()}  # noqa: E731
    assert count() == _month_truth(kind, year)
    case = ReviewCase.objects.filter(state="under_review").first()
    case.state = "approved"
    # 00:30 on 1 April in Beijing is 31 March in UTC: the counters count it in April.
    case.decided_at = timezone.make_aware(datetime(year, 4, 1, 0, 30))
    case.submitted_at = case.decided_at - timedelta(days=40)
    case.save()
    approved = ReviewCase.objects.filter(state="approved").exclude(pk=case.pk).first()
    ReviewCase.objects.filter(pk=approved.pk).update(state="expired")
    assert count() == _month_truth(kind, year)
    if kind == "approved":
        assert tally.month_counts(kind, year)[4][0] == _month_truth(kind, year)[4]
    used = tally.approved_tce_by_province(year)
    truth = {}
    for c in ReviewCase.objects.filter(state="approved", decided_at__year=year):
        truth[c.province] = truth.get(c.province, 0.0) + c.counted_tce
    assert used == pytest.approx(truth)


@pytest.mark.parametrize("name", ["bob", "helen", "grace", "erin", "dana"])
def test_overdue_count_summed_over_the_scopes_branches_is_the_plain_count(load, personas, name):
    """The overdue count is one count per disjoint branch of the scope, summed (the authority's
    cases; the province's cases without an authority): it equals counting the whole scope."""
    user = personas[name]
    scope = case_scope(user)
    # both of a provincial reviewer's branches hold overdue cases: two of the Jiangsu
    # authority's, one of Jiangsu's without an authority
    from authorities.selectors import reviewer_authority_ids

    (authority_id,) = reviewer_authority_ids(personas["bob"])
    first, second, third = ReviewCase.objects.filter(province="32").order_by("pk")[:3]
    late = TODAY - timedelta(days=5)
    ReviewCase.objects.filter(pk__in=[first.pk, second.pk]).update(
        state="under_review", deadline=late, authority_id=authority_id
    )
    ReviewCase.objects.filter(pk=third.pk).update(state="accepted", deadline=late, authority=None)
    running = ReviewCase.objects.filter(state__in=list(workflow.RUNNING), deadline__lt=TODAY)
    expected = running.filter(scope).count()
    assert selectors.case_counts(user=user, today=TODAY).overdue == expected
    if name in ("bob", "helen"):
        assert running.filter(scope, authority__isnull=True).exists()
        assert running.filter(scope, authority__isnull=False).exists()


def test_a_scope_is_split_into_parts_only_where_no_case_matches_two(personas):
    """``permissions.case_scope_parts``: the parts ``case_scope`` ORs, and whether the overdue
    count may be summed over them (``review.counts``)."""
    from django.contrib.auth.models import Group, User
    from django.db.models import Q

    from accounts import roles
    from authorities.selectors import reviewer_authority_ids
    from review.permissions import case_scope_parts

    (authority_id,) = reviewer_authority_ids(personas["bob"])
    assigned = Q(authority_id__in=[authority_id])
    unassigned = Q(authority__isnull=True, province__in=["32"])
    route = Q(route="national_window_guidance")
    assert case_scope_parts(personas["bob"]) == ((assigned, unassigned), True)
    assert case_scope_parts(personas["erin"]) == ((route,), True)
    assert case_scope_parts(personas["dana"]) == ((Q(),), True)
    # the scope itself is as before: nothing, or any of the parts; everything for an admin
    assert case_scope(personas["bob"]) == Q(pk__in=[]) | assigned | unassigned
    assert case_scope(personas["dana"]) == Q()
    assert case_scope(personas["alice"]) == Q(pk__in=[])
    # a route part may overlap the others: such a scope is counted whole
    personas["bob"].groups.add(Group.objects.get(name=roles.NATIONAL_REVIEWER))
    both = User.objects.get(pk=personas["bob"].pk)  # its lookups read afresh
    assert case_scope_parts(both) == ((assigned, unassigned, route), False)
