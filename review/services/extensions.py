"""Extension of the decision limit (《行政许可法》第四十二条): one extension of 10 working days,
asked for by the reviewer with a reason, in force only once the head of the case's authority
approves it; the applicant is then told the new deadline and the reason.

Two heads approving the same request at once: both lock the case row; the second finds the
request no longer pending and gets a conflict (nothing changes twice).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ExtensionRequest, ReviewCase
from ..workflow import Action, WorkflowError
from .core import (
    CaseConflict,
    begin,
    case_title,
    deadline_words,
    finish,
    heads_of,
    notify,
    raise_if,
    required,
    tell_applicant,
    today_or,
    too_long,
)

MAX_TEXT = 2000


def pending_extension(case: ReviewCase) -> ExtensionRequest | None:
    return ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.State.PENDING).first()


@transaction.atomic
def case_request_extension(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ExtensionRequest:
    """The reviewer asks the head to extend the limit; nothing is in force yet."""
    today = today_or(today)
    locked, move = begin(
        case=case, by=by, action=Action.REQUEST_EXTENSION, expected_version=expected_version
    )
    if locked.extended:
        raise WorkflowError(_("审查期限只能延长一次（《行政许可法》第四十二条）。"))
    if pending_extension(locked) is not None:
        raise WorkflowError(_("已有待负责人审批的延长申请。"))
    errors: dict[str, list[str]] = {}
    required(errors, "reason", reason, _("申请延长审查期限须写明理由。"))
    too_long(errors, "reason", reason, MAX_TEXT)
    raise_if(errors)
    request = ExtensionRequest.objects.create(case=locked, reason=reason.strip(), requested_by=by)
    finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=reason.strip(),
        data={"extension": request.pk},
    )
    notify(
        heads_of(locked),
        case=locked,
        message=f"{case_title(locked)}：承办人申请延长审查期限，待您审批。理由：{reason.strip()}",
    )
    return request


def _decide(
    *,
    case: ReviewCase,
    by: Any,
    action: Action,
    note: str,
    expected_version: int | None,
    today: date,
) -> tuple[ReviewCase, ExtensionRequest]:
    locked, move = begin(case=case, by=by, action=action, expected_version=expected_version)
    request = (
        ExtensionRequest.objects.select_for_update()
        .filter(case=locked, state=ExtensionRequest.State.PENDING)
        .first()
    )
    if request is None:
        raise CaseConflict(expected=expected_version or locked.version, actual=locked.version)
    errors: dict[str, list[str]] = {}
    if action == Action.REFUSE_EXTENSION:
        required(errors, "note", note, _("不批准延长须写明理由。"))
    too_long(errors, "note", note, MAX_TEXT)
    raise_if(errors)
    if action == Action.APPROVE_EXTENSION:
        locked.extension_reason = request.reason
        request.state = ExtensionRequest.State.APPROVED
    else:
        request.state = ExtensionRequest.State.REFUSED
    finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=note.strip() or request.reason,
        data={"extension": request.pk, "extension_reason": request.reason},
    )
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.new_deadline = locked.deadline if action == Action.APPROVE_EXTENSION else None
    request.save()
    return locked, request


@transaction.atomic
def case_approve_extension(
    *,
    case: ReviewCase,
    by: Any,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ExtensionRequest:
    """The head approves: 10 more working days in force; the applicant is told in writing."""
    today = today_or(today)
    locked, request = _decide(
        case=case,
        by=by,
        action=Action.APPROVE_EXTENSION,
        note=note,
        expected_version=expected_version,
        today=today,
    )
    tell_applicant(
        locked,
        subject=_("延长审查期限告知书"),
        message=_(
            "%(name)s：经本机关负责人批准，审查期限延长10个工作日，至%(d)s。延长理由：%(reason)s"
            "（《行政许可法》第四十二条）"
        )
        % {"name": locked.project.name, "d": deadline_words(locked), "reason": request.reason},
    )
    notify(
        [request.requested_by],
        case=locked,
        message=f"{case_title(locked)}：延长审查期限已批准，期限至{deadline_words(locked)}。",
    )
    return request


@transaction.atomic
def case_refuse_extension(
    *,
    case: ReviewCase,
    by: Any,
    note: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ExtensionRequest:
    """The head refuses, with the reason; the deadline stays."""
    today = today_or(today)
    locked, request = _decide(
        case=case,
        by=by,
        action=Action.REFUSE_EXTENSION,
        note=note,
        expected_version=expected_version,
        today=today,
    )
    notify(
        [request.requested_by],
        case=locked,
        message=f"{case_title(locked)}：延长审查期限未获批准。{note.strip()}",
    )
    return request
