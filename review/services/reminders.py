"""Deadline reminders and the overdue flag (daily beat task), and reading notices.

Three reminders, each sent once per case and deadline (a :class:`~review.models.ReminderSent`
row is inserted first; its unique constraint is the claim, so two runs, or two workers, never
send one twice):

- ``decision_due``: the statutory deadline (intake or decision clock) is 3 working days away or
  nearer (``review.clock``: holidays and make-up working days counted), to the case's assignee,
  or to every reviewer of its authority while unassigned;
- ``decision_overdue``: the deadline has passed; the case is flagged once, with an audit event;
- ``correction_due``: the applicant's answer-by date of the open 补正 round is 3 calendar days
  away or nearer, to the applicant users of the project's organization.

Each reminder is an in-app notice and an email. A new deadline (an extension, a new receipt) is
a new deadline and is reminded again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import clock, workflow
from ..correction_models import CorrectionRound, ReminderKind, ReminderSent
from ..models import CaseState, Notice, ReviewCase
from ..workflow import Action
from .core import applicants_of, case_title, notify, record, reviewers_of, send_email
from .corrections import date_words

# Reminders go out when this many working days or fewer are left (never twice for one deadline).
REMIND_WITHIN_WORKING_DAYS = 3
# The applicant is reminded of his answer-by date this many calendar days or fewer before it.
REMIND_CORRECTION_WITHIN_DAYS = 3


def _claim(case: ReviewCase, *, kind: str, deadline: date, today: date, recipients: int) -> bool:
    """Record that ``kind`` is being sent for ``deadline``; False when it already was."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                case=case, kind=kind, deadline=deadline, sent_on=today, recipients=recipients
            )
    except IntegrityError:
        return False
    return True


def _link(name: str, pk: int) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{reverse(name, kwargs={'pk': pk})}"


def _email(users: Sequence[Any], *, text: str, subject: str, link: str) -> None:
    """Once the claim and the notice are committed (a mail outage never undoes them)."""
    send_email(users, subject=subject, body=f"{text}\n\n{link}", now=True)


def _decision_reminder(case: ReviewCase, *, today: date) -> bool:
    view = clock.clock_view(
        phase=workflow.phase_of(case.state),
        deadline=case.deadline,
        paused_since=case.paused_since,
        today=today,
    )
    if view.days_left is None or view.days_left > REMIND_WITHIN_WORKING_DAYS:
        return False
    assert case.deadline is not None
    recipients = [case.assignee] if case.assignee_id else reviewers_of(case)
    kind = ReminderKind.DECISION_OVERDUE if view.overdue else ReminderKind.DECISION_DUE
    with transaction.atomic():
        if not _claim(
            case, kind=kind, deadline=case.deadline, today=today, recipients=len(recipients)
        ):
            return False
        if view.overdue:
            reason = _("已超过办理期限（%(d)s）%(n)s个工作日。") % {
                "d": case.deadline,
                "n": view.overdue_days,
            }
            # A flag, not a move: the case's version stays (a reviewer's form never goes stale).
            ReviewCase.objects.filter(pk=case.pk).update(
                flagged=True, flag_reason=reason, reminded_for=case.deadline
            )
            record(
                case=case,
                actor=None,
                action=Action.FLAG_OVERDUE,
                from_state=case.state,
                to_state=case.state,
                reason=reason,
                data={"deadline": case.deadline.isoformat()},
            )
            text = _("%(case)s已超过办理期限（%(d)s），请尽快办理。") % {
                "case": case_title(case),
                "d": case.deadline,
            }
        else:
            ReviewCase.objects.filter(pk=case.pk).update(reminded_for=case.deadline)
            if view.days_left <= 0:
                text = _("%(case)s今日到期（%(d)s），请及时办理。") % {
                    "case": case_title(case),
                    "d": case.deadline,
                }
            else:
                text = _("%(case)s将于%(d)s到期，剩余%(n)s个工作日。") % {
                    "case": case_title(case),
                    "d": case.deadline,
                    "n": view.days_left,
                }
        notify(recipients, case=case, message=text)
    _email(
        recipients,
        text=text,
        subject=_("【节能审查】办理期限提醒：案件%(pk)s") % {"pk": case.pk},
        link=_link("review:case", case.pk),
    )
    return True


def _correction_reminder(round_: CorrectionRound, *, today: date) -> bool:
    case = round_.case
    days = (round_.answer_by - today).days
    if days < 0 or days > REMIND_CORRECTION_WITHIN_DAYS:
        return False
    recipients = applicants_of(case)
    with transaction.atomic():
        if not _claim(
            case,
            kind=ReminderKind.CORRECTION_DUE,
            deadline=round_.answer_by,
            today=today,
            recipients=len(recipients),
        ):
            return False
        open_items = sum(1 for item in round_.items.all() if not item.answered)
        left = _("还剩%(n)s天") % {"n": days} if days else _("今日到期")
        words = {"name": case.project.name, "d": date_words(round_.answer_by), "left": left}
        if open_items:
            text = _(
                "%(name)s：请于%(d)s前提交补正材料（%(left)s）。尚有%(n)s项补正事项未答复。"
            ) % {**words, "n": open_items}
        else:
            text = (
                _("%(name)s：请于%(d)s前提交补正材料（%(left)s）。补正事项均已答复，请重新提交。")
                % words
            )
        notify(recipients, case=case, message=text)
    _email(
        recipients,
        text=text,
        subject=_("【节能审查】补正期限提醒：%(name)s") % {"name": case.project.name},
        link=_link("projects:detail", case.project_id),
    )
    return True


def deadline_reminders_send(*, today: date) -> int:
    """Send the reminders due on ``today`` (see the module); returns how many were sent.

    Safe to run twice, and concurrently: each reminder is claimed before it is sent.
    """
    running = (
        ReviewCase.objects.filter(state__in=list(workflow.RUNNING), deadline__isnull=False)
        .select_related("project", "assignee", "authority", "submission")
        .order_by("deadline", "pk")
    )
    sent = sum(1 for case in running if _decision_reminder(case, today=today))
    rounds = (
        CorrectionRound.objects.filter(
            case__state=CaseState.RETURNED,
            closed_at__isnull=True,
            answer_by__gte=today,
            answer_by__lte=today + timedelta(days=REMIND_CORRECTION_WITHIN_DAYS),
        )
        .select_related("case", "case__project")
        .prefetch_related("items")
        .order_by("answer_by", "pk")
    )
    sent += sum(1 for round_ in rounds if _correction_reminder(round_, today=today))
    return sent


def notices_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notices (all, or those in ``ids``) as read; returns how many."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
