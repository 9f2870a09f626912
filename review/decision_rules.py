"""What a decision must carry, and how window guidance bears on it. Pure Python: no Django.

A decision (审查决定: approve, reject, defer) is a move of ``review.workflow.MOVES``; this module
holds the rules checked before one is recorded (:func:`decision_errors`) and the window-guidance
rules they rest on (方案（七）): whether a case needs the NDRC's guidance, whether a request for it
is pending, and the engine's recommendation once the answer is in.

Split from ``review.workflow`` (the moves as data), which this module reads; import these names
from here (``review.workflow`` cannot re-export them without an import cycle).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from .workflow import (
    AGREES_WITH,
    DECISIONS,
    DEFERRING_CODES,
    GUIDANCE_POSITIVE,
    LABELS,
    ROUTE_WINDOW_GUIDANCE,
    Action,
    State,
)

S, A = State, Action


def needs_guidance(*, route: str, guidance_outcome: str) -> bool:
    """A two-high case of 50,000 tce or more needs the NDRC's window guidance before any decision
    (方案（七）); it is needed until an outcome is recorded."""
    return route == ROUTE_WINDOW_GUIDANCE and not guidance_outcome


# States in which a window-guidance request may still be answered (the case is not decided).
GUIDANCE_OPEN: Final = frozenset({S.AWAITING_GUIDANCE, S.UNDER_EVALUATION, S.UNDER_REVIEW})


def guidance_pending(
    *, state: State | str, route: str, guidance_outcome: str, guidance_requested: bool
) -> bool:
    """A window-guidance request was sent, has no answer yet, and the case is still open to it.
    The clock runs meanwhile (第四十五条); the reviewer may extend, or decide with a recorded
    justification for not waiting."""
    return (
        guidance_requested
        and needs_guidance(route=route, guidance_outcome=guidance_outcome)
        and state in GUIDANCE_OPEN
    )


def effective_recommendation(
    *, recommendation: str, finding_codes: Iterable[str], guidance_outcome: str
) -> str:
    """The engine's recommendation, once guidance is in: ``defer`` pending window guidance only
    (no other deferring finding) becomes ``approve`` when the guidance supports the project, and
    ``reject`` when it does not (方案（七）)."""
    codes = set(finding_codes)
    if (
        recommendation == "defer"
        and guidance_outcome
        and codes & DEFERRING_CODES == {"NATIONAL_WINDOW_GUIDANCE"}
    ):
        return "approve" if guidance_outcome in GUIDANCE_POSITIVE else "reject"
    return recommendation


# The recommendation in the words the pages use (rules.selectors.RECOMMENDATION_LABELS), for
# messages people read; this module stays free of Django.
RECOMMENDATION_WORDS = {
    "approve": "建议通过",
    "defer": "建议缓批",
    "reject": "建议不予通过",
    "not_required": "无需审查",
}


def decision_errors(
    action: Action | str,
    *,
    reason: str,
    justification: str,
    recommendation: str,
    finding_codes: Sequence[str],
    cited_findings: Sequence[str] = (),
    deferral_lift: str = "",
    route: str = "",
    guidance_outcome: str = "",
    evaluation_on_file: bool = False,
    guidance_requested: bool = False,
    without_guidance_justification: str = "",
) -> dict[str, list[str]]:
    """Field-named errors of a decision; empty when the decision may be recorded.

    - no decision before the commissioned evaluation's report is on file (2023《办法》第十三条);
    - every decision needs a written reason;
    - a decision other than the (effective) recommendation needs a justification;
    - a rejection cites at least one finding, each present in the assessment;
    - a deferral states what would lift it;
    - a window-guidance case is first sent to the NDRC (方案（七）); while the answer is pending
      (``guidance_requested``) a decision needs ``without_guidance_justification``, the recorded
      reason for not waiting; it is never approved against a negative answer.
    """
    action = Action(action)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if action not in DECISIONS:
        add("__all__", f"“{LABELS.get(action, action)}”不是审查决定。")
        return errors
    if not evaluation_on_file:
        add("__all__", "作出审查决定前须委托评审并登记评审报告（2023《办法》第十三条）。")
    if not reason.strip():
        add("reason", "审查决定须写明理由。")
    if needs_guidance(route=route, guidance_outcome=guidance_outcome):
        if not guidance_requested:
            add(
                "__all__", "两高项目年综合能耗5万吨标准煤及以上，须先报国家窗口指导（方案（七））。"
            )
        elif not without_guidance_justification.strip():
            add(
                "without_guidance_justification",
                "国家窗口指导意见尚未答复：在未获指导意见的情况下作出决定，"
                "须记录不待指导意见即作出决定的理由（方案（七））。",
            )
    if action == A.APPROVE and guidance_outcome == "not_supported":
        add("__all__", "国家窗口指导意见为不支持，不能审查通过（方案（七））。")
    effective = effective_recommendation(
        recommendation=recommendation,
        finding_codes=finding_codes,
        guidance_outcome=guidance_outcome,
    )
    if effective not in AGREES_WITH[action] and not justification.strip():
        words = RECOMMENDATION_WORDS.get(effective, effective)
        add("justification", f"决定与系统建议（{words}）不一致，须记录理由说明。")
    if action == A.REJECT:
        known = set(finding_codes)
        if not cited_findings:
            add("cited_findings", "不予通过须引用所依据的评估发现。")
        unknown = [code for code in cited_findings if code not in known]
        if unknown:
            add("cited_findings", f"评估结果中没有这些发现：{'、'.join(unknown)}。")
    if action == A.DEFER and not deferral_lift.strip():
        add("deferral_lift", "缓批须写明解除缓批的条件（需补充的材料或需满足的条件）。")
    return errors
