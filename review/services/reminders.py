"""Deadline reminders and the overdue flag (daily beat task), and reading notices."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import clock, workflow
from ..models import Notice, ReviewCase
from ..workflow import Action
from .core import case_title, notify, record, reviewers_of, send_email

# Reminders go out when this many working days or fewer are left (never twice for one deadline).
REMIND_WITHIN_WORKING_DAYS = 3


def deadline_reminders_send(*, today: date) -> int:
    """Remind handlers of cases whose deadline is near (3 working days or fewer left) by email
    and in-app notice, once per deadline; flag an overdue case once, with an audit event.

    Safe to run twice (each reminder and flag is claimed with a conditional update). Cases
    without a handler remind the reviewers of their authority. Returns how many cases.
    """
    cases = (
        ReviewCase.objects.filter(state__in=list(workflow.RUNNING), deadline__isnull=False)
        .select_related("project", "assignee", "authority", "submission")
        .order_by("deadline", "pk")
    )
    sent = 0
    for case in cases:
        view = clock.clock_view(
            phase=workflow.phase_of(case.state),
            deadline=case.deadline,
            paused_since=case.paused_since,
            today=today,
        )
        if view.days_left is None or view.days_left > REMIND_WITHIN_WORKING_DAYS:
            continue
        recipients = [case.assignee] if case.assignee_id else reviewers_of(case)
        text = ""
        with transaction.atomic():
            if view.overdue and not case.flagged:
                reason = f"已超过办理期限（{case.deadline}）{view.overdue_days}个工作日。"
                claimed = ReviewCase.objects.filter(pk=case.pk, flagged=False).update(
                    flagged=True, flag_reason=reason, reminded_for=case.deadline
                )
                if claimed:
                    record(
                        case=case,
                        actor=None,
                        action=Action.FLAG_OVERDUE,
                        from_state=case.state,
                        to_state=case.state,
                        reason=reason,
                        data={"deadline": case.deadline.isoformat()},
                    )
                    text = f"{case_title(case)}已超过办理期限（{case.deadline}），请尽快办理。"
            if not text and case.reminded_for != case.deadline:
                claimed = (
                    ReviewCase.objects.filter(pk=case.pk)
                    .exclude(reminded_for=case.deadline)
                    .update(reminded_for=case.deadline)
                )
                if claimed and view.days_left <= 0:
                    text = f"{case_title(case)}今日到期（{case.deadline}），请及时办理。"
                elif claimed:
                    text = (
                        f"{case_title(case)}将于{case.deadline}到期，剩余{view.days_left}个工作日。"
                    )
            if text:
                notify(recipients, case=case, message=text)
        if text:
            send_email(
                recipients, subject=f"【节能审查】办理期限提醒：案件{case.pk}", body=text, now=True
            )
            sent += 1
    return sent


def notices_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notices (all, or those in ``ids``) as read; returns how many."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
