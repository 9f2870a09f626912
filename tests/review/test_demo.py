"""The demo seed: every state a reviewer meets, idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from review import demo, selectors
from review.models import CaseEvent, CaseState, ReviewCase

pytestmark = pytest.mark.django_db


def test_seed_creates_cases_in_every_demo_state_and_is_idempotent(personas):
    demo.seed(personas)
    states = sorted(ReviewCase.objects.values_list("state", flat=True))
    assert states == sorted(
        [
            CaseState.SUBMITTED,
            CaseState.UNDER_REVIEW,
            CaseState.APPROVED,
            CaseState.UNDER_REVIEW,  # the overdue one
            CaseState.AWAITING_GUIDANCE,
            CaseState.RETURNED,
            CaseState.DEFERRED,
            CaseState.UNDER_EVALUATION,
        ]
    )
    today = timezone.localdate()
    overdue = [c for c in ReviewCase.objects.all() if selectors.case_clock(c, today=today).overdue]
    assert len(overdue) == 1
    assert overdue[0].flagged
    window = ReviewCase.objects.get(state=CaseState.AWAITING_GUIDANCE)
    assert window.route == "national_window_guidance"
    assert window.project.organization == personas["carol"].profile.organization
    approved = ReviewCase.objects.get(state=CaseState.APPROVED)
    assert approved.conditions
    assert approved.drafts.count() == 1  # signed off by the head before issue (issue 11)
    assert approved.evaluations.get().state == "received"
    paused = ReviewCase.objects.get(state=CaseState.UNDER_EVALUATION)
    assert selectors.case_clock(paused, today=today).paused
    # the delegated tier in Suzhou is grace's, the provincial tier bob's (authorities by tier)
    codes = {c.project.project_code: c.authority.code for c in ReviewCase.objects.all()}
    assert codes["2611-320505-04-01-900001"] == "3205"
    assert codes["2611-320505-04-01-900003"] == "32"
    assert ReviewCase.objects.filter(extensions__state="pending").count() == 1
    events = CaseEvent.objects.count()
    demo.seed(personas)
    assert ReviewCase.objects.count() == 8
    assert CaseEvent.objects.count() == events
