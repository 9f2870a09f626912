"""The moves (review/services.py) before a decision: national window guidance (方案（七）) and the
expert evaluation, commissioned with the clock paused and received with its report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from review import services
from review.models import CaseState, ExpertEvaluation, Notice
from review.workflow import TransitionNotAllowed, WorkflowError

from ._helpers import MON_28_SEP, snapshot
from .conftest import evaluated, pdf_upload, under_review

pytestmark = pytest.mark.django_db


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
    before = snapshot(case)
    with pytest.raises(WorkflowError, match="窗口指导"):
        services.case_request_guidance(case=case, by=bob)
    assert snapshot(case) == before


def test_guidance_against_the_project_blocks_approval(make_case, bob, erin):
    case = services.case_accept(
        case=make_case(route="national_window_guidance"), by=bob, assign_to=bob
    )
    case = services.case_answer_guidance(case=case, by=erin, outcome="not_supported", notes="否")
    case = evaluated(case, by=bob)
    before = snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="同意", justification="地方急需")
    assert "不支持" in " ".join(info.value.message_dict["__all__"])
    assert snapshot(case) == before
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
    before = snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_commission_evaluation(case=case, by=bob, body=None, due_on=None)
    assert set(info.value.message_dict) == {"body", "due_on"}
    assert snapshot(case) == before
    services.case_commission_evaluation(
        case=case, by=bob, body=evaluation_body, due_on=timezone.localdate() + timedelta(days=20)
    )
    before = snapshot(case)
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
    assert snapshot(case) == before
    assert ExpertEvaluation.objects.get().state == "commissioned"


def test_no_decision_before_the_evaluation_report_is_on_file(make_case, bob, evaluation_body):
    case = under_review(make_case(), by=bob)
    before = snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="同意")
    assert "第十三条" in info.value.message_dict["__all__"][0]
    assert snapshot(case) == before
    services.case_commission_evaluation(
        case=case, by=bob, body=evaluation_body, due_on=timezone.localdate() + timedelta(days=9)
    )
    with pytest.raises(TransitionNotAllowed):  # under evaluation: no decision either
        services.case_approve(case=case, by=bob, reason="同意")
