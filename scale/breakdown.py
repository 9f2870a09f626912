"""Several of the overview's counts from one read of the counters (``scale.tally``; issue 14).

The overview asked the case counters four times (cases per state, per route, per system
recommendation, and the headline total, open and two-high counts) and the monthly counters twice
(received, approved). :func:`breakdown` reads the counters once, grouped by the four fields those
counts need (a few dozen rows, however many cases), and answers each of them in Python;
:func:`month_counts_by_kind` reads both kinds of monthly counters at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, Sum

from .models import CaseMonthTally, CaseTally

FIELDS = ("state", "route", "recommendation", "two_high")


@dataclass(frozen=True)
class Breakdown:
    """Cases within a scope per (state, route, recommendation, two_high)."""

    rows: tuple[tuple[str, str, str, bool, int], ...]

    def counts_by(self, field: str) -> dict[str, int]:
        """``tally.counts_by(field, scope)``: cases per value of ``field`` (state, route or
        recommendation), values without cases left out, in value order."""
        index = FIELDS.index(field)
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row[index]] = counts.get(row[index], 0) + row[-1]
        return {value: counts[value] for value in sorted(counts) if counts[value]}

    def total(self, *, states: Iterable[str] | None = None, two_high: bool | None = None) -> int:
        """Cases (in ``states``, two-high or not when asked)."""
        wanted = None if states is None else set(states)
        return sum(
            n
            for state, _route, _recommendation, high, n in self.rows
            if (wanted is None or state in wanted) and (two_high is None or high == two_high)
        )


def breakdown(scope: Q | None = None) -> Breakdown:
    """The counters within ``scope`` (a filter on the fields the tally keeps), grouped by
    :data:`FIELDS`; one query."""
    rows = (
        CaseTally.objects.filter(scope or Q(), n__gt=0)
        .order_by()
        .values_list(*FIELDS)
        .annotate(total=Sum("n"))
    )
    return Breakdown(tuple((s, r, rec, bool(h), int(n)) for s, r, rec, h, n in rows if n))


def month_counts_by_kind(
    kinds: Iterable[str], year: int, scope: Q | None = None
) -> dict[str, dict[int, tuple[int, float]]]:
    """``tally.month_counts(kind, year, scope)`` for each of ``kinds``; one query."""
    kinds = list(kinds)
    result: dict[str, dict[int, tuple[int, float]]] = {kind: {} for kind in kinds}
    rows = (
        CaseMonthTally.objects.filter(scope or Q(), kind__in=kinds, month__startswith=f"{year}-")
        .order_by()
        .values_list("kind", "month")
        .annotate(count=Sum("n"), total=Sum("tce"))
    )
    for kind, month, count, total in rows:
        if count:
            result[kind][int(month[5:])] = (int(count), float(total or 0.0))
    return result
