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
    assert approved.opinions.count() == 1
    events = CaseEvent.objects.count()
    demo.seed(personas)
    assert ReviewCase.objects.count() == 7
    assert CaseEvent.objects.count() == events
