"""Building blocks of every move: lock, check, clock, record, notify.

Each move runs in one transaction and follows the same steps: lock the case row
(:func:`case_lock`, ``SELECT ... FOR UPDATE``), check who acts (``review.permissions``), check the
optimistic ``version`` the caller saw (:class:`CaseConflict`), check the move against the graph
(``review.workflow``), validate the input (``ValidationError`` naming the field; nothing is
written), update the case and its clock, and write one immutable :class:`~review.models.CaseEvent`
holding the assessment of that moment.

The clock (《行政许可法》第三十二条、第四十二条、第四十五条、第八十二条): 5 working days for
intake from receipt, 20 for the decision from acceptance (one extension of 10 approved by the
authority's head); only the commissioned evaluation pauses it (its working days are added to the
deadline). Window guidance does not stop it; 补正 and 缓批 end it. See ``review.clock``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles

from .. import clock, permissions, workflow
from ..models import CaseEvent, Notice, ReviewCase
from ..workflow import Action, Clock, Move, WorkflowError

logger = logging.getLogger("review.services")


class CaseConflict(WorkflowError):
    """The case changed since the caller read it (optimistic ``version`` check)."""

    code = "conflict"

    def __init__(self, *, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(_("该案件已被他人处理或修改，您看到的不是最新状态。请刷新页面后重试。"))


def case_lock(*, pk: int) -> ReviewCase:
    """The case row, locked ``FOR UPDATE`` until the surrounding transaction ends.

    Precondition: inside ``transaction.atomic``. Locks only the case row (``of=self``), with its
    submission, project and authority loaded. Raises ReviewCase.DoesNotExist.
    """
    return (
        ReviewCase.objects.select_for_update(of=("self",))
        .select_related("submission", "project", "authority")
        .get(pk=pk)
    )


def today_or(today: date | None) -> date:
    return today or timezone.localdate()


def begin(
    *, case: ReviewCase, by: Any, action: Action, expected_version: int | None
) -> tuple[ReviewCase, Move]:
    """Lock, check the actor, the version and the move. Returns the locked case and the move."""
    locked = case_lock(pk=case.pk)
    permissions.require_action(by, locked, action)
    if expected_version is not None and locked.version != expected_version:
        raise CaseConflict(expected=expected_version, actual=locked.version)
    return locked, workflow.check_transition(locked.state, action)


def _reset_clock(case: ReviewCase, *, phase: str, started_on: date, limit: int) -> None:
    case.clock_phase = phase
    case.clock_started_on = started_on
    case.limit_working_days = limit
    case.paused_working_days = 0
    case.paused_since = None
    case.extended = False
    case.extension_reason = ""
    case.reminded_for = None
    case.flagged = False
    case.flag_reason = ""


def apply_clock(case: ReviewCase, effect: Clock, today: date) -> None:
    """Update the statutory clock of ``case`` for a move with ``effect`` made on ``today``.

    START_DECISION counts from ``today`` (the acceptance; for a deemed acceptance the caller
    passes the day of receipt).
    """
    if effect == Clock.START_INTAKE:
        _reset_clock(
            case, phase="intake", started_on=today, limit=workflow.INTAKE_LIMIT_WORKING_DAYS
        )
        case.received_on = today
    elif effect == Clock.START_DECISION:
        _reset_clock(
            case, phase="decision", started_on=today, limit=workflow.DECISION_LIMIT_WORKING_DAYS
        )
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
        case.clock_phase = ""
    if effect in (Clock.START_INTAKE, Clock.START_DECISION, Clock.RESUME, Clock.EXTEND):
        assert case.clock_started_on is not None
        case.deadline = clock.deadline_for(
            started_on=case.clock_started_on,
            limit=case.limit_working_days,
            paused=case.paused_working_days,
        )
        case.deadline_estimated = not clock.span_known(case.clock_started_on, case.deadline)


def record(
    *,
    case: ReviewCase,
    actor: Any,
    action: Action | str,
    from_state: str,
    to_state: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Write the immutable audit event of a move, referring to the frozen submission (and so
    the assessment) of that moment rather than copying it (issue 14)."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
        submission_id=case.submission_id,
    )


def finish(
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
    apply_clock(case, move.clock, today)
    case.version += 1
    case.save()
    payload = dict(data or {})
    if case.deadline is not None and move.clock not in (Clock.NONE, Clock.STOP):
        payload.setdefault("deadline", case.deadline.isoformat())
        if case.deadline_estimated:
            payload.setdefault("deadline_estimated", True)
    return record(
        case=case,
        actor=by,
        action=move.action,
        from_state=from_state,
        to_state=case.state,
        reason=reason,
        data=payload,
    )


def required(errors: dict[str, list[str]], field: str, value: str, message: str) -> None:
    if not (value or "").strip():
        errors.setdefault(field, []).append(message)


def too_long(errors: dict[str, list[str]], field: str, value: str, limit: int) -> None:
    if len(value or "") > limit:
        errors.setdefault(field, []).append(_("内容过长（不超过%(n)s字）。") % {"n": limit})


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------------------------
# Who is told
# --------------------------------------------------------------------------------------------
def notify(users: Iterable[Any], *, case: ReviewCase | None, message: str) -> None:
    """In-app notices (one per distinct user)."""
    seen: set[int] = set()
    notices = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notices.append(Notice(user=user, case=case, message=message[:500]))
    Notice.objects.bulk_create(notices)


def send_email(users: Iterable[Any], *, subject: str, body: str, now: bool = False) -> None:
    """Email, after the surrounding transaction commits (``now``: at once, outside any
    transaction); a mail outage never undoes the move (the notice is in-app too)."""
    addresses = sorted({u.email for u in users if u is not None and u.email})
    if not addresses:
        return

    def send() -> None:
        for address in addresses:
            try:
                EmailMessage(subject, body, None, [address]).send()
            except Exception:
                logger.exception("mail to %s failed", address)

    if now:
        send()
    else:
        transaction.on_commit(send)


def tell_applicant(case: ReviewCase, *, message: str, subject: str) -> None:
    """Tell the applicant in writing: an in-app notice and an email to each applicant user of
    the project's organization."""
    users = applicants_of(case)
    notify(users, case=case, message=message)
    send_email(users, subject=f"【节能审查】{subject}", body=message)


def notify_handlers(case: ReviewCase, *, message: str) -> None:
    """Notify the case's assignee, or every reviewer of its authority while unassigned."""
    notify(
        [case.assignee] if case.assignee_id else reviewers_of(case),
        case=case,
        message=message,
    )


def applicants_of(case: ReviewCase) -> list[Any]:
    return list(
        get_user_model().objects.filter(
            is_active=True,
            profile__organization_id=case.project.organization_id,
            groups__name=roles.APPLICANT,
        )
    )


def reviewers_of(case: ReviewCase) -> list[Any]:
    """The active reviewers of the case's authority."""
    if case.authority_id is None:
        return []
    return list(case.authority.reviewers.filter(is_active=True))


def heads_of(case: ReviewCase) -> list[Any]:
    if case.authority_id is None:
        return []
    return list(case.authority.heads.filter(is_active=True))


def national_reviewers() -> list[Any]:
    return list(
        get_user_model().objects.filter(is_active=True, groups__name=roles.NATIONAL_REVIEWER)
    )


def display_name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return (getattr(profile, "display_name", "") or "") or user.get_username()


def deadline_words(case: ReviewCase) -> str:
    """The deadline as the applicant reads it, marked when it is an estimate (its year has no
    official schedule yet: Monday–Friday assumed)."""
    if case.deadline is None:
        return "—"
    if case.deadline_estimated:
        return f"{case.deadline}（估算：该年度节假日安排尚未公布）"
    return str(case.deadline)


def case_title(case: ReviewCase) -> str:
    return f"案件{case.pk}（{case.project.name}）"


# --------------------------------------------------------------------------------------------
# The facts of a submission
# --------------------------------------------------------------------------------------------
def denormalise(case: ReviewCase, submission: Any) -> None:
    """Copy the queue's filter fields from the submission's frozen assessment."""
    assessment = submission.assessment or {}
    case.submission = submission
    case.route = assessment.get("route", "") or ""
    case.review_level = assessment.get("review_level", "") or ""
    two_high = assessment.get("two_high") or {}
    case.two_high = bool(two_high.get("is_two_high"))
    case.sector = str(two_high.get("sector") or "") if case.two_high else ""
    case.sector = ((assessment.get("two_high") or {}).get("sector") or "") if case.two_high else ""
    case.recommendation = assessment.get("recommendation", "") or ""
    case.counted_tce = float((assessment.get("energy") or {}).get("counted_tce") or 0.0)


def region_of(submission: Any) -> str:
    return str((submission.facts or {}).get("region") or submission.project.region or "")


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


def check_submission(case: ReviewCase, submission: Any) -> None:
    if submission.project_id != case.project_id:
        raise ValidationError({"submission": [_("该提交不属于本案件的项目。")]})
    if submission.number <= case.submission.number:
        raise ValidationError({"submission": [_("须为本案件当前提交之后的新提交。")]})
