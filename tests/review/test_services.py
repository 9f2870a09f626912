"""The moves (review/services.py): state, clock, audit events, validation, permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from projects.models import ProjectStatus
from review import services
from review.models import CaseEvent, CaseState, ExpertEvaluation, Notice, Opinion, ReviewCase
from review.services import CaseConflict
from review.workflow import TransitionNotAllowed, WorkflowError

from .conftest import decidable, evaluated, make_submission, pdf_upload, resubmit, under_review

pytestmark = pytest.mark.django_db

MON_28_SEP = date(2026, 9, 28)


def _snapshot(case: ReviewCase) -> tuple:
    case.refresh_from_db()
    return (
        case.state,
        case.version,
        case.deadline,
        case.assignee_id,
        case.decision_reason,
        CaseEvent.objects.filter(case=case).count(),
        Opinion.objects.filter(case=case).count(),
    )


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
    before = _snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_return_for_correction(case=case, by=bob, items=[" ", ""])
    assert "items" in info.value.message_dict
    assert _snapshot(case) == before


def test_not_accept_needs_a_reason_and_closes_the_case(make_case, bob, alice):
    case = make_case()
    before = _snapshot(case)
    with pytest.raises(ValidationError):
        services.case_not_accept(case=case, by=bob, reason=" ")
    assert _snapshot(case) == before
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


# --------------------------------------------------------------------------------------------
# Window guidance (方案（七）)
# --------------------------------------------------------------------------------------------
def test_window_guidance_case_is_routed_on_assignment_and_answered_by_erin(make_case, bob, erin):
    case = make_case(route="national_window_guidance", counted_tce=120000, opened_on=MON_28_SEP)
    case = services.case_accept(case=case, by=bob, assign_to=bob, today=MON_28_SEP)
    assert case.state == CaseState.AWAITING_GUIDANCE
    auto = case.events.order_by("-pk").first()
    assert (auto.action, auto.actor, auto.data.get("auto")) == ("request_guidance", None, True)
    assert Notice.objects.filter(user=erin, case=case).exists()
    # no decision while guidance is pending, unless the reviewer records why not to wait
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="x", justification="y")
    assert "without_guidance_justification" in info.value.message_dict
    # the clock keeps running while guidance is pending (第四十五条); own expected date
    assert (case.clock_phase, case.paused_since, case.deadline) == (
        "decision",
        None,
        date(2026, 10, 30),
    )
    assert case.guidance_expected_on == date(2026, 10, 16)  # 10 working days from 28 Sep
    # erin answers on Friday 9 Oct
    with pytest.raises(ValidationError) as info:
        services.case_answer_guidance(case=case, by=erin, outcome="maybe", notes="")
    assert set(info.value.message_dict) == {"outcome", "notes"}
    case = services.case_answer_guidance(
        case=case, by=erin, outcome="supported", notes="能效达到标杆水平", today=date(2026, 10, 9)
    )
    assert case.state == CaseState.UNDER_REVIEW
    assert case.paused_working_days == 0
    assert case.deadline == date(2026, 10, 30)  # nothing added for the guidance
    assert case.guidance_submission == case.submission.number
    case = evaluated(case, by=bob, commissioned=date(2026, 10, 9))
    # the engine's "defer pending guidance" is now an approval: no justification needed
    case = services.case_approve(case=case, by=bob, reason="窗口指导支持，符合要求")
    assert case.state == CaseState.APPROVED


def test_window_guidance_case_cannot_be_decided_without_guidance(make_case, bob, dana):
    case = make_case(route="national_window_guidance")
    case = services.case_accept(case=case, by=bob, assign_to=bob)
    assert case.state == CaseState.AWAITING_GUIDANCE
    case = services.case_answer_guidance(case=case, by=dana, outcome="supported", notes="x")
    case = services.case_request_guidance(case=case, by=bob, reason="项目方案调整，再次报请")
    assert case.guidance_outcome == ""
    # guidance asked again: decisions wait for the new answer (or record why they do not)
    with pytest.raises(ValidationError) as info:
        services.case_defer(case=case, by=bob, reason="x", deferral_lift="y")
    assert "without_guidance_justification" in info.value.message_dict


def test_request_guidance_only_for_window_guidance_route(make_case, bob):
    case = under_review(make_case(route="local_two_high"), by=bob)
    before = _snapshot(case)
    with pytest.raises(WorkflowError, match="窗口指导"):
        services.case_request_guidance(case=case, by=bob)
    assert _snapshot(case) == before


def test_guidance_against_the_project_blocks_approval(make_case, bob, erin):
    case = services.case_accept(
        case=make_case(route="national_window_guidance"), by=bob, assign_to=bob
    )
    case = services.case_answer_guidance(case=case, by=erin, outcome="not_supported", notes="否")
    case = evaluated(case, by=bob)
    before = _snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="同意", justification="地方急需")
    assert "不支持" in " ".join(info.value.message_dict["__all__"])
    assert _snapshot(case) == before
    case = services.case_reject(
        case=case, by=bob, reason="窗口指导不支持", cited_findings=["NATIONAL_WINDOW_GUIDANCE"]
    )
    assert case.state == CaseState.REJECTED


# --------------------------------------------------------------------------------------------
# Evaluation and extension
# --------------------------------------------------------------------------------------------
def test_evaluation_is_commissioned_paused_and_received(make_case, bob, alice, evaluation_body):
    case = make_case(opened_on=MON_28_SEP)
    case = services.case_accept(case=case, by=bob, assign_to=bob, today=MON_28_SEP)
    assert case.deadline == date(2026, 10, 30)
    evaluation = services.case_commission_evaluation(
        case=case, by=bob, body=evaluation_body, due_on=date(2026, 10, 16), today=MON_28_SEP
    )
    case.refresh_from_db()
    assert (case.state, case.paused_since) == (CaseState.UNDER_EVALUATION, MON_28_SEP)
    assert evaluation.expected_working_days == 10  # 29, 30 Sep, 8-10 Oct, 12-16 Oct
    notice = Notice.objects.get(user=alice, case=case, message__contains="委托")
    assert "不计算在审查期限内" in notice.message
    assert "2026-10-16" in notice.message
    evaluation = services.case_record_evaluation(
        case=case,
        by=bob,
        received_on=date(2026, 10, 12),
        conclusion="原则同意",
        expert_opinions="建议补充余热利用措施",
        report=pdf_upload("评审报告.pdf"),
        today=date(2026, 10, 12),
    )
    case.refresh_from_db()
    assert evaluation.report.name.endswith(".pdf")
    assert (evaluation.state, evaluation.received_on) == ("received", date(2026, 10, 12))
    # 29, 30 Sep, 8, 9, 10 (make-up), 12 Oct did not count
    assert (case.state, case.paused_working_days) == (CaseState.UNDER_REVIEW, 6)
    assert case.deadline == date(2026, 11, 9)
    event = case.events.order_by("-pk").first()
    assert (event.action, event.data["evaluator"]) == ("record_evaluation", evaluation_body.name)


def test_evaluation_rejects_bad_input_and_leaves_nothing(make_case, bob, evaluation_body):
    case = under_review(make_case(), by=bob)
    before = _snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_commission_evaluation(case=case, by=bob, body=None, due_on=None)
    assert set(info.value.message_dict) == {"body", "due_on"}
    assert _snapshot(case) == before
    services.case_commission_evaluation(
        case=case, by=bob, body=evaluation_body, due_on=timezone.localdate() + timedelta(days=20)
    )
    before = _snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_record_evaluation(
            case=case,
            by=bob,
            received_on=timezone.localdate() + timedelta(days=3),
            conclusion="",
            expert_opinions=" ",
            report=SimpleUploadedFile("x.pdf", b"<html>"),
        )
    assert set(info.value.message_dict) == {
        "received_on",
        "conclusion",
        "expert_opinions",
        "report",
    }
    assert _snapshot(case) == before
    assert ExpertEvaluation.objects.get().state == "commissioned"


def test_no_decision_before_the_evaluation_report_is_on_file(make_case, bob, evaluation_body):
    case = under_review(make_case(), by=bob)
    before = _snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="同意")
    assert "第十三条" in info.value.message_dict["__all__"][0]
    assert _snapshot(case) == before
    services.case_commission_evaluation(
        case=case, by=bob, body=evaluation_body, due_on=timezone.localdate() + timedelta(days=9)
    )
    with pytest.raises(TransitionNotAllowed):  # under evaluation: no decision either
        services.case_approve(case=case, by=bob, reason="同意")


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------
def test_approve_with_conditions_issues_the_approval_opinion(make_case, bob, alice):
    case = decidable(make_case(), by=bob)
    case = services.case_approve(
        case=case,
        by=bob,
        reason="符合节能审查要求",
        conditions=["投产前完成能耗等量替代", " "],
        expected_version=case.version,
    )
    assert case.state == CaseState.APPROVED
    assert case.conditions == "投产前完成能耗等量替代"
    assert case.decided_at is not None
    draft = case.drafts.get()  # issue 11: the head signs the draft off before issue
    assert (draft.kind, draft.state) == ("approval", "drafting")
    event = case.events.get(action="approve")
    assert event.data["conditions"] == ["投产前完成能耗等量替代"]
    assert event.assessment_then["recommendation"] == "approve"
    assert Notice.objects.filter(user=alice, case=case, message__contains="审查通过").exists()


def test_decisions_need_a_reason_and_leave_nothing(make_case, bob):
    case = decidable(make_case(), by=bob)
    before = _snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="")
    assert "reason" in info.value.message_dict
    assert _snapshot(case) == before


def test_a_decision_against_the_recommendation_needs_a_justification(make_case, bob):
    case = decidable(
        make_case(recommendation="reject", codes=["TIER_PROVINCIAL", "EFFICIENCY_BELOW_BASELINE"]),
        by=bob,
    )
    before = _snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="同意")
    assert "justification" in info.value.message_dict
    assert _snapshot(case) == before
    case = services.case_approve(
        case=case, by=bob, reason="同意", justification="已提交整改后能效证明"
    )
    assert case.decision_justification == "已提交整改后能效证明"
    assert case.events.get(action="approve").data["justification"] == "已提交整改后能效证明"


def test_reject_cites_existing_findings(make_case, bob):
    case = decidable(
        make_case(recommendation="reject", codes=["TIER_PROVINCIAL", "EFFICIENCY_BELOW_BASELINE"]),
        by=bob,
    )
    before = _snapshot(case)
    for cited in ([], ["SUBSTITUTION_SHORTFALL"]):
        with pytest.raises(ValidationError) as info:
            services.case_reject(case=case, by=bob, reason="能效低于基准", cited_findings=cited)
        assert "cited_findings" in info.value.message_dict
    assert _snapshot(case) == before
    case = services.case_reject(
        case=case, by=bob, reason="能效低于基准水平", cited_findings=["EFFICIENCY_BELOW_BASELINE"]
    )
    assert (case.state, case.cited_findings) == (CaseState.REJECTED, ["EFFICIENCY_BELOW_BASELINE"])
    assert case.drafts.get().kind == "rejection"


def test_deferral_ends_the_clock_and_new_material_starts_a_new_one(make_case, bob, alice):
    case = make_case(
        opened_on=MON_28_SEP,
        recommendation="defer",
        codes=["TIER_PROVINCIAL", "SUBSTITUTION_SHORTFALL"],
    )
    case = services.case_accept(case=case, by=bob, assign_to=bob, today=MON_28_SEP)
    case = evaluated(case, by=bob, commissioned=MON_28_SEP, received=MON_28_SEP)
    with pytest.raises(ValidationError) as info:
        services.case_defer(case=case, by=bob, reason="替代来源不足", deferral_lift=" ")
    assert "deferral_lift" in info.value.message_dict
    case = services.case_defer(
        case=case,
        by=bob,
        reason="替代来源不足",
        deferral_lift="落实4万吨标准煤替代来源",
        today=date(2026, 9, 29),
    )
    assert (case.state, case.clock_phase, case.paused_since) == (CaseState.DEFERRED, "", None)
    assert case.drafts.get().kind == "deferral"
    event = case.events.get(action="defer")
    assert "行政复议" in event.data["remedies"]
    assert Notice.objects.filter(user=alice, case=case, message__contains="解除缓批").exists()
    new = resubmit(case, by=alice)
    case = services.case_resubmit(case=case, submission=new, by=alice, today=date(2026, 10, 10))
    assert case.state == CaseState.UNDER_REVIEW
    # a new 20-working-day clock from the make-up Saturday 10 Oct
    assert (case.clock_started_on, case.paused_working_days) == (date(2026, 10, 10), 0)
    assert case.deadline == date(2026, 11, 6)


def test_lifting_a_deferral_reopens_review_with_a_new_clock(make_case, bob, alice, carol):
    case = decidable(
        make_case(recommendation="defer", codes=["TIER_PROVINCIAL", "SUBSTITUTION_SHORTFALL"]),
        by=bob,
    )
    case = services.case_defer(case=case, by=bob, reason="替代不足", deferral_lift="区域达标")
    with pytest.raises(PermissionDenied):
        services.case_lift_deferral(case=case, by=alice, reason="x")
    with pytest.raises(ValidationError):
        services.case_lift_deferral(case=case, by=bob, reason=" ")
    case = services.case_lift_deferral(
        case=case, by=bob, reason="本地区能耗强度降低目标已完成", today=date(2026, 9, 30)
    )
    assert (case.state, case.clock_started_on) == (CaseState.UNDER_REVIEW, date(2026, 9, 30))
    assert case.deadline == date(2026, 11, 3)  # across National Day, 10 Oct counted
    assert Notice.objects.filter(user=alice, case=case, message__contains="缓批已解除").exists()


def test_resubmission_must_be_a_newer_submission_of_the_same_project(make_case, bob, alice):
    case = services.case_return_for_correction(case=make_case(), by=bob, items=["补正"])
    other = make_case()
    with pytest.raises(ValidationError):
        services.case_resubmit(case=case, submission=other.submission, by=alice)
    with pytest.raises(ValidationError):
        services.case_resubmit(case=case, submission=case.submission, by=alice)
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED


# --------------------------------------------------------------------------------------------
# Concurrency (optimistic version; the row lock is exercised on PostgreSQL in tests/integration)
# --------------------------------------------------------------------------------------------
def test_a_stale_version_is_a_conflict_and_changes_nothing(make_case, bob, bob2):
    case = decidable(make_case(), by=bob)
    seen = case.version
    services.case_approve(case=case, by=bob, reason="同意", expected_version=seen)
    before = _snapshot(case)
    with pytest.raises(CaseConflict):
        services.case_reject(
            case=case,
            by=bob2,
            reason="不同意",
            cited_findings=["TIER_PROVINCIAL"],
            justification="x",
            expected_version=seen,
        )
    # without a version the second decision still fails: the state has moved on
    with pytest.raises(TransitionNotAllowed):
        services.case_approve(case=case, by=bob2, reason="同意")
    assert _snapshot(case) == before


# --------------------------------------------------------------------------------------------
# After approval: change, construction start, expiry
# --------------------------------------------------------------------------------------------
def _approved(make_case, bob, **kw) -> ReviewCase:
    case = decidable(make_case(**kw), by=bob)
    return services.case_approve(case=case, by=bob, reason="同意")


def test_change_with_ten_percent_more_energy_is_reviewed_again(make_case, bob, alice):
    case = _approved(make_case, bob, counted_tce=20000)
    small = resubmit(case, by=alice, counted_tce=21000)
    with pytest.raises(ValidationError) as info:
        services.case_resubmit(case=case, submission=small, by=alice)
    assert "submission" in info.value.message_dict
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    big = resubmit(case, by=alice, counted_tce=22000)
    case = services.case_resubmit(case=case, submission=big, by=alice)
    assert case.state == CaseState.CHANGE_REQUESTED
    assert (case.clock_phase, case.limit_working_days) == ("decision", 20)
    assert case.decision_reason == ""
    assert "10%" in case.events.order_by("-pk").first().reason
    case = services.case_claim(case=case, by=bob)
    assert case.state == CaseState.UNDER_REVIEW


def test_change_triggers_stated_by_the_applicant_or_found_in_the_facts(make_case, bob, alice):
    case = _approved(make_case, bob, counted_tce=20000)
    same = resubmit(case, by=alice, counted_tce=20500)
    with pytest.raises(ValidationError) as info:
        services.case_request_change(case=case, submission=same, by=alice, triggers=["bogus"])
    assert "change_triggers" in info.value.message_dict
    case = services.case_request_change(
        case=case, submission=same, by=alice, triggers=["content"], reason="增加一条生产线"
    )
    assert case.state == CaseState.CHANGE_REQUESTED
    assert case.change_triggers == ["content"]
    event = case.events.order_by("-pk").first()
    assert event.data["why"] == ["申请人申明：建设内容或建设规模变更"]
    # 同意变更: approved on the new submission without a full review
    case = services.case_consent_change(case=case, by=bob, reason="规模变化不影响能效水平")
    assert (case.state, case.submission) == (CaseState.APPROVED, same)


def test_construction_start_is_recorded_by_the_applicant(make_case, bob, alice, carol):
    case = _approved(make_case, bob)
    with pytest.raises(PermissionDenied):
        services.case_record_construction_start(
            case=case, by=carol, started_on=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        services.case_record_construction_start(
            case=case, by=alice, started_on=timezone.localdate() + timedelta(days=1)
        )
    case = services.case_record_construction_start(
        case=case, by=alice, started_on=timezone.localdate()
    )
    assert case.started_construction_on == timezone.localdate()


def _decided_on(case: ReviewCase, day: date) -> None:
    ReviewCase.objects.filter(pk=case.pk).update(
        decided_at=timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10))
    )


def test_expire_stale_approvals_after_two_years_without_start(make_case, bob, alice):
    stale = _approved(make_case, bob)
    started = _approved(make_case, bob)
    fresh = _approved(make_case, bob)
    for case in (stale, started):
        _decided_on(case, date(2024, 11, 27))
    _decided_on(fresh, date(2024, 11, 28))
    ReviewCase.objects.filter(pk=started.pk).update(started_construction_on=date(2025, 3, 1))
    # valid through the anniversary (27 Nov 2026); expired from the day after
    assert services.case_expire_stale(today=date(2026, 11, 27)) == 0
    assert services.case_expire_stale(today=date(2026, 11, 28)) == 1
    assert services.case_expire_stale(today=date(2026, 11, 28)) == 0  # idempotent
    states = dict(ReviewCase.objects.values_list("pk", "state"))
    assert states[stale.pk] == CaseState.EXPIRED
    assert states[started.pk] == CaseState.APPROVED
    assert states[fresh.pk] == CaseState.APPROVED
    event = stale.events.order_by("-pk").first()
    assert (event.action, event.actor) == ("expire", None)
    assert Notice.objects.filter(user=alice, case=stale, message__contains="失效").exists()
    stale.refresh_from_db()
    assert stale.lapsed_on == date(2026, 11, 28)


def test_approval_lapse_day_for_29_february():
    assert services.approval_lapses_on(date(2024, 2, 29)) == date(2026, 3, 1)
    assert services.approval_lapses_on(date(2026, 10, 9)) == date(2028, 10, 10)


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

    case = _approved(make_case, bob)
    _decided_on(case, date(2020, 1, 6))
    assert tasks.expire_approvals_task() == 1
    case.refresh_from_db()
    assert case.state == CaseState.EXPIRED
    make_case(opened_on=date(2026, 1, 5))  # long overdue
    assert tasks.send_deadline_reminders_task() == 1
