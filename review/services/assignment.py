"""Assignment (分派、认领、改派) within the case's authority."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions, workflow
from ..models import ReviewCase
from ..workflow import Action, WorkflowError
from .core import begin, case_title, display_name, finish, notify, raise_if, required, today_or


def assign(
    case: ReviewCase, *, by: Any, assignee: Any, action: Action, today: date, reason: str = ""
) -> None:
    from .guidance import auto_route

    move = workflow.check_transition(case.state, action)
    previous = case.assignee
    case.assignee = assignee
    finish(
        case=case,
        move=move,
        by=by,
        today=today,
        reason=reason,
        data={
            "assignee": assignee.get_username(),
            "assignee_name": display_name(assignee),
            "previous_assignee": previous.get_username() if previous else "",
        },
    )
    if assignee != by:
        notify([assignee], case=case, message=f"您被指派承办{case_title(case)}。")
    auto_route(case, today=today)


@transaction.atomic
def case_assign(
    *,
    case: ReviewCase,
    by: Any,
    assignee: Any,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """Give the case to a reviewer of its authority. An accepted case goes under review."""
    today = today_or(today)
    locked, _move = begin(case=case, by=by, action=Action.ASSIGN, expected_version=expected_version)
    if not permissions.can_be_assignee(assignee, locked):
        raise ValidationError({"assignee": [_("承办人须为本机关审查人员。")]})
    assign(locked, by=by, assignee=assignee, action=Action.ASSIGN, today=today)
    return locked


@transaction.atomic
def case_claim(
    *, case: ReviewCase, by: Any, expected_version: int | None = None, today: date | None = None
) -> ReviewCase:
    """Take an unassigned case (or one already assigned to ``by``) as its handler."""
    today = today_or(today)
    locked, _move = begin(case=case, by=by, action=Action.CLAIM, expected_version=expected_version)
    if not permissions.can_be_assignee(by, locked):
        raise ValidationError({"assignee": [_("只有本机关审查人员可以认领。")]})
    if locked.assignee_id not in (None, by.pk):
        raise WorkflowError(_("该案件已有承办人，请使用改派。"))
    assign(locked, by=by, assignee=by, action=Action.CLAIM, today=today)
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
    """Hand the case to another reviewer of its authority, with the reason."""
    today = today_or(today)
    locked, _move = begin(
        case=case, by=by, action=Action.REASSIGN, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    required(errors, "reason", reason, _("改派须写明理由。"))
    if not permissions.can_be_assignee(assignee, locked):
        errors.setdefault("assignee", []).append(_("承办人须为本机关审查人员。"))
    elif locked.assignee_id == assignee.pk:
        errors.setdefault("assignee", []).append(_("新承办人与当前承办人相同。"))
    raise_if(errors)
    assign(
        locked, by=by, assignee=assignee, action=Action.REASSIGN, today=today, reason=reason.strip()
    )
    return locked
