"""Two beat runs sending the day's reminders at the same moment, on real PostgreSQL (issue 13):
each reminder (case, deadline, kind) goes out once — the ReminderSent row is the claim — and the
overdue flag is recorded once."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from review import services
from review.correction_models import ReminderKind, ReminderSent
from review.models import CaseEvent
from tests.review.conftest import make_assessment, make_project, make_submission

from .test_concurrent_extension import _in_threads

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MON_28_SEP = date(2026, 9, 28)


def _open(alice, *, name: str):
    project = make_project(owner=alice, name=name)
    submission = make_submission(project=project, by=alice, assessment=make_assessment())
    return services.case_open(submission=submission, by=alice, today=MON_28_SEP)


def test_two_runs_at_once_send_each_reminder_once(alice, bob, personas):
    due = _open(alice, name="将到期")
    returned = services.case_return_for_correction(
        case=_open(alice, name="待补正"),
        by=bob,
        items=["补充附表"],
        answer_by=date(2026, 10, 2),
        today=MON_28_SEP,
    )
    mail.outbox.clear()
    today = date(2026, 9, 30)  # 3 working days before 10 Oct; 2 days before the answer-by date
    results = _in_threads(
        lambda: services.deadline_reminders_send(today=today),
        lambda: services.deadline_reminders_send(today=today),
    )
    assert sum(results) == 2, results  # two reminders, each sent by one run or the other
    kinds = sorted(ReminderSent.objects.values_list("case_id", "kind"))
    assert kinds == sorted(
        [(due.pk, ReminderKind.DECISION_DUE), (returned.pk, ReminderKind.CORRECTION_DUE)]
    )
    assert len([m for m in mail.outbox if "bob@example.cn" in m.to]) == 1
    assert len([m for m in mail.outbox if "alice@example.cn" in m.to]) == 1
    # overdue on 12 Oct, again two runs at once: one flag, one event
    results = _in_threads(
        lambda: services.deadline_reminders_send(today=date(2026, 10, 12)),
        lambda: services.deadline_reminders_send(today=date(2026, 10, 12)),
    )
    assert sum(results) == 1, results
    assert CaseEvent.objects.filter(case=due, action="flag_overdue").count() == 1
