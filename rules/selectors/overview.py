"""The overview: one table builder per key of ``OVERVIEW_TABLES`` (states, routes,
recommendations, overdue cases, two-high projects, budgets, trend), the two-high snapshot, the
year parameter and the headline counts, each in a constant number of queries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from review.models import CaseState
from rules.charts import Table
from rules.engine.messages import label as engine_label
from scale import snapshots, tally
from scale.breakdown import Breakdown, breakdown, month_counts_by_kind

from .budgets import (
    budget_statuses,
    budget_table,
)
from .common import (
    CLOCK_STATES,
    OPEN_STATES,
    RECOMMENDATION_LABELS,
    ROUTE_LABELS,
    AuthorityScope,
    _label,
    province_name,
)


# ------------------------------------------------------------------------------------------
# Overview
# ------------------------------------------------------------------------------------------
def _counts_by(field: str, scope: AuthorityScope, tallied: Breakdown | None) -> dict[str, int]:
    """Cases per value of ``field``: from the page's one read of the counters when given."""
    return tally.counts_by(field, scope.q()) if tallied is None else tallied.counts_by(field)


def overview_states(
    *, scope: AuthorityScope, year: int, today: date, tallied: Breakdown | None = None
) -> Table:
    counts = _counts_by("state", scope, tallied)
    return Table(
        key="states",
        title=_("案件状态"),
        columns=(_("状态"), _("案件数")),
        rows=[(str(label), counts[value]) for value, label in CaseState.choices if value in counts],
        numeric=(1,),
    )


def overview_routes(
    *, scope: AuthorityScope, year: int, today: date, tallied: Breakdown | None = None
) -> Table:
    counts = _counts_by("route", scope, tallied)
    ordered = [r for r in ROUTE_LABELS if r in counts] + sorted(set(counts) - set(ROUTE_LABELS))
    return Table(
        key="routes",
        title=_("审查路径"),
        columns=(_("路径"), _("案件数")),
        rows=[(_label(ROUTE_LABELS, r), counts[r]) for r in ordered],
        numeric=(1,),
    )


def overview_recommendations(
    *, scope: AuthorityScope, year: int, today: date, tallied: Breakdown | None = None
) -> Table:
    counts = _counts_by("recommendation", scope, tallied)
    ordered = [r for r in RECOMMENDATION_LABELS if r in counts] + sorted(
        set(counts) - set(RECOMMENDATION_LABELS)
    )
    return Table(
        key="recommendations",
        title=_("系统建议"),
        columns=(_("系统建议"), _("案件数")),
        rows=[(_label(RECOMMENDATION_LABELS, r), counts[r]) for r in ordered],
        numeric=(1,),
    )


OVERDUE_TOP = 20
"""The overview lists the most overdue cases only; the queue's overdue filter lists them all."""
OVERDUE_EXPORT_MAX = 10_000


def overview_overdue(
    *, scope: AuthorityScope, year: int, today: date, limit: int = OVERDUE_EXPORT_MAX
) -> Table:
    """The ``limit`` most overdue cases whose deadline has passed while the authority's clock
    runs (one query). Bounded: at 100,000 cases the unbounded table had 4,944 rows and made the
    overview a megabyte (issue 14); the page shows ``OVERDUE_TOP`` and links to the queue.

    Served by the partial index ``case_clock_deadline_idx`` (deadline, id) WHERE state IN the
    clock states: the scan stops after ``limit`` rows.
    """
    cases = (
        scope.cases()
        .filter(deadline__lt=today, state__in=CLOCK_STATES)
        .order_by("deadline", "id")
        # the columns the table shows, as plain values: not the project's JSON documents, no
        # model instances (issue 14)
        .values_list(
            "pk",
            "project__name",
            "project__organization__name",
            "province",
            "state",
            "deadline",
            "assignee__username",
        )[:limit]
    )
    states = dict(CaseState.choices)
    return Table(
        key="overdue",
        title=_("逾期案件"),
        columns=(
            _("案件编号"),
            _("项目"),
            _("建设单位"),
            _("省份"),
            _("状态"),
            _("办理期限"),
            _("逾期（日历日）"),
            _("承办人"),
        ),
        rows=[
            (
                pk,
                project,
                organization,
                province_name(province),
                str(states.get(state, state)),
                deadline,
                (today - deadline).days,
                assignee or "",
            )
            for pk, project, organization, province, state, deadline, assignee in cases
        ],
        numeric=(6,),
    )


def _two_high_rows(scope: AuthorityScope) -> list[dict[str, Any]]:
    return list(
        scope.cases()
        .filter(two_high=True)
        .values("sector")
        .annotate(
            projects=Count("project", distinct=True),
            open=Count("project", distinct=True, filter=Q(state__in=OPEN_STATES)),
            approved=Count("project", distinct=True, filter=Q(state=CaseState.APPROVED)),
            tce=Sum("counted_tce"),
        )
        .order_by("sector")
    )


def overview_two_high(
    *, scope: AuthorityScope, year: int, today: date, rows: list[dict[str, Any]] | None = None
) -> Table:
    """Two-high projects by sector (方案（七）): the frozen assessment's two_high.sector, stored
    on the case when it is opened (``ReviewCase.sector``), so no submission is joined. Counted
    afresh (exports), or from ``rows`` counted earlier (:func:`overview_two_high_snapshot`)."""
    rows = _two_high_rows(scope) if rows is None else rows
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    return Table(
        key="two_high",
        title=_("两高项目（按行业领域）"),
        columns=(
            _("行业领域"),
            _("项目数"),
            _("其中在审"),
            _("其中已通过"),
            _("计入能耗合计（吨标准煤）"),
        ),
        rows=[
            (
                engine_label("sector", r["sector"], lang) or _("（未标明）"),
                r["projects"],
                r["open"],
                r["approved"],
                r["tce"] or 0.0,
            )
            for r in rows
        ],
        numeric=(1, 2, 3, 4),
    )


def overview_budgets(*, scope: AuthorityScope, year: int, today: date) -> Table:
    return budget_table(budget_statuses(year=year, scope=scope), key="budgets")


def overview_trend(*, scope: AuthorityScope, year: int, today: date) -> Table:
    """Cases received and approvals decided per month of ``year``, up to this month when
    ``year`` is the current one (one query)."""
    # From the monthly counters kept by the database (scale.tally): one small read instead of
    # grouping every case of the year (issue 14).
    counts = month_counts_by_kind(("received", "approved"), year, scope.q())
    received = {m: n for m, (n, _) in counts["received"].items()}
    approved = {m: n for m, (n, _) in counts["approved"].items()}
    return Table(
        key="trend",
        title=_("按月趋势"),
        columns=(_("月份"), _("提交案件数"), _("审查通过数")),
        rows=[
            (f"{year}-{m:02d}", received.get(m, 0), approved.get(m, 0))
            for m in range(1, (today.month if year == today.year else 12) + 1)
        ],
        numeric=(1, 2),
    )


OverviewBuilder = Callable[..., Table]
OVERVIEW_TABLES: dict[str, OverviewBuilder] = {
    "states": overview_states,
    "routes": overview_routes,
    "recommendations": overview_recommendations,
    "overdue": overview_overdue,
    "two_high": overview_two_high,
    "budgets": overview_budgets,
    "trend": overview_trend,
}


def overview_two_high_snapshot(*, scope: AuthorityScope, year: int, today: date) -> Table:
    """The two-high table as counted at most ``snapshots.DEFAULT_TTL_SECONDS`` ago, saying when
    ("截至 HH:MM"): counting distinct projects reads every two-high case in scope (~120 ms at
    100,000 cases), which no counter keeps exactly and cheaply (issue 14). Exports count afresh."""
    taken = snapshots.snapshot(f"overview:two_high:{scope!r}", lambda: _two_high_rows(scope))
    table = overview_two_high(scope=scope, year=year, today=today, rows=taken.value)
    note = _("截至 %(time)s 的统计，每 %(minutes)d 分钟更新一次。") % {
        "time": taken.local_time,
        "minutes": snapshots.DEFAULT_TTL_SECONDS // 60,
    }
    return dataclasses.replace(table, note=note)


COUNTED_TABLES = ("states", "routes", "recommendations")
"""The tables counted from :func:`scale.breakdown.breakdown`."""


def overview_tables(
    *, scope: AuthorityScope, year: int, today: date, tallied: Breakdown | None = None
) -> dict[str, Table]:
    """Every overview table (a constant handful of queries, however many cases; the two-high
    table from a snapshot of at most a few minutes). ``tallied``: the page's one read of the
    case counters (:func:`scale.breakdown.breakdown`), read here when not given."""
    tallied = breakdown(scope.q()) if tallied is None else tallied
    tables = {
        key: (
            build(scope=scope, year=year, today=today, tallied=tallied)
            if key in COUNTED_TABLES
            else build(scope=scope, year=year, today=today)
        )
        for key, build in OVERVIEW_TABLES.items()
        if key not in ("overdue", "two_high")
    }
    tables["two_high"] = overview_two_high_snapshot(scope=scope, year=year, today=today)
    tables["overdue"] = overview_overdue(scope=scope, year=year, today=today, limit=OVERDUE_TOP)
    return tables


def overview_year(raw: str | None, today: date | None = None) -> int:
    """The ``?year=`` of the overview pages, defaulting to this year; junk means this year."""
    this_year = (today or timezone.localdate()).year
    try:
        year = int(raw or this_year)
    except (TypeError, ValueError):
        return this_year
    return year if 2000 <= year <= this_year + 5 else this_year


def overview_summary(
    *, scope: AuthorityScope, today: date, tallied: Breakdown | None = None
) -> dict[str, int]:
    """Headline counts: all cases, open cases, overdue cases, two-high cases (two queries, one
    with ``tallied``: the page's read of the case counters).

    From the database-kept case counters (scale.tally) and the partial index of running cases by
    deadline: nothing here reads every case (issue 14)."""
    tallied = breakdown(scope.q()) if tallied is None else tallied
    summary = (
        scope.cases()
        .filter(state__in=CLOCK_STATES, deadline__lt=today)
        .aggregate(overdue=Count("id"))
    )
    return {
        "total": tallied.total(),
        "open": tallied.total(states=OPEN_STATES),
        "two_high": tallied.total(two_high=True),
        **summary,
    }
