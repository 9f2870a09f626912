"""The reviewer queue's counts: cases per state and overdue cases in a user's scope (issue 14).

Split from ``review.selectors``, which re-exports these names.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connections, router
from django.db.models import CharField, Count, Q, Sum, Value

from scale.models import CaseTally

from . import permissions, workflow
from .models import CaseState, ReviewCase


def _overdue_q(today: date) -> Q:
    return Q(state__in=list(workflow.RUNNING), deadline__lt=today)


@dataclass(frozen=True)
class QueueCounts:
    by_state: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


_OVERDUE_KEY = "~overdue"  # not a state: the overdue count's row in case_counts' one query


@functools.lru_cache(maxsize=256)
def _counts_sql(
    parts: tuple[Q, ...], disjoint: bool, today: date, alias: str
) -> tuple[str, tuple[Any, ...]]:
    """The SQL of ``case_counts``' query for a scope (``permissions.case_scope_parts``) and a day:
    building and compiling it cost twice its run, and a scope's query is the same on every page
    (issue 14).

    The overdue count is one count per part of a disjoint scope, summed: a reviewer's scope is
    his authorities' cases OR his province's cases without an authority, and PostgreSQL answered
    the OR with one bitmap scan that read 2,491 table pages to count 1,296 cases (4.5 ms at
    100,000). Apart, each part is an index-only scan of its partial index
    (``case_clock_authority_idx``; ``case_clock_unassigned_idx``). A scope whose parts may
    overlap (window guidance's route) is counted whole."""
    scope = permissions.scope_of(parts)
    per_state = (
        CaseTally.objects.filter(scope, n__gt=0)
        .order_by()
        .values_list("state")
        .annotate(total=Sum("n"))
    )
    overdue_counts = [
        ReviewCase.objects.filter(branch)
        .filter(_overdue_q(today))
        .order_by()
        .annotate(key=Value(_OVERDUE_KEY, output_field=CharField()))
        .values_list("key")
        # COUNT(*), not of the key: the partial indexes hold no key, and an index-only scan
        # reads only what its index holds
        .annotate(total=Count("*"))
        for branch in (parts if disjoint and len(parts) > 1 else (scope,))
    ]
    sql, params = per_state.union(*overdue_counts, all=True).query.get_compiler(alias).as_sql()
    return sql, tuple(params)


def case_counts(*, user: Any, today: date) -> QueueCounts:
    """Cases per state and overdue cases in ``user``'s scope, in one query that reads no case row
    for the states: the counts per state from the database-kept counters (``scale.tally``) and,
    in the same round trip (UNION ALL), the overdue count from the partial index of running
    cases by deadline (issue 14)."""
    alias = router.db_for_read(ReviewCase)
    parts, disjoint = permissions.case_scope_parts(user)
    sql, params = _counts_sql(parts, disjoint, today, alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_state = {state: 0 for state in CaseState.values}
    overdue = 0
    for key, total in sorted(rows):
        if key == _OVERDUE_KEY:
            overdue += int(total or 0)  # one row per branch of the scope
        elif total:
            by_state[key] = int(total)  # SUM of a bigint is a numeric on PostgreSQL
    return QueueCounts(by_state=by_state, overdue=overdue)
