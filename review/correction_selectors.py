"""Reads of the 补正 rounds: for the case page, the applicant's pages and both APIs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from .correction_models import CorrectionItem, CorrectionRound
from .models import CaseState, ReviewCase


def _rounds() -> QuerySet[CorrectionRound]:
    return CorrectionRound.objects.select_related(
        "returned_by", "returned_by__profile"
    ).prefetch_related(
        Prefetch(
            "items",
            queryset=CorrectionItem.objects.select_related(
                "answered_by", "answered_by__profile"
            ).order_by("position"),
        )
    )


def rounds_of_case(case: ReviewCase) -> list[CorrectionRound]:
    """Every round of ``case``, the latest first, with their items (two queries)."""
    return list(_rounds().filter(case=case).order_by("-number"))


def rounds_of_project(project: Any) -> list[CorrectionRound]:
    """Every round of every case of ``project``, the latest first."""
    return list(_rounds().filter(case__project=project).order_by("-case_id", "-number"))


@dataclass(frozen=True)
class CorrectionDue:
    """What the applicant is asked now: the open round, its answer-by date and the note."""

    round: CorrectionRound
    answer_by: date
    note: str
    unanswered: list[CorrectionItem]
    overdue: bool
    days_left: int

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def correction_due(case: ReviewCase | None, *, today: date) -> CorrectionDue | None:
    """The open round of a returned case (None otherwise), for the applicant's banner."""
    if case is None or case.state != CaseState.RETURNED:
        return None
    round_ = _rounds().filter(case=case, closed_at__isnull=True).order_by("-number").first()
    if round_ is None:
        return None
    items = list(round_.items.all())
    days = (round_.answer_by - today).days
    return CorrectionDue(
        round=round_,
        answer_by=round_.answer_by,
        note=round_.note,
        unanswered=[item for item in items if not item.answered],
        overdue=days < 0,
        days_left=days,
    )
