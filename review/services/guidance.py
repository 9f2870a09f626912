"""Window guidance (窗口指导, 方案（七）) without a false pause.

The provincial reviewer sends the case with the province's preliminary opinion; the statutory
clock keeps running (consulting another agency does not stop it, 《行政许可法》第四十五条); the
request has its own expected response date. A guidance outcome counts only for the facts it was
given on: a new submission that still needs guidance needs a new answer.

The request may go out before the commissioned evaluation's report exists (it is sent when the
case goes under review); the evaluation can then be commissioned while the answer is pending, and
the answer may arrive during the evaluation or after its report. A case decided without the
answer (``decisions``: with a recorded justification) takes no late answer: the national reviewer
is told the case was decided, and nothing is recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import clock, decision_rules, workflow
from ..models import CaseState, ReviewCase
from ..workflow import Action, TransitionNotAllowed, WorkflowError
from .core import (
    begin,
    case_lock,
    case_title,
    finish,
    national_reviewers,
    notify,
    notify_handlers,
    raise_if,
    required,
    tell_applicant,
    today_or,
    too_long,
)

GUIDANCE_EXPECTED_WORKING_DAYS = 10
"""The expected response time of a guidance request shown to both sides (working days)."""
MAX_TEXT = 5000


def guidance_void(case: ReviewCase) -> str:
    """Forget a guidance outcome given on earlier facts (the case now holds a new submission).
    Returns the voided outcome ("" when there was none)."""
    outcome = case.guidance_outcome
    if outcome and case.guidance_submission != case.submission.number:
        case.guidance_outcome = ""
        case.guidance_notes = ""
        case.guidance_submission = None
        return outcome
    return ""


def _send(case: ReviewCase, *, by: Any, today: date, opinion: str, auto: bool) -> None:
    move = workflow.check_transition(case.state, Action.REQUEST_GUIDANCE)
    case.guidance_outcome = ""
    case.guidance_notes = ""
    case.guidance_submission = None
    case.guidance_opinion = opinion
    case.guidance_requested_on = today
    case.guidance_expected_on = clock.add_working_days(today, GUIDANCE_EXPECTED_WORKING_DAYS)
    finish(
        case=case,
        move=move,
        by=by,
        today=today,
        reason=opinion,
        data={
            "auto": auto,
            "expected_on": case.guidance_expected_on.isoformat(),
            "submission": case.submission.number,
        },
    )
    notify(national_reviewers(), case=case, message=f"{case_title(case)}待国家窗口指导。")
    tell_applicant(
        case,
        subject=_("报请国家窗口指导"),
        message=_(
            "%(name)s：已报请国家发展改革委窗口指导，预计%(d)s前答复；窗口指导期间审查期限照常计算。"
        )
        % {"name": case.project.name, "d": case.guidance_expected_on},
    )


def auto_route(case: ReviewCase, *, today: date) -> None:
    """Send a window-guidance case to the NDRC as soon as it is under review (方案（七））."""
    if case.state != CaseState.UNDER_REVIEW or not decision_rules.needs_guidance(
        route=case.route, guidance_outcome=case.guidance_outcome
    ):
        return
    _send(
        case,
        by=None,
        today=today,
        opinion="两高项目年综合能耗5万吨标准煤及以上，自动报请国家窗口指导（方案（七））。",
        auto=True,
    )


@transaction.atomic
def case_request_guidance(
    *,
    case: ReviewCase,
    by: Any,
    reason: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """报请国家窗口指导 with the province's preliminary opinion (``reason``). The clock runs on."""
    today = today_or(today)
    locked, _move = begin(
        case=case, by=by, action=Action.REQUEST_GUIDANCE, expected_version=expected_version
    )
    if locked.route != workflow.ROUTE_WINDOW_GUIDANCE:
        raise WorkflowError(_("只有国家窗口指导路径的两高项目才报请窗口指导（方案（七））。"))
    errors: dict[str, list[str]] = {}
    too_long(errors, "reason", reason, MAX_TEXT)
    raise_if(errors)
    _send(locked, by=by, today=today, opinion=reason.strip(), auto=False)
    return locked


def _refuse_late_answer(case: ReviewCase) -> None:
    """A guidance request left unanswered by a decision: the answer comes too late to count."""
    if case.without_guidance_justification and case.decided_at is not None:
        raise WorkflowError(
            _(
                "该案件已于%(d)s在未获窗口指导意见的情况下作出“%(state)s”决定（理由已记录），"
                "窗口指导意见不再登记，也不改变已作出的决定。"
            )
            % {
                "d": timezone.localtime(case.decided_at).strftime("%Y-%m-%d"),
                "state": case.get_state_display(),
            }
        )


@transaction.atomic
def case_answer_guidance(
    *,
    case: ReviewCase,
    by: Any,
    outcome: str,
    notes: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """The national reviewer's window guidance (outcome and notes) on the current submission;
    back under review (a case under evaluation stays there). Raises WorkflowError when no request
    is pending, with its own message when the case was decided without waiting for the answer."""
    today = today_or(today)
    try:
        locked, move = begin(
            case=case, by=by, action=Action.ANSWER_GUIDANCE, expected_version=expected_version
        )
    except TransitionNotAllowed:
        _refuse_late_answer(case_lock(pk=case.pk))
        raise
    if not locked.guidance_pending:
        raise WorkflowError(_("该案件没有待答复的窗口指导请求。"))
    errors: dict[str, list[str]] = {}
    if outcome not in workflow.GUIDANCE_OUTCOMES:
        errors["outcome"] = [_("请选择窗口指导意见。")]
    required(errors, "notes", notes, _("请写明窗口指导的说明。"))
    too_long(errors, "notes", notes, MAX_TEXT)
    raise_if(errors)
    locked.guidance_outcome = outcome
    locked.guidance_notes = notes.strip()
    locked.guidance_submission = locked.submission.number
    finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=notes.strip(),
        data={"outcome": outcome, "submission": locked.submission.number},
    )
    notify_handlers(locked, message=f"{case_title(locked)}：国家窗口指导意见已出具。")
    return locked
