"""The moves (review/services.py) over time and on the record: deadline reminders and the overdue
flag, the immutable event record, dual roles and the beat tasks that call the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction

from review import services
from review.models import CaseEvent, CaseState, Notice

from ._helpers import MON_28_SEP, approved, decided_on
from .conftest import resubmit

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# Deadline reminders and the overdue flag
# --------------------------------------------------------------------------------------------
def test_reminders_go_to_the_assignee_once_per_deadline(make_case, bob, bob2):
    case = make_case(opened_on=MON_28_SEP)  # intake deadline Saturday 10 Oct
    services.case_assign(case=case, by=bob, assignee=bob2)
    mail.outbox.clear()
    assert services.deadline_reminders_send(today=date(2026, 9, 29)) == 0  # 4 left
    assert services.deadline_reminders_send(today=date(2026, 9, 30)) == 1  # 3 left
    assert [m.to for m in mail.outbox] == [["bob2@example.cn"]]
    assert "剩余3个工作日" in mail.outbox[0].body
    assert Notice.objects.filter(user=bob2, case=case, message__contains="到期").count() == 1
    assert services.deadline_reminders_send(today=date(2026, 10, 8)) == 0  # same deadline
    assert len(mail.outbox) == 1


def test_unassigned_cases_remind_the_province_and_overdue_cases_are_flagged(make_case, bob):
    case = make_case(opened_on=MON_28_SEP)
    assert services.deadline_reminders_send(today=date(2026, 10, 12)) == 1
    case.refresh_from_db()
    assert case.flagged
    assert "2026-10-10" in case.flag_reason
    flag = case.events.get(action="flag_overdue")
    assert (flag.actor, flag.from_state, flag.to_state) == (None, "submitted", "submitted")
    assert mail.outbox[-1].to == ["bob@example.cn"]
    assert "超过办理期限" in mail.outbox[-1].body
    version = case.version
    assert services.deadline_reminders_send(today=date(2026, 10, 13)) == 0
    case.refresh_from_db()
    assert case.version == version  # a reminder never makes a reviewer's form stale
    assert case.events.filter(action="flag_overdue").count() == 1


def test_paused_and_closed_cases_get_no_reminders(make_case, bob):
    returned = make_case(opened_on=MON_28_SEP)
    services.case_return_for_correction(case=returned, by=bob, items=["x"], today=MON_28_SEP)
    closed = make_case(opened_on=MON_28_SEP)
    services.case_not_accept(case=closed, by=bob, reason="x", today=MON_28_SEP)
    assert services.deadline_reminders_send(today=date(2026, 10, 12)) == 0
    assert not mail.outbox


# --------------------------------------------------------------------------------------------
# The record is immutable
# --------------------------------------------------------------------------------------------
def test_events_cannot_be_changed_or_deleted(make_case):
    case = make_case()
    event = case.events.get()
    event.reason = "篡改"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    # The database's guard: an IntegrityError on SQLite, the PL/pgSQL trigger's exception (a
    # ProgrammingError) on PostgreSQL.
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(reason="篡改")
    event.refresh_from_db()
    assert event.reason == ""


def test_every_move_writes_one_event_with_the_assessment_then(make_case, bob, alice):
    case = make_case()
    case = services.case_return_for_correction(case=case, by=bob, items=["补正"])
    new = resubmit(case, by=alice, counted_tce=25000)  # answers the 补正 item first
    case = services.case_resubmit(case=case, submission=new, by=alice)
    events = [e for e in case.events.order_by("pk") if e.action != "document_drafted"]
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("open", "", "submitted"),
        ("return_for_correction", "submitted", "returned"),
        ("answer_correction", "returned", "returned"),
        ("resubmit", "returned", "submitted"),
    ]
    assert events[1].assessment_then["energy"]["counted_tce"] == 20000
    assert events[3].assessment_then["energy"]["counted_tce"] == 25000
    assert events[1].actor == bob
    assert (events[2].actor, events[3].actor) == (alice, alice)


def test_a_user_with_both_roles_never_acts_as_a_reviewer(make_case, alice):
    from django.contrib.auth.models import Group

    from accounts import roles

    alice.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    alice.profile.jurisdiction = "32"
    alice.profile.save()
    case = make_case(owner=alice)
    alice = type(alice).objects.get(pk=alice.pk)  # drop the cached role names
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, by=alice)


def test_beat_tasks_call_the_services(make_case, bob):
    from review import tasks

    case = approved(make_case, bob)
    decided_on(case, date(2020, 1, 6))
    assert tasks.expire_approvals_task() == 1
    case.refresh_from_db()
    assert case.state == CaseState.EXPIRED
    make_case(opened_on=date(2026, 1, 5))  # long overdue
    assert tasks.send_deadline_reminders_task() == 1
