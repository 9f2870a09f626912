"""Reads for the authority-wide pages: energy budgets, the barometer and the overview.

Every function here makes a constant number of queries whatever the number of cases (the
overview is asserted at 3 and 20 cases). Figures are scoped by jurisdiction: a provincial
reviewer sees his province, national reviewers and admins see every province
(:func:`authority_scope_for`).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts import roles
from review.models import CaseState, ReviewCase
from rules.charts import Table
from rules.engine.messages import label as engine_label
from rules.models import EnergyBudget, PolicyVersion, RegionStatus, WarningLevel
from scale import snapshots, tally
from scale.models import CaseTally

PROVINCES_CSV = Path(__file__).resolve().parent / "data" / "provinces.csv"

# Cases still before the authority (a preview re-assesses these; the overview counts them).
OPEN_STATES: tuple[str, ...] = (
    CaseState.SUBMITTED,
    CaseState.ACCEPTED,
    CaseState.UNDER_REVIEW,
    CaseState.AWAITING_GUIDANCE,
    CaseState.DEFERRED,
    CaseState.RETURNED,
)
# States in which the authority's own clock runs: past the deadline here means overdue.
CLOCK_STATES: tuple[str, ...] = (CaseState.SUBMITTED, CaseState.ACCEPTED, CaseState.UNDER_REVIEW)

ROUTE_LABELS = {
    "exempt": gettext_lazy("无需单独审查"),
    "standard": gettext_lazy("常规审查"),
    "local_two_high": gettext_lazy("两高项目·地方严格管理"),
    "national_window_guidance": gettext_lazy("两高项目·国家窗口指导"),
}
REVIEW_LEVEL_LABELS = {
    "none": gettext_lazy("无需审查"),
    # Plain words: below the provincial threshold the province decides who reviews.
    "delegated": gettext_lazy("由省级确定的审查机关审查"),
    "provincial": gettext_lazy("省级审查"),
}
RECOMMENDATION_LABELS = {
    "approve": gettext_lazy("建议通过"),
    "defer": gettext_lazy("建议缓批"),
    "reject": gettext_lazy("建议不予通过"),
    "not_required": gettext_lazy("无需审查"),
}


def _label(labels: dict[str, Any], value: str | None) -> str:
    if not value:
        return _("（未标明）")
    return str(labels.get(value, value))


# ------------------------------------------------------------------------------------------
# Provinces (rules/data/provinces.csv)
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Province:
    code: str
    name: str
    short: str

    @property
    def mainland(self) -> bool:
        """The 31 provincial-level divisions of the mainland (codes below 70)."""
        return self.code < "70"


@functools.cache
def provinces() -> tuple[Province, ...]:
    with PROVINCES_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(
            Province(code=row["code"].strip(), name=row["name"].strip(), short=row["short"].strip())
            for row in csv.DictReader(fh)
        )


def provinces_mainland() -> tuple[Province, ...]:
    return tuple(p for p in provinces() if p.mainland)


def province_name(code: str) -> str:
    for province in provinces():
        if province.code == code:
            return province.name
    return code


# ------------------------------------------------------------------------------------------
# Who sees what
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuthorityScope:
    """The province a reader's figures are limited to; ``None`` means every province."""

    province: str | None
    # A reader of city or county authorities only (grace, 苏州): the energy budgets he sees are
    # his authorities' own (or the province's his cases draw on); other figures stay provincial.
    authority_ids: frozenset[int] | None = None

    def cases(self) -> QuerySet[ReviewCase]:
        qs = ReviewCase.objects.all()
        return qs if self.province is None else qs.filter(province=self.province)

    def q(self) -> Q:
        """The scope as a filter on case fields (also on the case counters, scale.tally)."""
        return Q() if self.province is None else Q(province=self.province)

    @property
    def label(self) -> str:
        return _("全国") if self.province is None else province_name(self.province)


def authority_scope_for(*, user: Any) -> AuthorityScope:
    """The authority side reads these pages; applicants and users without a role may not.

    A provincial reviewer (bob) is limited to his jurisdiction; national reviewers (erin) and
    admins (dana) see all provinces. Raises ``PermissionDenied`` for everyone else.
    """
    if roles.is_admin(user) or roles.is_national_reviewer(user):
        return AuthorityScope(province=None)
    if roles.is_reviewer(user):
        from authorities.selectors import member_authority_ids, provincial_provinces

        local = member_authority_ids(user) if not provincial_provinces(user) else frozenset()
        return AuthorityScope(province=roles.jurisdiction(user), authority_ids=local or None)
    raise PermissionDenied


# ------------------------------------------------------------------------------------------
# Energy budgets (用能预算, 方案（十一）)
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BudgetStatus:
    """An annual budget of new energy use and what approved projects drew from it: the
    province's (``authority_id`` None) or one a review authority holds for its own cases."""

    province: str
    year: int
    budget_tce: float | None
    used_tce: float
    authority_id: int | None = None
    authority_name: str = ""
    authority_code: str = ""

    @property
    def remaining_tce(self) -> float | None:
        return None if self.budget_tce is None else self.budget_tce - self.used_tce

    @property
    def used_pct(self) -> float | None:
        if not self.budget_tce:
            return None
        return 100.0 * self.used_tce / self.budget_tce

    @property
    def exceeded(self) -> bool:
        return self.budget_tce is not None and self.used_tce > self.budget_tce

    @property
    def province_name(self) -> str:
        return province_name(self.province)

    @property
    def holder(self) -> str:
        """Whose budget: the authority's name, or the province's."""
        return self.authority_name or self.province_name


def _approved_in(year: int) -> QuerySet[ReviewCase]:
    """Approved cases decided in ``year`` (local calendar year): they draw on that year's budget."""
    return ReviewCase.objects.filter(state=CaseState.APPROVED, decided_at__year=year)


def _own_budget_authorities(year: int) -> QuerySet[EnergyBudget]:
    """Ids of the authorities holding a budget of their own in ``year`` (as a subquery)."""
    return EnergyBudget.objects.filter(year=year, authority__isnull=False).values("authority_id")


def budget_remaining(
    province: str, year: int, *, authority_id: int | None = None
) -> BudgetStatus | None:
    """The budget a case of ``authority_id`` in ``province`` draws on in ``year``: the
    authority's own when it holds one that year, else the province's. Used = Σ counted_tce of
    the cases approved that year that draw on it (an authority's budget: its cases; the
    province's: the province's cases except those of authorities with their own). ``None`` when
    neither is set (two queries, one when none is set)."""
    holder = Q(province=province, authority__isnull=True)
    if authority_id is not None:
        holder |= Q(authority_id=authority_id)
    found = sorted(
        EnergyBudget.objects.filter(holder, year=year).select_related("authority"),
        key=lambda b: b.authority_id is None,  # the authority's own first
    )
    if not found:
        return None
    budget = found[0]
    approved = _approved_in(year)
    if budget.authority_id is not None:
        approved = approved.filter(authority_id=budget.authority_id)
    else:
        approved = approved.filter(province=province).exclude(
            authority_id__in=_own_budget_authorities(year)
        )
    used = approved.aggregate(total=Sum("counted_tce"))
    return BudgetStatus(
        province=province,
        year=year,
        budget_tce=budget.budget_tce,
        used_tce=used["total"] or 0.0,
        authority_id=budget.authority_id,
        authority_name=budget.authority.name if budget.authority_id else "",
        authority_code=budget.authority.code if budget.authority_id else "",
    )


def budget_would_exceed(
    *, province: str, year: int, counted_tce: float, authority_id: int | None = None
) -> bool:
    """Would approving ``counted_tce`` more in ``year`` overdraw the budget the case draws on
    (its authority's, else the province's)?

    Reaching the budget exactly does not exceed it. No budget set: nothing to exceed (``False``).
    For the reviewer's warning before a decision (方案（十一）).
    """
    status = budget_remaining(province, year, authority_id=authority_id)
    if status is None or status.remaining_tce is None:
        return False
    return counted_tce > status.remaining_tce + 1e-9


def budget_statuses(*, year: int, scope: AuthorityScope) -> list[BudgetStatus]:
    """Budget and use for ``year``, in province order: per province (its budget, or its
    approvals that year; a provincial reader always gets his own row) with, after it, each
    authority of that province holding its own budget. A reader of city or county authorities
    only (``scope.authority_ids``) gets those authorities' rows. Two queries: the budgets, and
    the approvals per province and authority from the monthly counters (``scale.tally``)."""
    from scale.models import CaseMonthTally

    budgets = list(EnergyBudget.objects.filter(year=year).select_related("authority"))
    if scope.province is not None:
        budgets = [b for b in budgets if b.province == scope.province]
    used: dict[tuple[str, int | None], float] = {}
    rows = (
        CaseMonthTally.objects.filter(
            scope.q(), kind=CaseMonthTally.Kind.APPROVED, month__startswith=f"{year}-"
        )
        .order_by()
        .values("province", "authority_id")
        .annotate(total=Sum("tce"), count=Sum("n"))
    )
    for row in rows:
        if row["count"]:
            key = (row["province"], row["authority_id"])
            used[key] = used.get(key, 0.0) + float(row["total"] or 0.0)
    own = {b.authority_id: b for b in budgets if b.authority_id is not None}
    by_province: dict[str, float | None] = {
        b.province: b.budget_tce for b in budgets if b.authority_id is None
    }
    province_used: dict[str, float] = {}
    for (province, authority_id), tce in used.items():
        if authority_id not in own:
            province_used[province] = province_used.get(province, 0.0) + tce
    if scope.authority_ids is not None:
        # Each of his authorities' own budget, or the province's its cases draw on instead.
        mine = [
            _authority_status(own[pk], year, used)
            for pk in sorted(scope.authority_ids & own.keys())
        ]
        if scope.province is not None and scope.authority_ids - own.keys():
            mine.insert(
                0,
                BudgetStatus(
                    province=scope.province,
                    year=year,
                    budget_tce=by_province.get(scope.province),
                    used_tce=province_used.get(scope.province, 0.0),
                ),
            )
        return mine
    codes = set(by_province) | set(province_used) | {b.province for b in own.values()}
    if scope.province is not None:
        codes.add(scope.province)
    statuses = []
    for code in sorted(codes):
        statuses.append(
            BudgetStatus(
                province=code,
                year=year,
                budget_tce=by_province.get(code),
                used_tce=province_used.get(code, 0.0),
            )
        )
        statuses.extend(
            _authority_status(b, year, used)
            for b in sorted(own.values(), key=lambda b: b.authority.code)
            if b.province == code
        )
    return statuses


def _authority_status(
    budget: EnergyBudget, year: int, used: dict[tuple[str, int | None], float]
) -> BudgetStatus:
    return BudgetStatus(
        province=budget.province,
        year=year,
        budget_tce=budget.budget_tce,
        used_tce=used.get((budget.province, budget.authority_id), 0.0),
        authority_id=budget.authority_id,
        authority_name=budget.authority.name,
        authority_code=budget.authority.code,
    )


def budget_table(statuses: list[BudgetStatus], *, key: str = "budgets") -> Table:
    return Table(
        key=key,
        title=_(
            "新增计入能耗与用能预算"
            "（《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（十一））"
        ),
        columns=(
            _("省份代码"),
            _("预算主体"),
            _("年度"),
            _("用能预算（吨标准煤）"),
            _("已批准项目计入能耗（吨标准煤）"),
            _("剩余预算（吨标准煤）"),
            _("使用率（%）"),
            _("审查机关代码"),
        ),
        rows=[
            (
                s.province,
                s.holder,
                s.year,
                s.budget_tce,
                s.used_tce,
                s.remaining_tce,
                None if s.used_pct is None else round(s.used_pct, 1),
                s.authority_code,
            )
            for s in statuses
        ],
        numeric=(3, 4, 5, 6),
    )


# ------------------------------------------------------------------------------------------
# Barometer (能耗双控晴雨表, 方案（十五）)
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BarometerTile:
    province: Province
    status: RegionStatus | None

    @property
    def level(self) -> str:
        return self.status.warning_level if self.status else "none"

    @property
    def target_ratio_pct(self) -> float | None:
        """Progress as a share of the basic target (100 = basic target met)."""
        status = self.status
        if status is None or status.progress_pct is None or not status.basic_target_pct:
            return None
        return 100.0 * status.progress_pct / status.basic_target_pct

    @property
    def bar_pct(self) -> float:
        ratio = self.target_ratio_pct
        return 0.0 if ratio is None else max(0.0, min(100.0, ratio))


def barometer_years() -> list[int]:
    """Years with regional status rows, newest first (one query)."""
    return sorted(set(RegionStatus.objects.values_list("year", flat=True).distinct()), reverse=True)


def barometer_default_year(years: list[int], today: date) -> int:
    """This year when it has rows, else the latest year that has, else this year."""
    if today.year in years or not years:
        return today.year
    earlier = [y for y in years if y <= today.year]
    return earlier[0] if earlier else years[-1]


def barometer_tiles(*, year: int) -> list[BarometerTile]:
    """The 31 mainland provinces with their status for ``year`` (None where none is stored)."""
    rows = {r.province: r for r in RegionStatus.objects.filter(year=year)}
    return [BarometerTile(province=p, status=rows.get(p.code)) for p in provinces_mainland()]


def barometer_counts(tiles: list[BarometerTile]) -> dict[str, int]:
    counts = {level: 0 for level in (*WarningLevel.values, "none")}
    for tile in tiles:
        counts[tile.level] = counts.get(tile.level, 0) + 1
    return counts


def barometer_table(tiles: list[BarometerTile], *, year: int) -> Table:
    levels = dict(WarningLevel.choices)
    rows = []
    for tile in tiles:
        s = tile.status
        rows.append(
            (
                tile.province.code,
                tile.province.name,
                year,
                s.basic_target_pct if s else None,
                s.incentive_target_pct if s else None,
                s.progress_pct if s else None,
                None if tile.target_ratio_pct is None else round(tile.target_ratio_pct, 1),
                (_("是") if s.behind_basic_target else _("否")) if s else None,
                s.substitution_ratio if s else None,
                str(levels.get(s.warning_level, s.warning_level)) if s else _("未报送"),
            )
        )
    return Table(
        key="barometer",
        title=_(
            "能耗双控晴雨表"
            "（《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（十五））"
        ),
        columns=(
            _("省份代码"),
            _("省份"),
            _("年度"),
            _("基本目标（%）"),
            _("激励目标（%）"),
            _("完成进度（%）"),
            _("进度/基本目标（%）"),
            _("未完成基本目标进度"),
            _("替代比例"),
            _("预警等级"),
        ),
        rows=rows,
        numeric=(3, 4, 5, 6, 8),
    )


# ------------------------------------------------------------------------------------------
# Overview
# ------------------------------------------------------------------------------------------
def overview_states(*, scope: AuthorityScope, year: int, today: date) -> Table:
    counts = tally.counts_by("state", scope.q())
    return Table(
        key="states",
        title=_("案件状态"),
        columns=(_("状态"), _("案件数")),
        rows=[(str(label), counts[value]) for value, label in CaseState.choices if value in counts],
        numeric=(1,),
    )


def overview_routes(*, scope: AuthorityScope, year: int, today: date) -> Table:
    counts = tally.counts_by("route", scope.q())
    ordered = [r for r in ROUTE_LABELS if r in counts] + sorted(set(counts) - set(ROUTE_LABELS))
    return Table(
        key="routes",
        title=_("审查路径"),
        columns=(_("路径"), _("案件数")),
        rows=[(_label(ROUTE_LABELS, r), counts[r]) for r in ordered],
        numeric=(1,),
    )


def overview_recommendations(*, scope: AuthorityScope, year: int, today: date) -> Table:
    counts = tally.counts_by("recommendation", scope.q())
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
        .select_related("project", "project__organization", "assignee")
        # the columns the table shows: not the project's JSON documents (issue 14)
        .only(
            "province",
            "state",
            "deadline",
            "project__name",
            "project__organization__name",
            "assignee__username",
        )
        .order_by("deadline", "id")[:limit]
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
                c.pk,
                c.project.name,
                c.project.organization.name,
                province_name(c.province),
                str(states.get(c.state, c.state)),
                c.deadline,
                (today - c.deadline).days,
                c.assignee.get_username() if c.assignee else "",
            )
            for c in cases
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
    ``year`` is the current one (two queries)."""
    # From the monthly counters kept by the database (scale.tally): two small reads instead of
    # grouping every case of the year (issue 14).
    received = {m: n for m, (n, _) in tally.month_counts("received", year, scope.q()).items()}
    approved = {m: n for m, (n, _) in tally.month_counts("approved", year, scope.q()).items()}
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


def overview_tables(*, scope: AuthorityScope, year: int, today: date) -> dict[str, Table]:
    """Every overview table (a constant ten or so queries, however many cases; the two-high
    table from a snapshot of at most a few minutes)."""
    tables = {
        key: build(scope=scope, year=year, today=today)
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


def overview_summary(*, scope: AuthorityScope, today: date) -> dict[str, int]:
    """Headline counts: all cases, open cases, overdue cases, two-high cases (two queries).

    From the database-kept case counters (scale.tally) and the partial index of running cases by
    deadline: nothing here reads every case (issue 14)."""
    summary = (
        scope.cases()
        .filter(state__in=CLOCK_STATES, deadline__lt=today)
        .aggregate(overdue=Count("id"))
    )
    rows = CaseTally.objects.filter(scope.q()).aggregate(
        total=Sum("n", default=0),
        open=Sum("n", filter=Q(state__in=OPEN_STATES), default=0),
        two_high=Sum("n", filter=Q(two_high=True), default=0),
    )
    return {**{key: int(value) for key, value in rows.items()}, **summary}


# ------------------------------------------------------------------------------------------
# Policy versions
# ------------------------------------------------------------------------------------------
def policy_version_list() -> QuerySet[PolicyVersion]:
    """All versions, newest effective date first (one query)."""
    return PolicyVersion.objects.order_by("-effective_from", "-id")


def policy_version_latest_published() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(published=True).order_by("-effective_from").first()
