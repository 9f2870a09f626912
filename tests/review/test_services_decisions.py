"""The moves (review/services.py) that decide: approve, reject and defer with their reasons,
justifications and cited findings, lifting a deferral, resubmission, and the stale-version
conflict."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from review import services
from review.models import CaseState, Notice
from review.services import CaseConflict
from review.workflow import TransitionNotAllowed

from ._helpers import MON_28_SEP, snapshot
from .conftest import decidable, evaluated, resubmit

pytestmark = pytest.mark.django_db


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
    before = snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="")
    assert "reason" in info.value.message_dict
    assert snapshot(case) == before


def test_a_decision_against_the_recommendation_needs_a_justification(make_case, bob):
    case = decidable(
        make_case(recommendation="reject", codes=["TIER_PROVINCIAL", "EFFICIENCY_BELOW_BASELINE"]),
        by=bob,
    )
    before = snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="同意")
    assert "justification" in info.value.message_dict
    assert snapshot(case) == before
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
    before = snapshot(case)
    for cited in ([], ["SUBSTITUTION_SHORTFALL"]):
        with pytest.raises(ValidationError) as info:
            services.case_reject(case=case, by=bob, reason="能效低于基准", cited_findings=cited)
        assert "cited_findings" in info.value.message_dict
    assert snapshot(case) == before
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
    before = snapshot(case)
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
    assert snapshot(case) == before
