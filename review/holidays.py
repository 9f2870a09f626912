"""The admin-maintained calendar (``CalendarYear``) feeding ``review.clock``, and what happens
when a year is entered or corrected: the deadlines that were estimates are computed again."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import clock, workflow
from .models import CalendarYear, ReviewCase


def _dates(values: Any) -> frozenset[date]:
    out = set()
    for value in values or []:
        out.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
    return frozenset(out)


def official_years() -> dict[int, tuple[frozenset[date], frozenset[date]]]:
    """Every year admins entered: year -> (holidays, make-up working days)."""
    return {
        row.year: (_dates(row.holidays), _dates(row.workdays)) for row in CalendarYear.objects.all()
    }


def calendar_changed(**_: Any) -> None:
    """An admin saved or deleted a year: forget the cached calendar; recompute after commit."""
    clock.official_years_reset()
    transaction.on_commit(lambda: deadlines_recompute())


def deadlines_recompute(*, today: date | None = None) -> int:
    """Recompute the deadlines of running and paused cases that were estimates (or fall in a
    year that changed), each in its own transaction, recording the change. Returns how many."""
    from .services.core import case_lock, record

    clock.official_years_reset()
    states = [*workflow.RUNNING, *workflow.PAUSED]
    ids = list(
        ReviewCase.objects.filter(
            state__in=states, deadline__isnull=False, clock_started_on__isnull=False
        ).values_list("pk", flat=True)
    )
    changed = 0
    for pk in ids:
        with transaction.atomic():
            case = case_lock(pk=pk)
            if case.state not in states or case.clock_started_on is None:
                continue
            deadline = clock.deadline_for(
                started_on=case.clock_started_on,
                limit=case.limit_working_days,
                paused=case.paused_working_days,
            )
            estimated = not clock.span_known(case.clock_started_on, deadline)
            if (deadline, estimated) == (case.deadline, case.deadline_estimated):
                continue
            previous = case.deadline
            case.deadline = deadline
            case.deadline_estimated = estimated
            case.save(update_fields=["deadline", "deadline_estimated", "updated_at"])
            record(
                case=case,
                actor=None,
                action=workflow.Action.RECOMPUTE_DEADLINE,
                from_state=case.state,
                to_state=case.state,
                reason="节假日安排已更新，按官方安排重新计算办理期限。",
                data={
                    "previous_deadline": previous.isoformat() if previous else "",
                    "deadline": deadline.isoformat(),
                    "deadline_estimated": estimated,
                    "on": (today or timezone.localdate()).isoformat(),
                },
            )
            changed += 1
    return changed
