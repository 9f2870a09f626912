"""The text a new draft starts with, per kind, from the case's decision record."""

from __future__ import annotations

from datetime import date
from typing import Any

from documents.layout import texts
from documents.layout.numerals import clean_item, text_items


def _edition(case: Any) -> str:
    assessment = case.submission.assessment or {}
    edition = (assessment.get("policy") or {}).get("measures_edition")
    return edition or ("2016" if str(assessment.get("policy_version", "")) < "2023" else "2023")


def _lift(case: Any) -> list[str]:
    if case.deferral_lift.strip():
        return text_items(case.deferral_lift)
    assessment = case.submission.assessment or {}
    codes = {f.get("code") for f in assessment.get("findings") or [] if isinstance(f, dict)}
    found = []
    if "NATIONAL_WINDOW_GUIDANCE" in codes:
        found.append(f"取得国家发展改革委对该“两高”项目的窗口指导意见（{texts.plan('七')}）。")
    if "SUBSTITUTION_SHORTFALL" in codes:
        shortfall = (assessment.get("substitution") or {}).get("shortfall_tce") or 0
        found.append(
            f"落实尚缺的能耗替代量{float(shortfall):,.2f}吨标准煤，并提交替代来源的核实材料"
            f"（{texts.plan('十二')}）。"
        )
    return found or ["按本决定所列缓批理由完成整改并提交证明材料。"]


def _measures(case: Any) -> list[str]:
    from documents.layout.content import frozen_saving_measures

    submission = case.submission
    return frozen_saving_measures(submission.facts or {}, getattr(submission, "details", {}) or {})


def default_sections(
    *, case: Any, kind: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    edition = _edition(case)
    extra = extra or {}
    reason = [case.decision_reason.strip()] if case.decision_reason.strip() else []
    if kind == "approval":
        return {
            "conditions": text_items(case.conditions),
            "requirements": texts.approval_requirements(edition),
            "paragraphs": reason,
            "measures": _measures(case),
        }
    if kind == "rejection":
        return {"paragraphs": reason, "requirements": texts.rejection_requirements(edition)}
    if kind == "deferral":
        return {
            "paragraphs": reason,
            "lift": _lift(case),
            "requirements": texts.deferral_requirements(edition),
        }
    if kind == "correction":
        raw = extra.get("items") or case.correction_items or []
        found = [
            clean_item(i.get("text") or i.get("item") or "")
            if isinstance(i, dict)
            else clean_item(i)
            for i in raw
        ]
        return {"items": [i for i in found if i], "paragraphs": []}
    if kind == "change":
        return {
            "paragraphs": [str(p) for p in extra.get("paragraphs") or reason],
            "conditions": [],
            "requirements": texts.change_requirements(edition),
        }
    if kind == "filing":  # the authority's check note, if any, as an editable paragraph
        note = str(extra.get("note") or "").strip()
        return {"paragraphs": [note] if note else []}
    return {"paragraphs": []}


def frozen_context(*, case: Any, kind: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The facts a new draft freezes besides its text: for a 补正通知书 the applicant's
    answer-by date (ISO), given by the return (`extra["answer_by"]`) or read from the case's open
    correction round, which the return has just opened."""
    extra = extra or {}
    if kind != "correction":
        return {}
    answer_by = extra.get("answer_by")
    if answer_by is None and case.pk:
        round_ = case.correction_rounds.filter(closed_at__isnull=True).order_by("-number").first()
        answer_by = round_.answer_by if round_ is not None else None
    if isinstance(answer_by, str):
        answer_by = date.fromisoformat(answer_by)
    return {"answer_by": answer_by.isoformat()} if isinstance(answer_by, date) else {}
