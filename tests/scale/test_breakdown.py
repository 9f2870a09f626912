"""One read of the counters answers what the overview asked of them in six (issue 14)."""

from __future__ import annotations

import pytest
from django.db.models import Q, Sum

from rules.selectors import OPEN_STATES, authority_scope_for
from scale import tally
from scale.breakdown import breakdown, month_counts_by_kind
from scale.models import CaseMonthTally, CaseTally


@pytest.mark.parametrize("who", ["dana", "bob", "helen", "grace", "erin"])
def test_breakdown_counts_what_the_separate_reads_count(
    load, personas, who, django_assert_num_queries
):
    scope = authority_scope_for(user=personas[who]).q()
    with django_assert_num_queries(1):
        tallied = breakdown(scope)
    assert tallied.rows or who == "erin"
    for field in ("state", "route", "recommendation"):
        expected = tally.counts_by(field, scope)
        assert tallied.counts_by(field) == expected
        assert list(tallied.counts_by(field)) == sorted(expected)
    headline = CaseTally.objects.filter(scope).aggregate(
        total=Sum("n", default=0),
        open=Sum("n", filter=Q(state__in=OPEN_STATES), default=0),
        two_high=Sum("n", filter=Q(two_high=True), default=0),
    )
    assert {
        "total": tallied.total(),
        "open": tallied.total(states=OPEN_STATES),
        "two_high": tallied.total(two_high=True),
    } == headline


@pytest.mark.parametrize("who", ["dana", "bob"])
def test_month_counts_of_both_kinds_in_one_read(load, who, request, django_assert_num_queries):
    scope = authority_scope_for(user=request.getfixturevalue(who)).q()
    years = sorted({int(m[:4]) for m in CaseMonthTally.objects.values_list("month", flat=True)})
    assert years
    for year in years:
        with django_assert_num_queries(1):
            both = month_counts_by_kind(("received", "approved"), year, scope)
        for kind in ("received", "approved"):
            expected = tally.month_counts(kind, year, scope)
            assert both[kind].keys() == expected.keys()
            for month, (n, tce) in expected.items():
                assert both[kind][month][0] == n
                assert both[kind][month][1] == pytest.approx(tce)
