"""Shared by the tests of the moves (review/services.py): the Monday before National Day 2026,
snapshot() of what a refused move must leave unchanged, approved() and decided_on() for the
tests after approval."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from review import services
from review.models import CaseEvent, Opinion, ReviewCase

from .conftest import decidable

MON_28_SEP = date(2026, 9, 28)


def snapshot(case: ReviewCase) -> tuple:
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


def approved(make_case, bob, **kw) -> ReviewCase:
    case = decidable(make_case(**kw), by=bob)
    return services.case_approve(case=case, by=bob, reason="同意")


def decided_on(case: ReviewCase, day: date) -> None:
    ReviewCase.objects.filter(pk=case.pk).update(
        decided_at=timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10))
    )
