"""The case's timeline: its events, oldest first, labelled for the page (what was done, from
which state to which, and the event's details in words), and the same record as a CSV export
that carries the hash chain (``review.audit``) so that anyone can check it.

Split from ``review.selectors``, which re-exports these names.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils import timezone

from config.spreadsheets import safe_row

from . import audit, workflow
from .models import CaseEvent, CaseState, ReviewCase


def case_events(*, case: ReviewCase) -> list[CaseEvent]:
    """The case's timeline, oldest first, with the actors' names and the frozen submission each
    event refers to (one query)."""
    return list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "actor__profile", "submission")
        .order_by("at", "pk")
    )


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
