"""Decisions (审查决定): approve, reject, defer (缓批), and lifting a deferral.

Each decision needs the commissioned evaluation's report on the current submission (2023《办法》
第十三条), a written reason, and issues its document through the documents helper's entry point
(``review.documents.opinion_issue``; numbered by the case's authority, ``case.doc_prefix``).
缓批 is a written decision that ends the clock; lifting it (the region's status changed, the
substitution is provided) reopens review with a new 20-working-day clock.

Window guidance pending (方案（七）; the clock runs on, 《行政许可法》第四十五条): the reviewer may
ask for an extension, or decide without the answer, recording why not to wait
(``without_guidance_justification``, next to ``justification`` which explains disagreeing with
the system's recommendation). The request then stays on the record as unanswered; a late answer
is refused (``guidance.case_answer_guidance``): it does not reopen the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import decision_rules
from ..models import ReviewCase
from ..workflow import Action
from .core import (
    begin,
    case_title,
    deadline_words,
    finding_codes,
    finish,
    logger,
    national_reviewers,
    notify,
    notify_handlers,
    raise_if,
    required,
    tell_applicant,
    today_or,
    too_long,
)
from .evaluation import evaluation_on_file
from .guidance import auto_route

DECISION_DOCUMENT = {
    Action.APPROVE: "approval",
    Action.REJECT: "rejection",
    Action.DEFER: "deferral",
}
REMEDIES = "如不服本决定，可自收到之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
MAX_TEXT = 5000


def _budget_snapshot(case: ReviewCase, today: date) -> dict[str, Any] | None:
    """The energy budget the case draws on at the moment of approval (方案（十一））: its
    authority's own when it holds one, else the province's; ``None`` when none is set."""
    try:
        from rules.selectors import budget_remaining
    except ImportError:  # pragma: no cover - the rules app always has it
        return None
    status = budget_remaining(case.province, today.year, authority_id=case.authority_id)
    if status is None or status.remaining_tce is None:
        return None
    return {
        "year": today.year,
        "holder": status.holder,
        "authority": status.authority_id,
        "budget_tce": status.budget_tce,
        "remaining_tce": round(status.remaining_tce, 2),
        "exceeds": case.counted_tce > status.remaining_tce + 1e-9,
    }


def _decide(
    *,
    case: ReviewCase,
    by: Any,
    action: Action,
    reason: str,
    justification: str = "",
    conditions: Sequence[str] = (),
    cited_findings: Sequence[str] = (),
    deferral_lift: str = "",
    without_guidance_justification: str = "",
    expected_version: int | None,
    today: date | None,
) -> ReviewCase:
    from review.documents import opinion_issue

    today = today_or(today)
    locked, move = begin(case=case, by=by, action=action, expected_version=expected_version)
    assessment = locked.submission.assessment or {}
    pending = locked.guidance_pending
    waiver = without_guidance_justification.strip() if pending else ""
    cited = [code.strip() for code in cited_findings if code and code.strip()]
    errors = decision_rules.decision_errors(
        action,
        reason=reason,
        justification=justification,
        recommendation=locked.recommendation,
        finding_codes=finding_codes(assessment),
        cited_findings=cited,
        deferral_lift=deferral_lift,
        route=locked.route,
        guidance_outcome=locked.guidance_outcome,
        evaluation_on_file=evaluation_on_file(locked),
        guidance_requested=pending,
        without_guidance_justification=waiver,
    )
    for field, value in (
        ("reason", reason),
        ("justification", justification),
        ("deferral_lift", deferral_lift),
        ("without_guidance_justification", without_guidance_justification),
    ):
        too_long(errors, field, value, MAX_TEXT)
    raise_if(errors)
    condition_lines = [c.strip()[:1000] for c in conditions if c and c.strip()][:50]
    locked.decision_reason = reason.strip()
    locked.decision_justification = justification.strip()
    locked.without_guidance_justification = waiver
    locked.conditions = "\n".join(condition_lines) if action == Action.APPROVE else ""
    locked.cited_findings = cited if action == Action.REJECT else []
    locked.deferral_lift = deferral_lift.strip() if action == Action.DEFER else ""
    locked.decided_at = timezone.now()
    data: dict[str, Any] = {
        "recommendation": locked.recommendation,
        "effective_recommendation": decision_rules.effective_recommendation(
            recommendation=locked.recommendation,
            finding_codes=finding_codes(assessment),
            guidance_outcome=locked.guidance_outcome,
        ),
    }
    if justification.strip():
        data["justification"] = justification.strip()
    if waiver:
        data["without_guidance_justification"] = waiver
        assert locked.guidance_requested_on is not None
        data["guidance_requested_on"] = locked.guidance_requested_on.isoformat()
    if condition_lines and action == Action.APPROVE:
        data["conditions"] = condition_lines
    if action == Action.REJECT:
        data["cited_findings"] = cited
    if action == Action.DEFER:
        data["deferral_lift"] = locked.deferral_lift
        data["remedies"] = REMEDIES
    if action == Action.APPROVE:
        budget = _budget_snapshot(locked, today)
        if budget is not None:
            data["budget"] = budget
    finish(case=locked, move=move, by=by, today=today, reason=reason.strip(), data=data)
    # The documents helper's entry point: a draft signed off by the head before issue (issue 11).
    document = opinion_issue(case=locked, kind=DECISION_DOCUMENT[action])
    number = getattr(document, "number", "") or ""
    logger.info("case %s: %s by %s, document %s", locked.pk, action, by, number or "draft")
    issued = f"（文号{number}）" if number else "（书面决定经核稿签发后印发）"
    text = f"{locked.project.name}：{move.label}{issued}。理由：{reason.strip()}"
    if action == Action.DEFER:
        text += f" 解除缓批的条件：{locked.deferral_lift} {REMEDIES}"
    elif action == Action.REJECT:
        text += f" {REMEDIES}"
    tell_applicant(locked, subject=str(move.label), message=text)
    if waiver:
        notify(
            national_reviewers(),
            case=locked,
            message=f"{case_title(locked)}：审查机关未待窗口指导意见即作出“{move.label}”决定"
            f"（理由：{waiver}），该窗口指导请求不再需要答复。",
        )
    return locked


@transaction.atomic
def case_approve(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    conditions: Sequence[str] = (),
    justification: str = "",
    without_guidance_justification: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """审查通过, with the reason and any conditions. Raises ValidationError (``__all__`` without an
    evaluation report or guidance, ``reason``, ``justification``,
    ``without_guidance_justification`` while the guidance request is unanswered), CaseConflict,
    TransitionNotAllowed."""
    return _decide(
        case=case,
        by=by,
        action=Action.APPROVE,
        reason=reason,
        justification=justification,
        conditions=conditions,
        without_guidance_justification=without_guidance_justification,
        expected_version=expected_version,
        today=today,
    )


@transaction.atomic
def case_reject(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    cited_findings: Sequence[str],
    justification: str = "",
    without_guidance_justification: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """不予通过, citing the assessment's findings it rests on."""
    return _decide(
        case=case,
        by=by,
        action=Action.REJECT,
        reason=reason,
        justification=justification,
        cited_findings=cited_findings,
        without_guidance_justification=without_guidance_justification,
        expected_version=expected_version,
        today=today,
    )


@transaction.atomic
def case_defer(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    deferral_lift: str,
    justification: str = "",
    without_guidance_justification: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """缓批: a written decision with the reasons, what would lift it and the remedies; the
    statutory clock ends."""
    return _decide(
        case=case,
        by=by,
        action=Action.DEFER,
        reason=reason,
        justification=justification,
        deferral_lift=deferral_lift,
        without_guidance_justification=without_guidance_justification,
        expected_version=expected_version,
        today=today,
    )


@transaction.atomic
def case_lift_deferral(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """解除缓批 by the authority (the region's status changed, the substitution is provided):
    review reopens with a new 20-working-day clock; the applicant is told."""
    today = today_or(today)
    locked, move = begin(
        case=case, by=by, action=Action.LIFT_DEFERRAL, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    required(errors, "reason", reason, _("解除缓批须写明理由。"))
    too_long(errors, "reason", reason, MAX_TEXT)
    raise_if(errors)
    finish(case=locked, move=move, by=by, today=today, reason=reason.strip())
    auto_route(locked, today=today)
    tell_applicant(
        locked,
        subject=_("解除缓批"),
        message=_("%(name)s：缓批已解除（%(reason)s），重新审查，审查期限至%(d)s。")
        % {"name": locked.project.name, "reason": reason.strip(), "d": deadline_words(locked)},
    )
    notify_handlers(locked, message=f"{case_title(locked)}：缓批已解除，重新计算审查期限。")
    return locked
