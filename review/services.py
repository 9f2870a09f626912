"""Every move of a review case: the only code that changes a ReviewCase.

Each move runs in one transaction and follows the same steps: lock the case row
(:func:`case_lock`, ``SELECT ... FOR UPDATE``), check who acts (``review.permissions``), check the
optimistic ``version`` the caller saw (:class:`CaseConflict`), check the move against the graph
(``review.workflow``, :class:`~review.workflow.TransitionNotAllowed`), validate the input
(``ValidationError`` naming the field; nothing is written), update the case and its clock, and
write one immutable :class:`~review.models.CaseEvent` holding the assessment of that moment.

Two reviewers deciding the same case at once: the second waits on the row lock, then finds the
version (or the state) changed and gets :class:`CaseConflict` (or ``TransitionNotAllowed``);
the API answers both with HTTP 409, the pages with a message.

The clock (《行政许可法》第三十二条、第四十二条、第八十二条): 5 working days for intake from
submission, 20 for the decision from acceptance (one extension of 10 with a reason); while the
case waits for the applicant or for window guidance the clock is paused and the paused working
days are added to the deadline. See ``review.clock`` for the calendar.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles

from . import clock, permissions, workflow
from .models import CaseEvent, CaseState, ExpertEvaluation, Notice, ReviewCase
from .workflow import Action, Clock, Move, TransitionNotAllowed, WorkflowError

logger = logging.getLogger(__name__)

# Reminders go out when this many working days or fewer are left (and again never for the same
# deadline).
REMIND_WITHIN_WORKING_DAYS = 3
DECISION_DOCUMENT = {
    Action.APPROVE: "approval",
    Action.REJECT: "rejection",
    Action.DEFER: "deferral",
}

__all__ = [
    "CaseConflict",
    "TransitionNotAllowed",
    "WorkflowError",
    "case_accept",
    "case_answer_guidance",
    "case_approve",
    "case_assign",
    "case_claim",
    "case_defer",
    "case_expire_stale",
    "case_extend",
    "case_lock",
    "case_not_accept",
    "case_open",
    "case_reassign",
    "case_record_construction_start",
    "case_record_evaluation",
    "case_reject",
    "case_request_change",
    "case_request_guidance",
    "case_resubmit",
    "case_return_for_correction",
    "deadline_reminders_send",
]


class CaseConflict(WorkflowError):
    """The case changed since the caller read it (optimistic ``version`` check)."""

    code = "conflict"

    def __init__(self, *, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(_("该案件已被他人处理或修改，您看到的不是最新状态。请刷新页面后重试。"))


# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------
def case_lock(*, pk: int) -> ReviewCase:
    """The case row, locked ``FOR UPDATE`` until the surrounding transaction ends.

    Precondition: inside ``transaction.atomic``. Locks only the case row (``of=self``), with its
    submission and project loaded. Raises ReviewCase.DoesNotExist.
    """
    return (
        ReviewCase.objects.select_for_update(of=("self",))
        .select_related("submission", "project")
        .get(pk=pk)
    )


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _begin(
    *, case: ReviewCase, by: Any, action: Action, expected_version: int | None
) -> tuple[ReviewCase, Move]:
    """Lock, check the actor, the version and the move. Returns the locked case and the move."""
    locked = case_lock(pk=case.pk)
    permissions.require_action(by, locked, action)
    if expected_version is not None and locked.version != expected_version:
        raise CaseConflict(expected=expected_version, actual=locked.version)
    return locked, workflow.check_transition(locked.state, action)


def _apply_clock(case: ReviewCase, effect: Clock, today: date) -> None:
    """Update the statutory clock of ``case`` for a move with ``effect`` made on ``today``."""
    if effect == Clock.START_INTAKE:
        case.clock_phase = "intake"
        case.clock_started_on = today
        case.limit_working_days = workflow.INTAKE_LIMIT_WORKING_DAYS
        case.paused_working_days = 0
        case.paused_since = None
        case.extended = False
        case.extension_reason = ""
        case.reminded_for = None
    elif effect == Clock.START_DECISION:
        case.clock_phase = "decision"
        case.clock_started_on = today
        case.limit_working_days = workflow.DECISION_LIMIT_WORKING_DAYS
        case.paused_working_days = 0
        case.paused_since = None
        case.extended = False
        case.extension_reason = ""
        case.reminded_for = None
    elif effect == Clock.PAUSE:
        case.paused_since = today
    elif effect == Clock.RESUME:
        if case.paused_since is not None:
            case.paused_working_days += clock.working_days_between(case.paused_since, today)
        case.paused_since = None
    elif effect == Clock.EXTEND:
        case.limit_working_days += workflow.EXTENSION_WORKING_DAYS
        case.extended = True
    elif effect == Clock.STOP:
        case.paused_since = None
    if effect in (Clock.START_INTAKE, Clock.START_DECISION, Clock.RESUME, Clock.EXTEND):
        assert case.clock_started_on is not None
        case.deadline = clock.deadline_for(
            started_on=case.clock_started_on,
            limit=case.limit_working_days,
            paused=case.paused_working_days,
        )


def _record(
    *,
    case: ReviewCase,
    actor: Any,
    action: Action,
    from_state: str,
    to_state: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Write the immutable audit event of a move, with the assessment of that moment."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
        assessment=case.submission.assessment,
    )


def _finish(
    *,
    case: ReviewCase,
    move: Move,
    by: Any,
    today: date,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Move ``case`` to the move's target, update its clock and version, save, record."""
    from_state = case.state
    case.state = move.target
    _apply_clock(case, move.clock, today)
    case.version += 1
    case.save()
    payload = dict(data or {})
    if case.deadline is not None and move.clock != Clock.NONE:
        payload.setdefault("deadline", case.deadline.isoformat())
    return _record(
        case=case,
        actor=by,
        action=move.action,
        from_state=from_state,
        to_state=case.state,
        reason=reason,
        data=payload,
    )


def _required(errors: dict[str, list[str]], field: str, value: str, message: str) -> None:
    if not (value or "").strip():
        errors.setdefault(field, []).append(message)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _notify(users: Iterable[Any], *, case: ReviewCase | None, message: str) -> None:
    """In-app notices (one per distinct user)."""
    seen: set[int] = set()
    notices = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notices.append(Notice(user=user, case=case, message=message[:500]))
    Notice.objects.bulk_create(notices)


def _notify_handlers(case: ReviewCase, *, message: str) -> None:
    """Notify the case's assignee, or every reviewer of its province while unassigned."""
    _notify(
        [case.assignee] if case.assignee else _reviewers_of(case.province),
        case=case,
        message=message,
    )


def _applicants_of(case: ReviewCase) -> list[Any]:
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            is_active=True,
            profile__organization_id=case.project.organization_id,
            groups__name=roles.APPLICANT,
        )
    )


def _reviewers_of(province: str) -> list[Any]:
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            is_active=True, groups__name=roles.REVIEWER, profile__jurisdiction=province
        )
    )


def _national_reviewers() -> list[Any]:
    user_model = get_user_model()
    return list(user_model.objects.filter(is_active=True, groups__name=roles.NATIONAL_REVIEWER))


def _display_name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return (getattr(profile, "display_name", "") or "") or user.get_username()


def _case_title(case: ReviewCase) -> str:
    return f"案件{case.pk}（{case.project.name}）"


def _denormalise(case: ReviewCase, submission: Any) -> None:
    """Copy the queue's filter fields from the submission's frozen assessment."""
    assessment = submission.assessment or {}
    case.submission = submission
    case.route = assessment.get("route", "") or ""
    case.review_level = assessment.get("review_level", "") or ""
    case.two_high = bool((assessment.get("two_high") or {}).get("is_two_high"))
    case.recommendation = assessment.get("recommendation", "") or ""
    case.counted_tce = float((assessment.get("energy") or {}).get("counted_tce") or 0.0)


def finding_codes(assessment: dict[str, Any] | None) -> list[str]:
    """The finding codes of an assessment (contract JSON), in order, without repeats."""
    codes: list[str] = []
    for finding in (assessment or {}).get("findings", []):
        code = finding.get("code")
        if code and code not in codes:
            codes.append(code)
    return codes


def main_energy_type(assessment: dict[str, Any] | None) -> str:
    """The energy type with the largest equivalent tce in the assessment's energy lines."""
    lines = ((assessment or {}).get("energy") or {}).get("lines") or []
    totals: dict[str, float] = {}
    for line in lines:
        totals[line.get("type", "")] = totals.get(line.get("type", ""), 0.0) + float(
            line.get("equivalent_tce") or 0.0
        )
    totals.pop("", None)
    return max(totals, key=lambda t: totals[t]) if totals else ""


def _check_submission(case: ReviewCase, submission: Any) -> None:
    if submission.project_id != case.project_id:
        raise ValidationError({"submission": [_("该提交不属于本案件的项目。")]})
    if submission.number <= case.submission.number:
        raise ValidationError({"submission": [_("须为本案件当前提交之后的新提交。")]})


def _auto_route(case: ReviewCase, *, today: date) -> None:
    """Send a window-guidance case to the NDRC as soon as it is under review (方案（七））."""
    if case.state != CaseState.UNDER_REVIEW or not workflow.needs_guidance(
        route=case.route, guidance_outcome=case.guidance_outcome
    ):
        return
    move = workflow.check_transition(case.state, Action.REQUEST_GUIDANCE)
    _finish(
        case=case,
        move=move,
        by=None,
        today=today,
        reason="两高项目年综合能耗5万吨标准煤及以上，自动报请国家窗口指导（方案（七））。",
        data={"auto": True},
    )
    _notify(
        _national_reviewers(),
        case=case,
        message=f"{_case_title(case)}待国家窗口指导。",
    )


# --------------------------------------------------------------------------------------------
# Intake (受理): 《行政许可法》第三十二条
# --------------------------------------------------------------------------------------------
@transaction.atomic
def case_open(*, submission: Any, by: Any, today: date | None = None) -> ReviewCase:
    """Open the review case of a project's first (or, after a closed case, next) submission.

    Called by ``projects.services.project_submit``. The intake clock starts on the submission's
    date. Raises PermissionDenied unless ``by`` is the project's applicant (or an admin), and
    TransitionNotAllowed when the project already has a case that is not closed. Notifies the
    reviewers of the province.
    """
    project = submission.project
    if not permissions.can_open(by, project):
        raise PermissionDenied(_("只有项目的建设单位可以提交审查申请。"))
    open_cases = ReviewCase.objects.filter(project=project).exclude(state__in=list(workflow.CLOSED))
    if open_cases.exists():
        raise TransitionNotAllowed(None, Action.OPEN, _("该项目已有进行中的审查案件。"))
    move = workflow.check_transition(None, Action.OPEN)
    region = str((submission.facts or {}).get("region") or project.region or "")
    case = ReviewCase(
        project=project,
        province=region[:2],
        state=move.target,
        submitted_at=submission.submitted_at,
    )
    _denormalise(case, submission)
    started = today or timezone.localdate(submission.submitted_at)
    _apply_clock(case, move.clock, started)
    case.save()
    _record(
        case=case,
        actor=by,
        action=move.action,
        from_state="",
        to_state=case.state,
        data={"submission": submission.number, "deadline": case.deadline.isoformat()},
    )
    _notify(_reviewers_of(case.province), case=case, message=f"新申请待受理：{_case_title(case)}。")
    return case


@transaction.atomic
def case_accept(
    *,
    case: ReviewCase,
    by: Any,
    note: str = "",
    assign_to: Any = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """受理: the materials are complete; the 20-working-day decision clock starts today.

    With ``assign_to`` the case is also assigned (one more event) and goes under review.
    """
    today = _today(today)
    locked, move = _begin(case=case, by=by, action=Action.ACCEPT, expected_version=expected_version)
    if assign_to is not None and not permissions.can_be_assignee(assign_to, locked):
        raise ValidationError({"assign_to": [_("承办人须为本省审查人员。")]})
    locked.accepted_at = timezone.now()
    _finish(case=locked, move=move, by=by, today=today, reason=note)
    if assign_to is not None:
        _assign(locked, by=by, assignee=assign_to, action=Action.ASSIGN, today=today)
    return locked


@transaction.atomic
def case_return_for_correction(
    *,
    case: ReviewCase,
    by: Any,
    items: Sequence[str],
    reason: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """退回补正: list every missing item at once; the clock pauses until the applicant resubmits.

    Marks the project for correction through ``projects.services.project_mark_for_correction``
    and notifies the applicant's organization.
    """
    from projects.services import project_mark_for_correction

    today = _today(today)
    cleaned = [item.strip() for item in items if item and item.strip()]
    locked, move = _begin(
        case=case, by=by, action=Action.RETURN_FOR_CORRECTION, expected_version=expected_version
    )
    if not cleaned:
        raise ValidationError({"items": [_("请逐项列明需补正的材料或内容。")]})
    locked.correction_items = cleaned
    _finish(case=locked, move=move, by=by, today=today, reason=reason, data={"items": cleaned})
    project_mark_for_correction(project=locked.project, items=cleaned)
    _notify(
        _applicants_of(locked),
        case=locked,
        message=f"{locked.project.name}：审查机关要求补正{len(cleaned)}项材料。",
    )
    return locked


@transaction.atomic
def case_not_accept(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """不予受理, with the reason; the case is closed."""
    today = _today(today)
    locked, move = _begin(
        case=case, by=by, action=Action.NOT_ACCEPT, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    _required(errors, "reason", reason, _("不予受理须写明理由。"))
    _raise(errors)
    locked.decision_reason = reason.strip()
    locked.decided_at = timezone.now()
    _finish(case=locked, move=move, by=by, today=today, reason=reason.strip())
    _notify(_applicants_of(locked), case=locked, message=f"{locked.project.name}：不予受理。")
    return locked


@transaction.atomic
def case_resubmit(
    *, case: ReviewCase, submission: Any, by: Any, today: date | None = None
) -> ReviewCase:
    """The applicant's new submission for a case waiting on him.

    - RETURNED (补正): the corrected submission goes back to intake; the clock resumes.
    - DEFERRED (缓批): the new material goes back under review; the clock resumes.
    - APPROVED: the new submission is a change application (变更), see
      :func:`case_request_change`.

    The case now refers to ``submission`` (a newer submission of the same project) and its
    assessment. Called by ``projects.services.project_submit``.
    """
    locked = case_lock(pk=case.pk)
    if locked.state == CaseState.APPROVED:
        return case_request_change(case=locked, submission=submission, by=by, today=today)
    today = _today(today)
    locked, move = _begin(case=locked, by=by, action=Action.RESUBMIT, expected_version=None)
    _check_submission(locked, submission)
    previous = locked.submission.number
    _denormalise(locked, submission)
    if move.target == CaseState.SUBMITTED:
        locked.correction_items = []
    _finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        data={"submission": submission.number, "previous_submission": previous},
    )
    _auto_route(locked, today=today)
    _notify_handlers(locked, message=f"{_case_title(locked)}：申请人已重新提交材料。")
    return locked


# --------------------------------------------------------------------------------------------
# Assignment (分派、认领、改派)
# --------------------------------------------------------------------------------------------
def _assign(
    case: ReviewCase, *, by: Any, assignee: Any, action: Action, today: date, reason: str = ""
) -> None:
    move = workflow.check_transition(case.state, action)
    previous = case.assignee
    case.assignee = assignee
    _finish(
        case=case,
        move=move,
        by=by,
        today=today,
        reason=reason,
        data={
            "assignee": assignee.get_username(),
            "assignee_name": _display_name(assignee),
            "previous_assignee": previous.get_username() if previous else "",
        },
    )
    if assignee != by:
        _notify([assignee], case=case, message=f"您被指派承办{_case_title(case)}。")
    _auto_route(case, today=today)


@transaction.atomic
def case_assign(
    *,
    case: ReviewCase,
    by: Any,
    assignee: Any,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """Give the case to a reviewer of its province. An accepted case goes under review (and a
    window-guidance case straight on to the NDRC, 方案（七））."""
    today = _today(today)
    locked, _move = _begin(
        case=case, by=by, action=Action.ASSIGN, expected_version=expected_version
    )
    if not permissions.can_be_assignee(assignee, locked):
        raise ValidationError({"assignee": [_("承办人须为本省审查人员。")]})
    _assign(locked, by=by, assignee=assignee, action=Action.ASSIGN, today=today)
    return locked


@transaction.atomic
def case_claim(
    *, case: ReviewCase, by: Any, expected_version: int | None = None, today: date | None = None
) -> ReviewCase:
    """Take an unassigned case (or one already assigned to ``by``) as its handler."""
    today = _today(today)
    locked, _move = _begin(case=case, by=by, action=Action.CLAIM, expected_version=expected_version)
    if not permissions.can_be_assignee(by, locked):
        raise ValidationError({"assignee": [_("只有本省审查人员可以认领。")]})
    if locked.assignee_id not in (None, by.pk):
        raise WorkflowError(_("该案件已有承办人，请使用改派。"))
    _assign(locked, by=by, assignee=by, action=Action.CLAIM, today=today)
    return locked


@transaction.atomic
def case_reassign(
    *,
    case: ReviewCase,
    by: Any,
    assignee: Any,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """Hand the case to another reviewer of its province, with the reason."""
    today = _today(today)
    locked, _move = _begin(
        case=case, by=by, action=Action.REASSIGN, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    _required(errors, "reason", reason, _("改派须写明理由。"))
    if not permissions.can_be_assignee(assignee, locked):
        errors.setdefault("assignee", []).append(_("承办人须为本省审查人员。"))
    elif locked.assignee_id == assignee.pk:
        errors.setdefault("assignee", []).append(_("新承办人与当前承办人相同。"))
    _raise(errors)
    _assign(
        locked, by=by, assignee=assignee, action=Action.REASSIGN, today=today, reason=reason.strip()
    )
    return locked


# --------------------------------------------------------------------------------------------
# Review (审查): expert evaluation, window guidance, extension
# --------------------------------------------------------------------------------------------
def _looks_like_pdf(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    return head == b"%PDF-"


@transaction.atomic
def case_record_evaluation(
    *,
    case: ReviewCase,
    by: Any,
    evaluator: str,
    evaluated_on: date,
    conclusion: str,
    report: UploadedFile | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> ExpertEvaluation:
    """Record an expert evaluation (评审): who, when, the conclusion and the report (PDF)."""
    today = _today(today)
    locked, move = _begin(
        case=case, by=by, action=Action.RECORD_EVALUATION, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    _required(errors, "evaluator", evaluator, _("请填写评审机构或专家。"))
    _required(errors, "conclusion", conclusion, _("请填写评审结论。"))
    if evaluated_on is None:
        errors.setdefault("evaluated_on", []).append(_("请填写评审日期。"))
    elif evaluated_on > today:
        errors.setdefault("evaluated_on", []).append(_("评审日期不能晚于今天。"))
    if report is not None:
        if report.size > settings.ATTACHMENT_MAX_BYTES:
            errors.setdefault("report", []).append(_("评审报告文件过大。"))
        elif not _looks_like_pdf(report):
            errors.setdefault("report", []).append(_("评审报告须为PDF文件。"))
    _raise(errors)
    evaluation = ExpertEvaluation(
        case=locked,
        evaluator=evaluator.strip(),
        evaluated_on=evaluated_on,
        conclusion=conclusion.strip(),
        recorded_by=by,
    )
    if report is not None:
        evaluation.report.save(report.name or "report.pdf", report, save=False)
    evaluation.save()
    _finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=conclusion.strip(),
        data={
            "evaluation": evaluation.pk,
            "evaluator": evaluation.evaluator,
            "evaluated_on": evaluated_on.isoformat(),
            "report": bool(report),
        },
    )
    return evaluation


@transaction.atomic
def case_request_guidance(
    *,
    case: ReviewCase,
    by: Any,
    reason: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """报请国家窗口指导 for a window-guidance case (方案（七））; the clock pauses.

    A case asked again after an earlier answer needs a new answer before the decision.
    """
    today = _today(today)
    locked, move = _begin(
        case=case, by=by, action=Action.REQUEST_GUIDANCE, expected_version=expected_version
    )
    if locked.route != workflow.ROUTE_WINDOW_GUIDANCE:
        raise WorkflowError(_("只有国家窗口指导路径的两高项目才报请窗口指导（方案（七））。"))
    locked.guidance_outcome = ""
    locked.guidance_notes = ""
    _finish(case=locked, move=move, by=by, today=today, reason=reason.strip())
    _notify(_national_reviewers(), case=locked, message=f"{_case_title(locked)}待国家窗口指导。")
    return locked


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
    """The national reviewer's window guidance (outcome and notes); back under review, the clock
    resumes. Only on window-guidance cases (方案（七））."""
    today = _today(today)
    locked, move = _begin(
        case=case, by=by, action=Action.ANSWER_GUIDANCE, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    if outcome not in workflow.GUIDANCE_OUTCOMES:
        errors["outcome"] = [_("请选择窗口指导意见。")]
    _required(errors, "notes", notes, _("请写明窗口指导的说明。"))
    _raise(errors)
    locked.guidance_outcome = outcome
    locked.guidance_notes = notes.strip()
    _finish(
        case=locked, move=move, by=by, today=today, reason=notes.strip(), data={"outcome": outcome}
    )
    _notify_handlers(locked, message=f"{_case_title(locked)}：国家窗口指导意见已出具。")
    return locked


@transaction.atomic
def case_extend(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """Extend the decision limit once by 10 working days, with the reason (第四十二条)."""
    today = _today(today)
    locked, move = _begin(case=case, by=by, action=Action.EXTEND, expected_version=expected_version)
    if locked.extended:
        raise WorkflowError(_("审查期限只能延长一次（《行政许可法》第四十二条）。"))
    errors: dict[str, list[str]] = {}
    _required(errors, "reason", reason, _("延长审查期限须写明理由。"))
    _raise(errors)
    locked.extension_reason = reason.strip()
    _finish(case=locked, move=move, by=by, today=today, reason=reason.strip())
    return locked


# --------------------------------------------------------------------------------------------
# Decisions (审查决定): approve, reject, defer. Each issues its document (review.documents).
# --------------------------------------------------------------------------------------------
def _budget_snapshot(case: ReviewCase, today: date) -> dict[str, Any] | None:
    """The province's energy budget at the moment of approval (方案（十一）), when one is set."""
    try:
        from rules.selectors import budget_remaining
    except ImportError:  # pragma: no cover - the rules app always has it
        return None
    status = budget_remaining(case.province, today.year)
    if status is None or status.remaining_tce is None:
        return None
    return {
        "year": today.year,
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
    expected_version: int | None,
    today: date | None,
) -> ReviewCase:
    from review.documents import opinion_issue

    today = _today(today)
    locked, move = _begin(case=case, by=by, action=action, expected_version=expected_version)
    assessment = locked.submission.assessment or {}
    cited = [code.strip() for code in cited_findings if code and code.strip()]
    _raise(
        workflow.decision_errors(
            action,
            reason=reason,
            justification=justification,
            recommendation=locked.recommendation,
            finding_codes=finding_codes(assessment),
            cited_findings=cited,
            deferral_lift=deferral_lift,
            route=locked.route,
            guidance_outcome=locked.guidance_outcome,
        )
    )
    condition_lines = [c.strip() for c in conditions if c and c.strip()]
    locked.decision_reason = reason.strip()
    locked.decision_justification = justification.strip()
    locked.conditions = "\n".join(condition_lines) if action == Action.APPROVE else ""
    locked.cited_findings = cited if action == Action.REJECT else []
    locked.deferral_lift = deferral_lift.strip() if action == Action.DEFER else ""
    locked.decided_at = timezone.now()
    data: dict[str, Any] = {
        "recommendation": locked.recommendation,
        "effective_recommendation": workflow.effective_recommendation(
            recommendation=locked.recommendation,
            finding_codes=finding_codes(assessment),
            guidance_outcome=locked.guidance_outcome,
        ),
    }
    if justification.strip():
        data["justification"] = justification.strip()
    if condition_lines and action == Action.APPROVE:
        data["conditions"] = condition_lines
    if action == Action.REJECT:
        data["cited_findings"] = cited
    if action == Action.DEFER:
        data["deferral_lift"] = locked.deferral_lift
    if action == Action.APPROVE:
        budget = _budget_snapshot(locked, today)
        if budget is not None:
            data["budget"] = budget
    _finish(case=locked, move=move, by=by, today=today, reason=reason.strip(), data=data)
    opinion = opinion_issue(case=locked, kind=DECISION_DOCUMENT[action])
    logger.info("case %s: %s by %s, opinion %s", locked.pk, action, by, opinion.number)
    _notify(
        _applicants_of(locked),
        case=locked,
        message=f"{locked.project.name}：{move.label}（文号{opinion.number}）。",
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
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """审查通过, with the reason and any conditions (e.g. the substitution to be completed before
    commissioning). Issues the approval opinion (review.documents.opinion_issue).

    Raises ValidationError (reason, justification when the engine recommended otherwise,
    ``__all__`` when window guidance is missing or against), CaseConflict, TransitionNotAllowed.
    """
    return _decide(
        case=case,
        by=by,
        action=Action.APPROVE,
        reason=reason,
        justification=justification,
        conditions=conditions,
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
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """不予通过, citing the assessment's findings it rests on (each must be in the assessment).
    Issues the rejection notice."""
    return _decide(
        case=case,
        by=by,
        action=Action.REJECT,
        reason=reason,
        justification=justification,
        cited_findings=cited_findings,
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
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """缓批, with the reason and what would lift it; the clock pauses until the applicant's new
    material (``case_resubmit``). Issues the deferral notice."""
    return _decide(
        case=case,
        by=by,
        action=Action.DEFER,
        reason=reason,
        justification=justification,
        deferral_lift=deferral_lift,
        expected_version=expected_version,
        today=today,
    )


# --------------------------------------------------------------------------------------------
# After approval (《办法》): change, start of construction, expiry
# --------------------------------------------------------------------------------------------
@transaction.atomic
def case_request_change(
    *,
    case: ReviewCase,
    submission: Any,
    by: Any,
    reason: str = "",
    today: date | None = None,
) -> ReviewCase:
    """变更: an approved project whose energy use rises by 10% or more, or whose main energy type
    changes, is reviewed again on the new submission (《办法》). A new decision clock starts.

    Raises ValidationError (``submission``) when the change needs no new review.
    """
    today = _today(today)
    locked, move = _begin(case=case, by=by, action=Action.REQUEST_CHANGE, expected_version=None)
    _check_submission(locked, submission)
    old = locked.submission.assessment or {}
    new = submission.assessment or {}
    reasons = workflow.change_review_reasons(
        approved_tce=float((old.get("energy") or {}).get("counted_tce") or 0.0),
        new_tce=float((new.get("energy") or {}).get("counted_tce") or 0.0),
        approved_main_type=main_energy_type(old),
        new_main_type=main_energy_type(new),
    )
    if not reasons:
        raise ValidationError(
            {
                "submission": [
                    _("变更后年综合能耗增加不足10%且主要能源品种未变，无需重新审查（《办法》）。")
                ]
            }
        )
    previous = locked.submission.number
    _denormalise(locked, submission)
    locked.guidance_outcome = ""
    locked.guidance_notes = ""
    for field in ("decision_reason", "decision_justification", "conditions", "deferral_lift"):
        setattr(locked, field, "")
    locked.cited_findings = []
    text = "；".join(reasons)
    _finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=f"{text}。{reason.strip()}".strip(),
        data={"submission": submission.number, "previous_submission": previous, "why": reasons},
    )
    _notify_handlers(locked, message=f"{_case_title(locked)}：申请变更，需重新审查。")
    return locked


@transaction.atomic
def case_record_construction_start(
    *,
    case: ReviewCase,
    by: Any,
    started_on: date,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """Record that construction started (an approval then no longer expires)."""
    today = _today(today)
    locked, move = _begin(
        case=case,
        by=by,
        action=Action.RECORD_CONSTRUCTION_START,
        expected_version=expected_version,
    )
    errors: dict[str, list[str]] = {}
    if started_on is None:
        errors["started_on"] = [_("请填写开工日期。")]
    elif started_on > today:
        errors["started_on"] = [_("开工日期不能晚于今天。")]
    elif locked.decided_at and started_on < timezone.localdate(locked.decided_at):
        errors["started_on"] = [_("开工日期不能早于审查意见印发日期。")]
    _raise(errors)
    locked.started_construction_on = started_on
    _finish(case=locked, move=move, by=by, today=today, data={"started_on": started_on.isoformat()})
    return locked


def approval_lapses_on(decided_on: date) -> date:
    """The first day an approval issued on ``decided_on`` is no longer valid: two years on, the
    day after the anniversary (《办法》; 29 February counts from 28 February)."""
    try:
        anniversary = decided_on.replace(year=decided_on.year + workflow.APPROVAL_VALID_YEARS)
    except ValueError:
        anniversary = decided_on.replace(
            year=decided_on.year + workflow.APPROVAL_VALID_YEARS, day=28
        )
    return date.fromordinal(anniversary.toordinal() + 1)


def case_expire_stale(*, today: date) -> int:
    """Expire approvals not started within two years of issue (《办法》). Idempotent.

    Run daily by the beat task ``review.tasks.expire_approvals_task``. Each case expires in its
    own transaction (locked, rechecked), recorded with the system as actor; the applicant and
    the handler are notified. Returns how many cases expired.
    """
    # A superset of the lapsed approvals (decided two years ago or earlier); each is rechecked.
    latest = today.replace(day=28) if (today.month, today.day) == (2, 29) else today
    cutoff = latest.replace(year=latest.year - workflow.APPROVAL_VALID_YEARS)
    candidates = list(
        ReviewCase.objects.filter(
            state=CaseState.APPROVED,
            started_construction_on__isnull=True,
            decided_at__date__lte=cutoff,
        ).values_list("pk", flat=True)
    )
    expired = 0
    for pk in candidates:
        with transaction.atomic():
            locked = case_lock(pk=pk)
            if (
                locked.state != CaseState.APPROVED
                or locked.started_construction_on is not None
                or locked.decided_at is None
                or approval_lapses_on(timezone.localdate(locked.decided_at)) > today
            ):
                continue
            move = workflow.check_transition(locked.state, Action.EXPIRE)
            lapsed = approval_lapses_on(timezone.localdate(locked.decided_at))
            _finish(
                case=locked,
                move=move,
                by=None,
                today=today,
                reason="审查意见印发后2年内未开工建设，审查意见失效，须重新进行节能审查（《办法》）。",
                data={"lapsed_on": lapsed.isoformat()},
            )
            _notify(
                [*_applicants_of(locked), locked.assignee],
                case=locked,
                message=f"{locked.project.name}：节能审查意见已失效（逾期未开工）。",
            )
            expired += 1
    return expired


# --------------------------------------------------------------------------------------------
# Deadline reminders and the overdue flag
# --------------------------------------------------------------------------------------------
def _send_reminder_email(user: Any, *, subject: str, body: str) -> None:
    if not user.email:
        return
    try:
        EmailMessage(subject, body, None, [user.email]).send()
    except Exception:  # a mail outage must not stop the reminders; the notice is in-app too
        logger.exception("deadline reminder to %s failed", user.email)


def deadline_reminders_send(*, today: date) -> int:
    """Remind handlers of cases whose deadline is near (3 working days or fewer left) by email and
    in-app notice, once per deadline; flag an overdue case once, with an audit event and a notice.

    Run daily by the beat task ``review.tasks.send_deadline_reminders_task``; safe to run twice
    (each reminder and each flag is claimed with a conditional update that must touch one row).
    Cases without a handler remind the reviewers of the province. Returns how many cases were
    reminded or flagged.
    """
    cases = (
        ReviewCase.objects.filter(state__in=list(workflow.RUNNING), deadline__isnull=False)
        .select_related("project", "assignee")
        .order_by("deadline", "pk")
    )
    sent = 0
    reviewers_by_province: dict[str, list[Any]] = {}
    for case in cases:
        view = clock.clock_view(
            phase=workflow.phase_of(case.state),
            deadline=case.deadline,
            paused_since=case.paused_since,
            today=today,
        )
        if view.days_left is None or view.days_left > REMIND_WITHIN_WORKING_DAYS:
            continue
        if case.assignee is not None:
            recipients = [case.assignee]
        else:
            if case.province not in reviewers_by_province:
                reviewers_by_province[case.province] = _reviewers_of(case.province)
            recipients = reviewers_by_province[case.province]
        text = ""
        with transaction.atomic():
            if view.overdue and not case.flagged:
                reason = f"已超过办理期限（{case.deadline}）{view.overdue_days}个工作日。"
                claimed = ReviewCase.objects.filter(pk=case.pk, flagged=False).update(
                    flagged=True, flag_reason=reason, reminded_for=case.deadline
                )
                if claimed:
                    _record(
                        case=case,
                        actor=None,
                        action=Action.FLAG_OVERDUE,
                        from_state=case.state,
                        to_state=case.state,
                        reason=reason,
                        data={"deadline": case.deadline.isoformat()},
                    )
                    text = f"{_case_title(case)}已超过办理期限（{case.deadline}），请尽快办理。"
            if not text and case.reminded_for != case.deadline:
                claimed = (
                    ReviewCase.objects.filter(pk=case.pk)
                    .exclude(reminded_for=case.deadline)
                    .update(reminded_for=case.deadline)
                )
                if claimed and view.days_left <= 0:
                    text = f"{_case_title(case)}今日到期（{case.deadline}），请及时办理。"
                elif claimed:
                    text = (
                        f"{_case_title(case)}将于{case.deadline}到期，"
                        f"剩余{view.days_left}个工作日。"
                    )
            if text:
                _notify(recipients, case=case, message=text)
        if not text:
            continue
        for user in recipients:
            _send_reminder_email(
                user, subject=f"【节能审查】办理期限提醒：案件{case.pk}", body=text
            )
        sent += 1
    return sent


def notices_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notices (all, or those in ``ids``) as read; returns how many."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
