"""Reads of the supervision app: scoped lists with a constant number of queries, the dashboard
counts (computed from the same filters as the lists they link to), one case's supervision
record, monitored energy as a chart and a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.safestring import SafeString

from review.models import ReviewCase
from rules.charts import Series, Table, line_chart

from . import permissions
from .models import (
    Acceptance,
    AcceptanceState,
    FlagKind,
    Inspection,
    InspectionTarget,
    MonthlyEnergy,
    Penalty,
    Rectification,
    RectificationState,
    SupervisionFlag,
)
from .rolling import add_months, month_start, rolling_at
from .split import split_warnings_for_case

__all__ = ["split_warnings_for_case"]

STAGES: dict[str, str] = {
    "approved": "已批复未开工",
    "under_construction": "在建",
    "accepted": "已验收",
    "operating": "运行中（有监测数据）",
}
FLAGS: dict[str, str] = {
    "acceptance_overdue": "逾期未验收",
    "monitoring_excess": "监测能耗超批复10%",
    "open_rectification": "整改未销号",
    "acceptance_to_check": "验收待核查",
}
LIST_FILTERS: tuple[str, ...] = (*STAGES, *FLAGS)
LIST_LIMIT = 200


def _annotated(qs: QuerySet[ReviewCase]) -> QuerySet[ReviewCase]:
    """Stage and flag annotations (subqueries, no extra query per row)."""
    open_flag = SupervisionFlag.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
    return qs.annotate(
        has_monitoring=Exists(MonthlyEnergy.objects.filter(project_id=OuterRef("project_id"))),
        acceptance_recorded=Exists(
            Acceptance.objects.filter(case=OuterRef("pk"), state=AcceptanceState.RECORDED)
        ),
        acceptance_to_check=Exists(
            Acceptance.objects.filter(case=OuterRef("pk"), state=AcceptanceState.FILED)
        ),
        acceptance_overdue=Exists(open_flag.filter(kind=FlagKind.ACCEPTANCE_OVERDUE)),
        monitoring_excess=Exists(open_flag.filter(kind=FlagKind.MONITORING_EXCESS)),
        open_rectification=Exists(
            Rectification.objects.filter(case=OuterRef("pk")).exclude(
                state=RectificationState.CLOSED
            )
        ),
    ).annotate(
        stage=Case(
            When(has_monitoring=True, then=Value("operating")),
            When(acceptance_recorded=True, then=Value("accepted")),
            When(started_construction_on__isnull=False, then=Value("under_construction")),
            default=Value("approved"),
            output_field=CharField(),
        )
    )


def _filter_q(key: str) -> Q:
    if key in STAGES:
        return Q(stage=key)
    if key in FLAGS:
        return Q(**{key: True})
    return Q()


def supervised_cases(*, user: Any, key: str = "") -> QuerySet[ReviewCase]:
    """Approved cases in the authority scope of ``user``, annotated, optionally filtered by a
    stage or flag key (the dashboard's links). Raises Http404 for an unknown key."""
    if key and key not in LIST_FILTERS:
        raise Http404
    qs = _annotated(permissions.cases_in_scope(user)).filter(_filter_q(key))
    return qs.select_related("project", "project__organization").order_by("pk")


def owner_cases(*, user: Any) -> QuerySet[ReviewCase]:
    """The applicant's own approved cases, annotated, with the acceptance (one query)."""
    qs = ReviewCase.objects.filter(
        permissions.owner_scope(user), state__in=permissions.SUPERVISED_STATES
    )
    return _annotated(qs).select_related("project", "acceptance").order_by("pk")


def dashboard_counts(*, user: Any) -> dict[str, int]:
    """One figure per list filter, from the same annotations as the lists (one query: the
    cases grouped by stage and flags, summed here)."""
    qs = _annotated(permissions.cases_in_scope(user))
    groups = qs.order_by().values("stage", *FLAGS).annotate(n=Count("pk"))
    counts = dict.fromkeys(("total", *LIST_FILTERS), 0)
    for group in groups:
        counts["total"] += group["n"]
        counts[group["stage"]] += group["n"]
        for key in FLAGS:
            if group[key]:
                counts[key] += group["n"]
    return counts


def dashboard_table(*, user: Any) -> Table:
    counts = dashboard_counts(user=user)
    rows = [(label, counts[key]) for key, label in {**STAGES, **FLAGS}.items()]
    return Table(
        key="supervision-dashboard",
        title="事中事后监管",
        columns=("项目", "数量"),
        rows=rows,
        numeric=(1,),
    )


def list_table(cases: list[ReviewCase]) -> Table:
    rows = [
        (
            case.pk,
            case.project.project_code,
            case.project.name,
            case.project.organization.name,
            STAGES.get(case.stage, case.stage),
            case.counted_tce,
            case.started_construction_on,
            "、".join(label for key, label in FLAGS.items() if getattr(case, key, False)),
        )
        for case in cases
    ]
    return Table(
        key="supervision-cases",
        title="监管项目",
        columns=("案件", "项目代码", "项目名称", "建设单位", "阶段", "批复能耗", "开工", "预警"),
        rows=rows,
        numeric=(5,),
    )


def case_get(*, pk: int, user: Any) -> ReviewCase:
    """An approved case that ``user`` supervises or owns; anything else is 404."""
    case = (
        ReviewCase.objects.select_related("project", "project__organization", "submission")
        .filter(pk=pk, state__in=permissions.SUPERVISED_STATES)
        .first()
    )
    if case is None or not permissions.can_view(user, case):
        raise Http404
    return case


def acceptance_of(case: ReviewCase) -> Acceptance | None:
    return Acceptance.objects.filter(case=case).select_related("filed_by", "checked_by").first()


def rectifications_of(case: ReviewCase) -> list[Rectification]:
    return list(Rectification.objects.filter(case=case).order_by("ordered_at", "pk"))


def flags_of(case: ReviewCase, *, open_only: bool = False) -> list[SupervisionFlag]:
    qs = SupervisionFlag.objects.filter(case=case)
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return list(qs)


def penalties_of(case: ReviewCase) -> list[Penalty]:
    return list(Penalty.objects.filter(case=case).select_related("recorded_by"))


def inventory_entry_of(case: ReviewCase) -> Any:
    link = getattr(case, "inventory_link", None) if hasattr(case, "inventory_link") else None
    return link.entry if link else None


# --------------------------------------------------------------------------------------------
# Monitoring
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonitoringView:
    approved_tce: float
    table: Table
    chart: SafeString
    latest: Any  # Rolling | None


def monitoring_view(*, case: ReviewCase, months: int = 24) -> MonitoringView:
    """The last ``months`` months of the project: monthly figure, 12-month rolling sum and the
    approved annual figure, as a table and an SVG chart (two queries)."""
    rows = list(
        MonthlyEnergy.objects.filter(project_id=case.project_id)
        .order_by("-month")
        .values_list("month", "tce")[: months + 11]
    )
    values = dict(rows)
    approved = float(case.counted_tce or 0.0)
    if not values:
        table = Table(
            key="monitoring",
            title="能耗在线监测",
            columns=("月份", "当月能耗", "滚动12个月", "批复年能耗", "超出比例（%）"),
        )
        return MonitoringView(
            approved,
            table,
            line_chart(title="能耗在线监测", labels=[], series=[], empty_message="暂无监测数据"),
            None,
        )
    last = max(values)
    first = max(min(values), add_months(last, -(months - 1)))
    shown = []
    current = month_start(first)
    while current <= last:
        shown.append(current)
        current = add_months(current, 1)
    rollings = [rolling_at(values, end=m, approved_tce=approved) for m in shown]
    table = Table(
        key="monitoring",
        title="能耗在线监测",
        columns=("月份", "当月能耗", "滚动12个月", "批复年能耗", "超出比例（%）"),
        rows=[
            (
                m.strftime("%Y-%m"),
                values.get(m),
                r.total_tce if r.complete else None,
                approved,
                round(r.excess_pct, 1) if r.complete and r.excess_pct is not None else None,
            )
            for m, r in zip(shown, rollings, strict=True)
        ],
        numeric=(1, 2, 3, 4),
        note="滚动12个月满12个月数据后计算；≥10%为需申请变更（2023《办法》）。",
    )
    # Full windows only; before twelve months of data, the annualised figure so far.
    complete = [(m, r) for m, r in zip(shown, rollings, strict=True) if r.complete]
    plotted = complete or list(zip(shown, rollings, strict=True))
    name = "滚动12个月" if complete else "年化（不足12个月）"
    chart = line_chart(
        title="滚动12个月能耗与批复能耗（吨标准煤）",
        labels=[m.strftime("%y-%m") for m, _ in plotted],
        series=[
            Series(name, [r.total_tce if complete else r.annualised_tce for _, r in plotted]),
            Series("批复年能耗", [approved] * len(plotted)),
            Series("批复×110%", [approved * 1.1] * len(plotted)),
        ],
        empty_message="暂无监测数据",
    )
    return MonitoringView(approved, table, chart, rollings[-1])


# --------------------------------------------------------------------------------------------
# Inspections
# --------------------------------------------------------------------------------------------
def inspections_for(*, user: Any) -> QuerySet[Inspection]:
    """Inspections of the authority (or province) of ``user``."""
    return (
        Inspection.objects.filter(permissions.inspection_scope(user))
        .select_related("drawn_by")
        .order_by("-drawn_at", "-pk")
    )


def inspection_get(*, pk: int, user: Any) -> Inspection:
    inspection = inspections_for(user=user).filter(pk=pk).first()
    if inspection is None:
        raise Http404
    return inspection


def inspection_targets(inspection: Inspection) -> list[InspectionTarget]:
    return list(
        InspectionTarget.objects.filter(inspection=inspection)
        .select_related("case", "case__project", "case__project__organization")
        .prefetch_related(
            "inspectors",
            Prefetch("rectifications", queryset=Rectification.objects.order_by("pk")),
            Prefetch("penalties", queryset=Penalty.objects.order_by("pk")),
        )
        .order_by("case_id")
    )


def today_month(today: date) -> date:
    return month_start(today)
