"""The moves (review/services.py) at intake: open, accept, return for correction and not accept,
the intake clock across National Day 2026, assignment, and the permissions the services enforce."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects.models import ProjectStatus
from review import services
from review.models import CaseState, Notice, ReviewCase
from review.workflow import TransitionNotAllowed, WorkflowError

from ._helpers import MON_28_SEP, snapshot
from .conftest import evaluated, make_submission, resubmit, under_review

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# Open, intake and the clock across National Day 2026
# --------------------------------------------------------------------------------------------
def test_open_starts_the_intake_clock_of_five_working_days(make_case, alice):
    case = make_case(opened_on=MON_28_SEP)
    assert case.state == CaseState.SUBMITTED
    assert case.province == "32"
    assert (case.clock_phase, case.limit_working_days) == ("intake", 5)
    # 29, 30 Sep, National Day 1-7 Oct off, 8, 9 Oct and the make-up Saturday 10 Oct
    assert case.deadline == date(2026, 10, 10)
    event = case.events.get()
    assert (event.action, event.actor, event.to_state) == ("open", alice, "submitted")
    # The event refers to the frozen submission instead of copying its assessment (issue 14).
    assert (event.submission, event.assessment) == (case.submission, None)
    assert event.assessment_then == case.submission.assessment


def test_open_notifies_the_reviewers_of_the_province(make_case, bob, frank):
    case = make_case()
    assert Notice.objects.filter(user=bob, case=case).exists()
    assert not Notice.objects.filter(user=frank).exists()


def test_open_refuses_a_second_open_case_for_the_project_and_other_applicants(
    make_case, alice, carol
):
    case = make_case()
    again = make_submission(project=case.project, by=alice)
    with pytest.raises(TransitionNotAllowed):
        services.case_open(submission=again, by=alice)
    with pytest.raises(PermissionDenied):
        services.case_open(submission=again, by=carol)
    assert ReviewCase.objects.filter(project=case.project).count() == 1


def test_accept_starts_twenty_working_days_and_can_assign(make_case, bob):
    case = make_case(opened_on=MON_28_SEP)
    case = services.case_accept(case=case, by=bob, assign_to=bob, today=MON_28_SEP)
    assert case.state == CaseState.UNDER_REVIEW
    assert case.assignee == bob
    assert (case.clock_phase, case.limit_working_days) == ("decision", 20)
    assert case.deadline == date(2026, 10, 30)
    assert [e.action for e in case.events.all()] == ["open", "accept", "assign"]


def test_return_ends_the_intake_clock_and_the_correction_is_a_new_receipt(make_case, alice, bob):
    case = make_case(opened_on=MON_28_SEP)
    # given: returned on Wednesday 30 Sep, every missing item at once
    case = services.case_return_for_correction(
        case=case,
        by=bob,
        items=["补充节能报告附表｜按附录B格式", "  ", {"item": "盖章", "detail": ""}],
        today=date(2026, 9, 30),
    )
    assert case.state == CaseState.RETURNED
    assert case.correction_entries == [
        {"item": "补充节能报告附表", "detail": "按附录B格式"},
        {"item": "盖章", "detail": ""},
    ]
    assert case.correction_items == ["补充节能报告附表：按附录B格式", "盖章"]
    assert case.clock_phase == ""
    case.project.refresh_from_db()
    assert case.project.status == ProjectStatus.CORRECTION
    assert case.project.correction_items == ["补充节能报告附表：按附录B格式", "盖章"]
    assert Notice.objects.filter(user=alice, case=case, message__contains="2项").exists()
    # when: corrected on Friday 9 Oct
    new = resubmit(case, by=alice)
    case = services.case_resubmit(case=case, submission=new, by=alice, today=date(2026, 10, 9))
    # then: a new 5-day intake clock from the new receipt (10 Oct is a make-up working day)
    assert case.state == CaseState.SUBMITTED
    assert case.submission == new
    assert (case.received_on, case.paused_working_days) == (date(2026, 10, 9), 0)
    assert case.deadline == date(2026, 10, 15)
    assert case.correction_items == []


def test_return_requires_items_and_leaves_nothing(make_case, bob):
    case = make_case()
    before = snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_return_for_correction(case=case, by=bob, items=[" ", ""])
    assert "items" in info.value.message_dict
    assert snapshot(case) == before


def test_not_accept_needs_a_reason_and_closes_the_case(make_case, bob, alice):
    case = make_case()
    before = snapshot(case)
    with pytest.raises(ValidationError):
        services.case_not_accept(case=case, by=bob, reason=" ")
    assert snapshot(case) == before
    case = services.case_not_accept(case=case, by=bob, reason="不属于本机关审查范围")
    assert case.state == CaseState.NOT_ACCEPTED
    # a closed case lets the project open a new one
    services.case_open(submission=make_submission(project=case.project, by=alice), by=alice)


# --------------------------------------------------------------------------------------------
# Assignment
# --------------------------------------------------------------------------------------------
def test_claim_assign_and_reassign(make_case, bob, bob2):
    case = make_case()
    case = services.case_accept(case=case, by=bob)
    assert case.state == CaseState.ACCEPTED
    case = services.case_claim(case=case, by=bob2)
    assert (case.state, case.assignee) == (CaseState.UNDER_REVIEW, bob2)
    with pytest.raises(WorkflowError):
        services.case_claim(case=case, by=bob)
    with pytest.raises(ValidationError) as info:
        services.case_reassign(case=case, by=bob, assignee=bob, reason="")
    assert "reason" in info.value.message_dict
    case = services.case_reassign(case=case, by=bob, assignee=bob, reason="承办人出差")
    assert case.assignee == bob
    assert Notice.objects.filter(user=bob2, case=case).exists()


def test_assignee_must_be_a_reviewer_of_the_province(make_case, bob, frank, alice):
    case = services.case_accept(case=make_case(), by=bob)
    for user in (frank, alice):
        with pytest.raises(ValidationError) as info:
            services.case_assign(case=case, by=bob, assignee=user)
        assert "assignee" in info.value.message_dict
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


# --------------------------------------------------------------------------------------------
# Permissions (review/permissions.py), enforced by the services too
# --------------------------------------------------------------------------------------------
def test_bob_acts_only_in_his_province(make_case, carol, bob, frank):
    case_33 = make_case(owner=carol, region="330106")
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case_33, by=bob)
    services.case_accept(case=case_33, by=frank)


def test_applicants_never_act_as_reviewers(make_case, alice, carol):
    case = make_case()
    for user in (alice, carol):
        with pytest.raises(PermissionDenied):
            services.case_accept(case=case, by=user)
    assert case.events.count() == 1


def test_erin_only_answers_guidance_and_only_on_window_guidance_cases(make_case, bob, erin):
    standard = make_case()
    with pytest.raises(PermissionDenied):
        services.case_accept(case=standard, by=erin)
    wg = under_review(make_case(route="national_window_guidance"), by=bob)
    assert wg.state == CaseState.AWAITING_GUIDANCE
    with pytest.raises(PermissionDenied):
        services.case_reassign(case=wg, by=erin, assignee=bob, reason="x")
    # a standard case never awaits guidance: erin cannot answer anything there
    under_review(standard, by=bob)
    with pytest.raises(PermissionDenied):
        services.case_answer_guidance(case=standard, by=erin, outcome="supported", notes="x")


def test_dana_may_do_everything(make_case, dana, bob):
    case = make_case()
    case = services.case_accept(case=case, by=dana, assign_to=bob)
    case = evaluated(case, by=dana)
    case = services.case_approve(case=case, by=dana, reason="符合要求")
    assert case.state == CaseState.APPROVED
