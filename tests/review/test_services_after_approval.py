"""The moves (review/services.py) after approval: a change reviewed again or consented, the
construction start, and approvals lapsing after two years without a start."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from review import services
from review.models import CaseState, Notice, ReviewCase

from ._helpers import approved, decided_on
from .conftest import resubmit

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# After approval: change, construction start, expiry
# --------------------------------------------------------------------------------------------
def test_change_with_ten_percent_more_energy_is_reviewed_again(make_case, bob, alice):
    case = approved(make_case, bob, counted_tce=20000)
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
    case = approved(make_case, bob, counted_tce=20000)
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
    case = approved(make_case, bob)
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


def test_expire_stale_approvals_after_two_years_without_start(make_case, bob, alice):
    stale = approved(make_case, bob)
    started = approved(make_case, bob)
    fresh = approved(make_case, bob)
    for case in (stale, started):
        decided_on(case, date(2024, 11, 27))
    decided_on(fresh, date(2024, 11, 28))
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
