"""Reads of review cases, scoped by jurisdiction (``review.permissions.case_scope``).

The queue makes a constant number of queries whatever the number of cases: the page of cases
with its joins, the count for the paginator, the counts per state and the overdue count. Days left
are computed in Python from the stored deadline (``review.clock``), without queries.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from config.spreadsheets import safe_row
from scale.keyset import Keyset

from . import audit, clock, permissions, workflow
from .counts import (  # noqa: F401 (re-exported: the views, the API and tests read them here)
    QueueCounts,
    _counts_sql,
    _disjoint_branches,
    _overdue_q,
    case_counts,
)
from .models import (
    CaseEvent,
    CaseState,
    ExpertEvaluation,
    ExtensionRequest,
    Notice,
    Opinion,
    ReviewCase,
)

SORTS: dict[str, tuple[Any, ...]] = {
    "deadline": (F("deadline").asc(nulls_last=True), "pk"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
}
# The same orders as keyset pages (scale.keyset): the API and the queue read one page from the
# index case_deadline_id_idx (deadline, id), whatever the depth (issue 14).
KEYSETS: dict[str, Keyset] = {
    "deadline": Keyset("deadline", nullable=True),
    "-deadline": Keyset("deadline", descending=True, nullable=True),
    "submitted": Keyset("submitted_at"),
    "-submitted": Keyset("submitted_at", descending=True),
}


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters; empty values do not filter."""

    state: str = ""
    route: str = ""
    two_high: bool | None = None
    overdue: bool = False
    mine: bool = False
    q: str = ""
    sort: str = "deadline"


def case_list_for_user(*, user: Any) -> QuerySet[ReviewCase]:
    """The cases ``user`` may see on the authority side, with what a list row shows."""
    return (
        ReviewCase.objects.filter(permissions.case_scope(user))
        .select_related(
            "project", "project__organization", "assignee", "assignee__profile", "authority"
        )
        # No list row shows these documents: reading and parsing them was most of a page's
        # cost (the project's draft assessment alone is ~10 kB of JSON a row; issue 14).
        .defer(*LIST_DEFERRED)
    )


LIST_DEFERRED: tuple[str, ...] = (
    "project__draft_assessment",
    "project__correction_items",
    "cited_findings",
    "correction_items",
    "correction_entries",
    "change_triggers",
)


def case_queue(*, user: Any, filters: QueueFilters, today: date) -> QuerySet[ReviewCase]:
    """The queue: scoped, filtered by state/route/two-high/overdue/mine/text, sorted."""
    qs = case_list_for_user(user=user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.route:
        qs = qs.filter(route=filters.route)
    if filters.two_high is not None:
        qs = qs.filter(two_high=filters.two_high)
    if filters.overdue:
        qs = qs.filter(_overdue_q(today))
    if filters.mine:
        qs = qs.filter(assignee_id=getattr(user, "pk", None))
    if filters.q:
        text = filters.q.strip()
        qs = qs.filter(
            Q(project__name__icontains=text)
            | Q(project__project_code__icontains=text)
            | Q(project__organization__name__icontains=text)
        )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["deadline"]))


def case_get_for_user(*, pk: int, user: Any) -> ReviewCase:
    """The case, if ``user`` may see it on the authority side; Http404 otherwise (also for other
    provinces' cases, so that case numbers reveal nothing)."""
    # A list, not .first(): ordering one row by its key cost a fifth of the query (issue 14).
    found = list(
        ReviewCase.objects.select_related(
            "project",
            "project__organization",
            "submission",
            "assignee",
            "assignee__profile",
            "authority",
        ).filter(pk=pk)
    )
    case = found[0] if found else None
    if case is None or not permissions.can_view_case(user, case):
        raise Http404("案件不存在")
    case.pending_extension = (  # type: ignore[attr-defined]
        ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.State.PENDING)
        .select_related("requested_by", "requested_by__profile")
        .first()
    )
    return case


def case_get_for_party(*, pk: int, user: Any) -> ReviewCase:
    """The case, if ``user`` may see its outcome: the authority side in scope, or the applicant's
    own organization (for the applicant's moves). Http404 otherwise."""
    case = (
        ReviewCase.objects.select_related("project", "submission", "assignee").filter(pk=pk).first()
    )
    if case is None or not permissions.can_see_outcome(user, case):
        raise Http404("案件不存在")
    return case


def case_clock(case: ReviewCase, *, today: date) -> clock.ClockView:
    """Deadline, days left and overdue state of ``case`` on ``today`` (no query)."""
    return clock.clock_view(
        phase=workflow.phase_of(case.state),
        deadline=case.deadline,
        paused_since=case.paused_since,
        today=today,
    )


def guidance_waiting_days(case: ReviewCase, *, today: date) -> int | None:
    """Working days a pending window-guidance request has been waiting (no query); ``None`` when
    none is pending (answered, or the case was decided without waiting for it)."""
    if not case.guidance_pending or case.guidance_requested_on is None:
        return None
    return clock.working_days_between(case.guidance_requested_on, today)


def with_clocks(cases: Any, *, today: date) -> list[ReviewCase]:
    """The cases as a list, each with ``.clock`` and ``.guidance_waiting`` set (no query)."""
    result = list(cases)
    for case in result:
        case.clock = case_clock(case, today=today)  # type: ignore[attr-defined]
        case.guidance_waiting = guidance_waiting_days(case, today=today)  # type: ignore[attr-defined]
    return result


def case_events(*, case: ReviewCase) -> list[CaseEvent]:
    """The case's timeline, oldest first, with the actors' names and the frozen submission each
    event refers to (one query)."""
    return list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "actor__profile", "submission")
        .order_by("at", "pk")
    )


def case_opinions(*, case: ReviewCase) -> list[Opinion]:
    """Every document of the case, every version (``review.opinion_selectors``)."""
    from .opinion_selectors import opinion_list_for_case

    return list(opinion_list_for_case(case=case))


def case_evaluations(*, case: ReviewCase) -> list[ExpertEvaluation]:
    return list(
        ExpertEvaluation.objects.filter(case=case).select_related(
            "body", "recorded_by", "recorded_by__profile"
        )
    )


def case_extensions(*, case: ReviewCase) -> list[ExtensionRequest]:
    return list(
        ExtensionRequest.objects.filter(case=case).select_related(
            "requested_by", "requested_by__profile", "decided_by", "decided_by__profile"
        )
    )


def case_attachments(*, case: ReviewCase, user: Any) -> list[Any]:
    """The files handed in with the case's current submission that ``user`` may download."""
    try:
        from projects.permissions import can_download_attachment
    except ImportError:  # pragma: no cover - the projects app always has it
        return []
    attachments = getattr(case.submission, "attachments", None)
    if attachments is None:
        return []
    return [a for a in attachments.all() if can_download_attachment(user, a)]


def case_budget(*, case: ReviewCase, today: date) -> dict[str, Any] | None:
    """The energy budget this case draws on this year (方案（十一）): its authority's own when it
    holds one, else the province's; and whether approving this case would overdraw it. ``None``
    when no budget is set."""
    try:
        from rules.selectors import budget_remaining
    except ImportError:  # pragma: no cover
        return None
    status = budget_remaining(case.province, today.year, authority_id=case.authority_id)
    if status is None or status.remaining_tce is None:
        return None
    counts_already = case.state == CaseState.APPROVED and (
        case.decided_at is not None and timezone.localdate(case.decided_at).year == today.year
    )
    exceeds = not counts_already and case.counted_tce > status.remaining_tce + 1e-9
    return {"status": status, "exceeds": exceeds, "counts_already": counts_already}


def assignee_choices(*, case: ReviewCase) -> QuerySet[Any]:
    """Users who may handle ``case``: active reviewers of its authority (one query)."""
    from django.contrib.auth import get_user_model

    from accounts import roles

    users = get_user_model().objects.filter(is_active=True)
    if case.authority_id is not None:
        users = users.filter(review_authorities=case.authority_id)
    else:  # a row from before routing: the province's provincial authority
        users = users.filter(
            review_authorities__province=case.province, review_authorities__level="provincial"
        )
    return (
        users.exclude(groups__name=roles.APPLICANT)
        .select_related("profile")
        .order_by("username")
        .distinct()
    )


def notices_for_user(*, user: Any, unread_only: bool = False, limit: int = 50) -> list[Notice]:
    qs = Notice.objects.filter(user=user).select_related("case", "case__project")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:limit])


def notices_unread_count(*, user: Any, cap: int | None = None) -> int:
    """Unread notices of ``user``; with ``cap``, counted up to that many (the bell's 「99+」)."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if cap is not None:
        return len(unread.values_list("pk", flat=True)[:cap])
    return unread.count()


def actor_name(user: Any) -> str:
    if user is None:
        return "系统"
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.get_username()


TIMELINE_HEADER = (
    "时间",
    "操作人",
    "动作",
    "原状态",
    "新状态",
    "理由",
    "附加信息",
    "当时系统建议",
    "当时计入能耗（吨标准煤）",
    "当时审查路径",
    # The hash chain (review/audit.py): sha256(哈希原文) == 记录哈希, and each 上一记录哈希 is the
    # 记录哈希 of the row before (64 zeros for the first), so anyone can check the export.
    "记录编号",
    "上一记录哈希",
    "记录哈希",
    "哈希原文",
)


def timeline_csv(*, case: ReviewCase) -> str:
    """The case's timeline as CSV text (UTF-8 with BOM so that spreadsheet programs read it)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(safe_row(TIMELINE_HEADER))
    labels = dict(CaseState.choices)
    for event in case_events(case=case):
        assessment = event.assessment_then or {}
        writer.writerow(
            safe_row(
                [
                    timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                    actor_name(event.actor),
                    workflow.label_for(event.from_state, event.action),
                    labels.get(event.from_state, event.from_state),
                    labels.get(event.to_state, event.to_state),
                    event.reason,
                    json.dumps(event.data, ensure_ascii=False, sort_keys=True)
                    if event.data
                    else "",
                    assessment.get("recommendation", ""),
                    (assessment.get("energy") or {}).get("counted_tce", ""),
                    assessment.get("route", ""),
                    event.pk,
                    event.prev_hash,
                    event.hash,
                    audit.canonical_text(audit.values_of(event)),
                ]
            )
        )
    return buffer.getvalue()


def _region_name(
    regions: dict[str, str], code: str, abolished: dict[str, str] | None = None
) -> str:
    """江苏省苏州市虎丘区 from 320505 (province, city, county of GB/T 2260); a code abolished
    since (a historical project) is named from `abolished`."""
    parts: list[str] = []
    for key in (code[:2] + "0000", code[:4] + "00", code):
        name = regions.get(key) or (abolished or {}).get(key, "")
        if name and name not in parts and name not in ("市辖区", "县"):
            parts.append(name)
    return "".join(parts)


CONSTRUCTION_LABELS = {"new": "新建", "expansion": "扩建", "renovation": "改建"}


def submission_display(*, facts: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
    """The frozen facts and assessment with Chinese names, for the case page (no query)."""
    from rules.engine import load_reference
    from rules.engine.messages import label

    ref = load_reference()
    energy_names = {k: v.name_zh for k, v in ref.energy_types.items()}
    products = dict(ref.benchmarks)
    lines_tce = [
        line.get("equivalent_tce") for line in (assessment.get("energy") or {}).get("lines", [])
    ]
    energy_rows = []
    for i, line in enumerate(facts.get("energy") or []):
        unit = ref.units.get(line.get("unit"))
        energy_rows.append(
            {
                "name": energy_names.get(line.get("type"), line.get("type")),
                "quantity": line.get("quantity"),
                "unit": unit.unit_zh if unit else line.get("unit"),
                "tce": lines_tce[i] if i < len(lines_tce) else None,
            }
        )
    efficiency = {e.get("product"): e for e in assessment.get("efficiency") or []}
    product_rows = []
    for row in facts.get("products") or []:
        bench = products.get(row.get("product"))
        eff = efficiency.get(row.get("product")) or {}
        product_rows.append(
            {
                "name": bench.name_zh if bench else row.get("product"),
                "unit": bench.unit if bench else "",
                "annual_output": row.get("annual_output"),
                "unit_energy": row.get("unit_energy"),
                "benchmark": eff.get("benchmark"),
                "baseline": eff.get("baseline"),
                "level": label("level", eff.get("level")) if eff.get("level") else "",
                "level_code": eff.get("level", ""),
            }
        )
    region = facts.get("region") or ""
    industry = facts.get("industry") or ""
    two_high = assessment.get("two_high") or {}
    return {
        "region": (
            f"{_region_name(ref.regions, region, getattr(ref, 'abolished_regions', None))}"
            f"（{region}）"
            if region
            else ""
        ),
        "industry": f"{ref.industries.get(industry, '')}（{industry}）" if industry else "",
        "construction": CONSTRUCTION_LABELS.get(facts.get("construction_type", ""), ""),
        "energy_rows": energy_rows,
        "product_rows": product_rows,
        "sources": facts.get("substitution_sources") or [],
        "sector": label("sector", two_high.get("sector")) if two_high.get("sector") else "",
        "energy": assessment.get("energy") or {},
        "substitution": assessment.get("substitution") or {},
        "findings": assessment.get("findings") or [],
    }


def _event_details(event: CaseEvent) -> list[str]:
    """Human-readable lines of an event's data for the timeline."""
    data = event.data or {}
    lines: list[str] = []
    if data.get("items"):
        lines.append("补正事项：" + "；".join(str(i) for i in data["items"]))
    if data.get("conditions"):
        lines.append("条件：" + "；".join(data["conditions"]))
    if data.get("cited_findings"):
        lines.append("依据：" + "、".join(data["cited_findings"]))
    if data.get("justification"):
        lines.append("与系统建议不一致的说明：" + data["justification"])
    if data.get("without_guidance_justification"):
        lines.append(
            f"未待窗口指导意见即作出决定（{data.get('guidance_requested_on', '')}报请，尚未答复）"
            f"，理由：{data['without_guidance_justification']}"
        )
    if data.get("deferral_lift"):
        lines.append("解除缓批的条件：" + data["deferral_lift"])
    if data.get("assignee"):
        lines.append("承办人：" + (data.get("assignee_name") or data["assignee"]))
    if data.get("outcome"):
        lines.append("窗口指导意见：" + str(GUIDANCE_LABELS.get(data["outcome"], data["outcome"])))
    if data.get("evaluator"):
        lines.append(f"评审：{data['evaluator']}（{data.get('evaluated_on', '')}）")
    if data.get("submission"):
        lines.append(f"第{data['submission']}次提交")
    if data.get("budget") and data["budget"].get("exceeds"):
        holder = data["budget"].get("holder") or "本省"
        lines.append(f"决定时超出{holder}年度用能预算")
    if data.get("to_authority_name"):
        lines.append(
            f"审查机关：{data.get('from_authority_name') or '—'} → {data['to_authority_name']}"
        )
    if data.get("due_on"):
        lines.append(
            f"约定完成日期：{data['due_on']}（约{data.get('expected_working_days', '')}个工作日）"
        )
    if data.get("received_on"):
        lines.append("收到日期：" + data["received_on"])
    if data.get("expected_on"):
        lines.append("窗口指导预计答复：" + data["expected_on"])
    if data.get("extension_reason"):
        lines.append("延长理由：" + data["extension_reason"])
    if data.get("why"):
        lines.append("变更事项：" + "；".join(data["why"]))
    if data.get("guidance_voided"):
        lines.append("原窗口指导意见系基于此前的项目事实，不再适用")
    if data.get("remedies"):
        lines.append(data["remedies"])
    if data.get("lapsed_on"):
        lines.append("失效日期：" + data["lapsed_on"])
    if data.get("deadline"):
        estimate = "（估算：该年度节假日安排尚未公布）" if data.get("deadline_estimated") else ""
        lines.append("办理期限：" + data["deadline"] + estimate)
    return lines


GUIDANCE_LABELS = {
    "supported": "支持",
    "supported_with_conditions": "有条件支持",
    "not_supported": "不支持",
}


def label_events(events: list[CaseEvent]) -> list[CaseEvent]:
    """Attach the timeline's labels to events that carry ``actor_name`` (no query)."""
    labels = dict(CaseState.choices)
    for event in events:
        event.label = workflow.label_for(event.from_state, event.action)  # type: ignore[attr-defined]
        event.from_label = labels.get(event.from_state, "")  # type: ignore[attr-defined]
        event.to_label = labels.get(event.to_state, "")  # type: ignore[attr-defined]
        event.details = _event_details(event)  # type: ignore[attr-defined]
    return events


def timeline_entries(*, case: ReviewCase) -> list[CaseEvent]:
    """The timeline with labels attached (one query; the case page reads its events with
    ``review.case_page.timeline_events``)."""
    events = case_events(case=case)
    for event in events:
        event.actor_name = actor_name(event.actor)  # type: ignore[attr-defined]
    return label_events(events)
