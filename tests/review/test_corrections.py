"""补正 answered item by item (issue 13): rounds, answers, the refusal to resubmit, permissions,
the applicant's own answer-by date, and the reminders (once per case, deadline and kind)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from accounts import roles
from accounts.models import Profile
from review import services
from review.correction_models import CorrectionRound, ReminderKind, ReminderSent
from review.models import CaseState, Notice
from review.workflow import TransitionNotAllowed

from .conftest import decidable, make_submission, resubmit

pytestmark = pytest.mark.django_db

MON_28_SEP = date(2026, 9, 28)


def _returned(make_case, bob, *, items=("补充附表", "盖章"), **kwargs):
    case = make_case(opened_on=MON_28_SEP)
    return services.case_return_for_correction(
        case=case, by=bob, items=list(items), reason="请逐项补正。", today=MON_28_SEP, **kwargs
    )


# --------------------------------------------------------------------------------------------
# Rounds and answers
# --------------------------------------------------------------------------------------------
@override_settings(CORRECTION_ANSWER_DAYS=20)
def test_a_return_opens_a_round_with_each_item_the_note_and_the_default_answer_by(make_case, bob):
    case = _returned(make_case, bob, items=[{"item": "补充附表", "detail": "附表3"}, "盖章"])
    round_ = case.correction_rounds.get()
    assert (round_.number, round_.submission_number, round_.note) == (1, 1, "请逐项补正。")
    assert round_.answer_by == MON_28_SEP + timedelta(days=20)
    assert round_.is_open
    assert round_.returned_by == bob
    assert [(i.position, i.item, i.detail, i.answer) for i in round_.items.all()] == [
        (1, "补充附表", "附表3", ""),
        (2, "盖章", "", ""),
    ]
    event = case.events.get(action="return_for_correction")
    assert event.data["answer_by"] == "2026-10-18"


def test_the_reviewer_sets_the_answer_by_date_after_today_and_within_a_year(make_case, bob):
    for bad in (MON_28_SEP, MON_28_SEP - timedelta(days=1), MON_28_SEP + timedelta(days=366)):
        case = make_case(opened_on=MON_28_SEP)
        with pytest.raises(ValidationError) as info:
            services.case_return_for_correction(
                case=case, by=bob, items=["x"], answer_by=bad, today=MON_28_SEP
            )
        assert "answer_by" in info.value.message_dict
        case.refresh_from_db()
        assert case.state == CaseState.SUBMITTED
        assert not case.correction_rounds.exists()
    case = _returned(make_case, bob, answer_by=date(2026, 10, 16))
    assert case.correction_rounds.get().answer_by == date(2026, 10, 16)


def test_resubmission_is_refused_naming_the_unanswered_items_until_each_is_answered(
    make_case, bob, alice
):
    case = _returned(make_case, bob)
    first, second = case.correction_rounds.get().items.all()
    services.correction_answer(item=first, by=alice, answer="附表3已补充。", changed="attachments")
    new = make_submission(project=case.project, by=alice, assessment=case.submission.assessment)
    with pytest.raises(ValidationError) as info:
        services.case_resubmit(case=case, submission=new, by=alice)
    assert info.value.message_dict == {
        "correction_answers": ["请先逐项答复全部补正事项后再提交。尚未答复：第2项「盖章」。"]
    }
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED
    services.correction_answer(item=second, by=alice, answer="已盖章。")
    case = services.case_resubmit(case=case, submission=new, by=alice)
    assert case.state == CaseState.SUBMITTED
    round_ = case.correction_rounds.get()
    assert (round_.is_open, round_.resubmission_number) == (False, new.number)


def test_an_answer_is_checked_recorded_and_may_be_changed_until_resubmission(make_case, bob, alice):
    case = _returned(make_case, bob)
    item = case.correction_rounds.get().items.first()
    for answer, changed, field in (("  ", "", "answer"), ("x" * 2001, "", "answer")):
        with pytest.raises(ValidationError) as info:
            services.correction_answer(item=item, by=alice, answer=answer, changed=changed)
        assert field in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.correction_answer(item=item, by=alice, answer="好", changed="elsewhere")
    assert "changed" in info.value.message_dict
    version = case.version
    services.correction_answer(item=item, by=alice, answer="附表3已补充。", changed="energy")
    services.correction_answer(item=item, by=alice, answer="附表3、附表4已补充。")
    item.refresh_from_db()
    assert (item.answer, item.changed, item.answered_by) == ("附表3、附表4已补充。", "", alice)
    events = list(case.events.filter(action="answer_correction").order_by("pk"))
    assert [(e.actor, e.reason, e.data["item"], e.data["first_answer"]) for e in events] == [
        (alice, "附表3已补充。", 1, True),
        (alice, "附表3、附表4已补充。", 1, False),
    ]
    assert events[0].data["changed"] == "energy"
    assert events[0].from_state == "returned"
    case.refresh_from_db()
    assert case.version == version  # an answer never makes the reviewer's form stale


def test_only_the_owning_organization_answers(make_case, bob, alice, carol, grace, dana, erin):
    case = _returned(make_case, bob)
    item = case.correction_rounds.get().items.first()
    for user in (carol, bob, grace, dana, erin):
        with pytest.raises(PermissionDenied):
            services.correction_answer(item=item, by=user, answer="代为答复")
    item.refresh_from_db()
    assert item.answer == ""
    assert not case.events.filter(action="answer_correction").exists()


def test_each_round_has_its_own_items_and_earlier_rounds_stay_as_answered(make_case, bob, alice):
    case = _returned(make_case, bob, items=["补充附表"])
    services.case_resubmit(case=case, submission=resubmit(case, by=alice), by=alice)
    case.refresh_from_db()
    case = services.case_return_for_correction(
        case=case, by=bob, items=["附表数据与报告不一致"], reason="第二次退回。"
    )
    first, second = CorrectionRound.objects.filter(case=case).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert [i.item for i in second.items.all()] == ["附表数据与报告不一致"]
    assert second.note == "第二次退回。"
    assert second.submission_number == 2
    old_item = first.items.get()
    assert old_item.answer == "已按要求补正。"
    with pytest.raises(TransitionNotAllowed):  # a closed round is not answered again
        services.correction_answer(item=old_item, by=alice, answer="改写历史")
    old_item.refresh_from_db()
    assert old_item.answer == "已按要求补正。"
    assert services.open_round(case) == second


# --------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------
def test_decision_reminders_count_working_days_across_the_national_day_holiday(
    make_case, bob, bob2, grace, carol
):
    case = make_case(opened_on=MON_28_SEP)  # intake deadline Saturday 10 Oct (a make-up day)
    mail.outbox.clear()
    # 29 Sep: 4 working days left (29, 30 Sep, 9, 10 Oct); 30 Sep: 3, reminded
    assert services.deadline_reminders_send(today=date(2026, 9, 29)) == 0
    assert services.deadline_reminders_send(today=date(2026, 9, 30)) == 1
    recipients = sorted(to for m in mail.outbox for to in m.to)
    assert recipients == ["bob2@example.cn", "bob@example.cn"]  # the authority's reviewers
    assert f"/review/cases/{case.pk}/" in mail.outbox[0].body
    # the holiday itself: nothing more, however often the task runs
    for day in (date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 9), date(2026, 10, 10)):
        assert services.deadline_reminders_send(today=day) == 0
    assert services.deadline_reminders_send(today=date(2026, 10, 12)) == 1  # overdue
    assert services.deadline_reminders_send(today=date(2026, 10, 12)) == 0
    assert services.deadline_reminders_send(today=date(2026, 10, 13)) == 0
    sent = list(ReminderSent.objects.filter(case=case).values_list("kind", "sent_on", "deadline"))
    assert sent == [
        (ReminderKind.DECISION_DUE, date(2026, 9, 30), date(2026, 10, 10)),
        (ReminderKind.DECISION_OVERDUE, date(2026, 10, 12), date(2026, 10, 10)),
    ]
    assert len(mail.outbox) == 4
    assert not Notice.objects.filter(user__in=[grace, carol]).exists()
    reminders = Notice.objects.filter(user=bob, case=case, message__contains="2026-10-10")
    assert reminders.count() == 2


def _colleague_of(alice: User) -> User:
    user = User.objects.create_user("alice2", "alice2@example.cn", "x")
    user.groups.set([Group.objects.get_or_create(name=roles.APPLICANT)[0]])
    Profile.objects.create(user=user, organization=alice.profile.organization)
    return user


def test_the_applicant_is_reminded_three_days_before_his_answer_by_date_once(
    make_case, bob, alice, carol
):
    colleague = _colleague_of(alice)
    case = _returned(make_case, bob, answer_by=date(2026, 10, 8))
    mail.outbox.clear()
    Notice.objects.all().delete()
    assert services.deadline_reminders_send(today=date(2026, 10, 4)) == 0  # 4 days
    assert services.deadline_reminders_send(today=date(2026, 10, 5)) == 1  # 3 days
    assert sorted(to for m in mail.outbox for to in m.to) == [
        "alice2@example.cn",
        "alice@example.cn",
    ]
    body = mail.outbox[0].body
    assert "请于2026年10月8日前提交补正材料（还剩3天）" in body
    assert "尚有2项补正事项未答复" in body
    assert f"/projects/{case.project_id}/" in body
    assert services.deadline_reminders_send(today=date(2026, 10, 6)) == 0
    assert services.deadline_reminders_send(today=date(2026, 10, 8)) == 0
    assert len(mail.outbox) == 2
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"alice", "alice2"}
    assert not Notice.objects.filter(user__in=[bob, carol]).exists()
    assert colleague.notices.get().case == case


def test_no_correction_reminder_once_resubmitted_or_past_the_date(make_case, bob, alice):
    answered = _returned(make_case, bob, answer_by=date(2026, 10, 8))
    services.case_resubmit(case=answered, submission=resubmit(answered, by=alice), by=alice)
    late = _returned(make_case, bob, answer_by=date(2026, 10, 2))
    mail.outbox.clear()
    # 5 Oct: the resubmitted case's round is closed, the other's date has passed
    assert services.deadline_reminders_send(today=date(2026, 10, 5)) == 0
    assert not ReminderSent.objects.filter(kind=ReminderKind.CORRECTION_DUE).exists()
    assert late.state == CaseState.RETURNED
    assert not [m for m in mail.outbox if "补正期限" in m.subject]


def test_return_and_decision_emails_reach_the_applicant(
    make_case, bob, alice, django_capture_on_commit_callbacks
):
    case = make_case(opened_on=MON_28_SEP)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_return_for_correction(
            case=case, by=bob, items=["补充附表"], answer_by=date(2026, 10, 30), today=MON_28_SEP
        )
    sent = [m for m in mail.outbox if "alice@example.cn" in m.to]
    assert len(sent) == 1
    assert "补正通知" in sent[0].subject
    assert "请逐项答复，并于2026年10月30日前提交补正材料" in sent[0].body
    # a decision: the applicant is told in writing by email too (decisions.py, tell_applicant)
    ready = decidable(make_case(opened_on=MON_28_SEP), by=bob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve(case=ready, by=bob, reason="符合节能审查要求。")
    assert [m.subject for m in mail.outbox if "alice@example.cn" in m.to] == [
        "【节能审查】审查通过"
    ]
