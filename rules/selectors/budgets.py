"""Energy budgets (用能预算, 方案（十一）): each budget, the province's or an authority's own, and
what approved cases drew from it (:func:`budget_remaining`, :func:`budget_would_exceed`,
:func:`budget_statuses`), and the budget table of the overview.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from review.models import CaseState, ReviewCase
from rules.charts import Table
from rules.models import EnergyBudget

from .common import (
    AuthorityScope,
    province_name,
)


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
