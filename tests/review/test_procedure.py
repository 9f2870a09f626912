"""The statutory procedure (issue 10): deemed acceptance, window guidance without a pause and
on the facts it was given on, extensions approved by the head. Dates cross the 2026 National
Day holiday (1–7 Oct off; Sunday 27 Sep and Saturday 10 Oct are make-up working days)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from review import services, tasks
from review.models import CaseState, ExtensionRequest, Notice, ReviewCase
from review.services import CaseConflict
from review.workflow import WorkflowError

from .conftest import decidable, evaluated, pdf_upload, resubmit, under_review

pytestmark = pytest.mark.django_db

MON_28_SEP = date(2026, 9, 28)


# --------------------------------------------------------------------------------------------
# Deemed acceptance (《行政许可法》第三十二条)
# --------------------------------------------------------------------------------------------
def test_silence_past_five_working_days_is_an_acceptance_from_the_day_of_receipt(
    make_case, alice, bob, django_capture_on_commit_callbacks
):
    case = make_case(opened_on=MON_28_SEP)
    assert case.deadline == date(2026, 10, 10)  # the make-up Saturday is the 5th working day
    # on the last day nothing happens; the day after, the case counts as accepted
    assert services.intake_deem_accepted(today=date(2026, 10, 10)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.intake_deem_accepted(today=date(2026, 10, 12)) == 1
    assert services.intake_deem_accepted(today=date(2026, 10, 12)) == 0  # idempotent
    case.refresh_from_db()
    assert (case.state, case.deemed_accepted) == (CaseState.ACCEPTED, True)
    # the decision clock runs from the receipt (28 Sep), not from the day it was noticed
    assert case.clock_started_on == MON_28_SEP
    assert case.deadline == date(2026, 10, 30)
    event = case.events.get(action="deem_accept")
    assert event.actor is None
    assert event.reason.startswith("逾期未告知，视为受理")
    assert event.data["received_on"] == "2026-09-28"
    assert Notice.objects.filter(user=alice, case=case, message__contains="视为受理").exists()
    assert any("视为受理" in m.body for m in mail.outbox if "alice@example.cn" in m.to)


def test_deemed_acceptance_is_shown_on_the_case_page_and_the_timeline(make_case, bob_client):
    case = make_case(opened_on=MON_28_SEP)
    tasks_count = services.intake_deem_accepted(today=date(2026, 10, 13))
    assert tasks_count == 1
    html = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'data-testid="deemed-accepted"' in html
    assert html.count("逾期未告知，视为受理") >= 2  # the badge and the timeline entry


def test_a_case_answered_in_time_is_not_deemed_accepted(make_case, bob):
    returned = make_case(opened_on=MON_28_SEP)
    services.case_return_for_correction(case=returned, by=bob, items=["x"], today=MON_28_SEP)
    accepted = services.case_accept(case=make_case(opened_on=MON_28_SEP), by=bob, today=MON_28_SEP)
    assert services.intake_deem_accepted(today=date(2026, 11, 2)) == 0
    assert ReviewCase.objects.get(pk=returned.pk).state == CaseState.RETURNED
    assert ReviewCase.objects.get(pk=accepted.pk).deemed_accepted is False


def test_the_beat_task_runs_the_deemed_acceptance(make_case):
    make_case(opened_on=date(2026, 1, 5))
    assert tasks.deem_accepted_task() == 1
    assert tasks.deem_accepted_task() == 0


# --------------------------------------------------------------------------------------------
# Window guidance: no pause, own expected date, only on the facts it was given on
# --------------------------------------------------------------------------------------------
def test_erins_queue_shows_waiting_days_and_the_provinces_preliminary_opinion(
    make_case, bob, erin, erin_client
):
    case = make_case(route="national_window_guidance", opened_on=MON_28_SEP)
    case = services.case_accept(case=case, by=bob, today=MON_28_SEP)
    case = services.case_claim(case=case, by=bob, today=MON_28_SEP)
    assert case.state == CaseState.AWAITING_GUIDANCE  # sent automatically
    case = services.case_answer_guidance(case=case, by=erin, outcome="supported", notes="支持")
    case = services.case_request_guidance(
        case=case, by=bob, reason="省级初步意见：能效达到标杆水平，建议支持。", today=MON_28_SEP
    )
    response = erin_client.get(reverse("review:queue"))
    html = response.content.decode()
    row = next(c for c in response.context["cases"] if c.pk == case.pk)
    assert row.guidance_waiting is not None
    assert 'data-testid="guidance-waiting"' in html
    assert "省级初步意见：能效达到标杆水平" in html
    assert "2026-10-16" in html  # expected answer: 10 working days after 28 Sep


def test_guidance_on_old_facts_no_longer_counts_after_deferral_and_tripled_energy(
    make_case, alice, bob, erin
):
    """Issue 15 item 6: deferred after a supportive guidance, the applicant triples energy and
    resubmits; the old "supported" outcome must not let the approval through."""
    case = make_case(route="national_window_guidance", counted_tce=60000)
    case = under_review(case, by=bob)
    case = services.case_answer_guidance(case=case, by=erin, outcome="supported", notes="支持")
    case = evaluated(case, by=bob)
    case = services.case_defer(
        case=case,
        by=bob,
        reason="替代来源待落实",
        deferral_lift="落实替代来源",
        justification="窗口指导支持，但替代来源尚未落实",
    )
    tripled = resubmit(case, by=alice, route="national_window_guidance", counted_tce=180000)
    case = services.case_resubmit(case=case, submission=tripled, by=alice)
    # the new facts need guidance again: the case went straight back to the NDRC
    assert case.state == CaseState.AWAITING_GUIDANCE
    assert case.guidance_outcome == ""
    assert case.events.get(action="resubmit").data["guidance_voided"] == "supported"
    with pytest.raises(ValidationError) as errors:  # guidance pending: not without a reason
        services.case_approve(case=case, by=bob, reason="同意")
    assert "without_guidance_justification" in errors.value.message_dict
    # answered on the new facts, evaluated again on the new submission: now it may be decided
    case = services.case_answer_guidance(case=case, by=erin, outcome="not_supported", notes="否")
    with pytest.raises(ValidationError) as errors:
        services.case_approve(case=case, by=bob, reason="同意", justification="x")
    assert any("第十三条" in m for m in errors.value.message_dict["__all__"])  # old report
    case = evaluated(case, by=bob)
    with pytest.raises(ValidationError) as errors:
        services.case_approve(case=case, by=bob, reason="同意", justification="x")
    assert any("不支持" in m for m in errors.value.message_dict["__all__"])


# --------------------------------------------------------------------------------------------
# Extension (《行政许可法》第四十二条): asked by the reviewer, approved by the head
# --------------------------------------------------------------------------------------------
def test_an_extension_is_in_force_only_after_the_head_approves_it(
    make_case, alice, bob, helen, django_capture_on_commit_callbacks
):
    case = under_review(make_case(opened_on=MON_28_SEP), by=bob, today=MON_28_SEP)
    assert case.deadline == date(2026, 10, 30)
    with pytest.raises(ValidationError):
        services.case_request_extension(case=case, by=bob, reason=" ")
    request = services.case_request_extension(
        case=case, by=bob, reason="需组织专家现场核查", today=date(2026, 10, 20)
    )
    case.refresh_from_db()
    assert (case.extended, case.deadline) == (False, date(2026, 10, 30))  # not yet in force
    assert Notice.objects.filter(user=helen, case=case, message__contains="待您审批").exists()
    with pytest.raises(WorkflowError):
        services.case_request_extension(case=case, by=bob, reason="再次申请")
    with pytest.raises(PermissionDenied):  # the reviewer does not approve his own request
        services.case_approve_extension(case=case, by=bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve_extension(case=case, by=helen, today=date(2026, 10, 21))
    case.refresh_from_db()
    request.refresh_from_db()
    assert (case.extended, case.limit_working_days) == (True, 30)
    assert case.deadline == date(2026, 11, 13)
    assert (request.state, request.decided_by, request.new_deadline) == (
        "approved",
        helen,
        date(2026, 11, 13),
    )
    notice = Notice.objects.get(user=alice, case=case, message__contains="延长")
    assert "2026-11-13" in notice.message
    assert "需组织专家现场核查" in notice.message
    assert any("2026-11-13" in m.body for m in mail.outbox if "alice@example.cn" in m.to)
    # once only
    with pytest.raises(WorkflowError, match="一次"):
        services.case_request_extension(case=case, by=bob, reason="再延长")


def test_an_extension_across_an_evaluation_pause(make_case, bob, helen, evaluation_body):
    case = under_review(make_case(opened_on=MON_28_SEP), by=bob, today=MON_28_SEP)
    services.case_commission_evaluation(
        case=case, by=bob, body=evaluation_body, due_on=date(2026, 10, 9), today=date(2026, 9, 29)
    )
    services.case_request_extension(case=case, by=bob, reason="评审时间较长")
    services.case_approve_extension(case=case, by=helen)
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_EVALUATION  # the extension does not end the pause
    services.case_record_evaluation(
        case=case,
        by=bob,
        received_on=date(2026, 10, 9),
        conclusion="同意",
        expert_opinions="同意",
        report=pdf_upload(),
        today=date(2026, 10, 9),
    )
    case.refresh_from_db()
    # paused 30 Sep, 8, 9 Oct (3 working days); 20 + 10 + 3 working days from 28 Sep
    assert case.paused_working_days == 3
    assert case.deadline == date(2026, 11, 18)


def test_the_head_refuses_with_a_reason_and_the_deadline_stays(make_case, bob, helen):
    case = under_review(make_case(opened_on=MON_28_SEP), by=bob, today=MON_28_SEP)
    services.case_request_extension(case=case, by=bob, reason="材料较多")
    with pytest.raises(ValidationError) as info:
        services.case_refuse_extension(case=case, by=helen, note="")
    assert "note" in info.value.message_dict
    services.case_refuse_extension(case=case, by=helen, note="现有期限足够")
    case.refresh_from_db()
    assert (case.extended, case.deadline) == (False, date(2026, 10, 30))
    assert ExtensionRequest.objects.get(case=case).state == "refused"
    assert Notice.objects.filter(user=bob, case=case, message__contains="未获批准").exists()


def test_a_second_approval_of_the_same_request_is_a_conflict(make_case, bob, helen, dana):
    case = under_review(make_case(), by=bob)
    services.case_request_extension(case=case, by=bob, reason="评审")
    services.case_approve_extension(case=case, by=helen)
    with pytest.raises((CaseConflict, WorkflowError)):
        services.case_approve_extension(case=case, by=dana)
    case.refresh_from_db()
    assert case.limit_working_days == 30


def test_the_head_of_another_authority_cannot_approve(make_case, bob, suzhou_head, helen):
    case = under_review(make_case(), by=bob)
    services.case_request_extension(case=case, by=bob, reason="评审")
    with pytest.raises(PermissionDenied):
        services.case_approve_extension(case=case, by=suzhou_head)
    assert ExtensionRequest.objects.get(case=case).state == "pending"


def test_helen_approves_through_the_page(make_case, bob, helen, client):
    case = under_review(make_case(), by=bob)
    services.case_request_extension(case=case, by=bob, reason="评审")
    client.force_login(helen)
    page = client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'data-action="approve_extension"' in page
    assert 'data-testid="extension-pending"' in page
    case.refresh_from_db()
    response = client.post(
        reverse("review:case_action", args=[case.pk, "approve_extension"]),
        {"version": case.version, "note": "同意延长"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.extended
    client.force_login(bob)
    page = client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'data-action="request_extension"' not in page  # once only
    assert 'data-action="approve_extension"' not in page


def test_deferral_then_decision_needs_no_new_evaluation_when_lifted(make_case, bob):
    case = decidable(
        make_case(recommendation="defer", codes=["TIER_PROVINCIAL", "SUBSTITUTION_SHORTFALL"]),
        by=bob,
    )
    case = services.case_defer(case=case, by=bob, reason="替代不足", deferral_lift="区域达标")
    case = services.case_lift_deferral(case=case, by=bob, reason="区域能耗强度目标已完成")
    case = services.case_approve(
        case=case,
        by=bob,
        reason="同意",
        justification="缓批已解除",
        conditions=["投产前完成能耗等量替代"],
    )
    assert case.state == CaseState.APPROVED
