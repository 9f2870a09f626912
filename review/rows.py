"""Rows of the cases API list (``GET /api/v1/cases/``), built by plain functions.

``review.serializers.CaseListSerializer`` describes the row (the OpenAPI schema and the single-case
answers use it); a page of twenty rows through it cost more than the page's queries: a nested
serializer per row for the clock, field objects deep-copied per row, a gettext per label (issue 14).
:func:`case_rows` gives the same dictionaries from the plain values :func:`list_values` reads of
the same cases (the columns a row shows, no model instance: six a row with the joined project,
organization, authority, assignee and profile); ``tests/scale/test_rows.py`` holds the two to the
same output.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from rest_framework.fields import DateTimeField

from rules.selectors import RECOMMENDATION_LABELS, ROUTE_LABELS

from . import selectors
from .clock import ClockView
from .models import CaseState, ReviewCase

_DATETIME = DateTimeField()  # DRF's own formatting (local zone, ISO 8601), one instance


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: datetime | None) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def _float(value: float | None) -> float | None:
    return float(value) if value is not None else None


def clock_row(view: ClockView) -> dict[str, Any]:
    """``ClockSerializer``'s dictionary of a clock."""
    return {
        "phase": view.phase,
        "deadline": _date(view.deadline),
        "days_left": view.days_left,
        "overdue": view.overdue,
        "overdue_days": view.overdue_days,
        "estimated": view.estimated,
    }


# The columns a row shows, by the names ``values()`` gives them.
LIST_VALUES = (
    "id",
    "project_id",
    "project__name",
    "project__project_code",
    "project__organization__name",
    "province",
    "authority_id",
    "authority__code",
    "authority__name",
    "authority__level",
    "authority__doc_prefix",
    "deemed_accepted",
    "state",
    "route",
    "review_level",
    "two_high",
    "recommendation",
    "counted_tce",
    "assignee_id",
    "assignee__username",
    "assignee__profile__display_name",
    "submitted_at",
    "deadline",
    "deadline_estimated",
    "paused_since",
    "guidance_opinion",
    "guidance_outcome",
    "guidance_requested_on",
    "guidance_expected_on",
    "flagged",
    "flag_reason",
    "version",
)


def list_values(cases: QuerySet[ReviewCase]) -> QuerySet[ReviewCase]:
    """``cases`` (``selectors.case_queue``: scope, filters and order kept) as dictionaries of
    :data:`LIST_VALUES`; the joins are those the names need (outer for authority and assignee)."""
    return cases.select_related(None).values(*LIST_VALUES)


def _labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The state, route and recommendation labels in the active language, translated once."""
    return (
        {value: str(label) for value, label in CaseState.choices},
        {key: str(label) for key, label in ROUTE_LABELS.items()},
        {key: str(label) for key, label in RECOMMENDATION_LABELS.items()},
    )


def _waiting_days(case: dict[str, Any], today: date) -> int | None:
    """``selectors.guidance_waiting_days`` of the row's case."""
    return selectors.guidance_waiting(
        state=case["state"],
        route=case["route"],
        guidance_outcome=case["guidance_outcome"],
        requested_on=case["guidance_requested_on"],
        today=today,
    )


def case_rows(cases: list[dict[str, Any]], *, today: date) -> list[dict[str, Any]]:
    """``CaseListSerializer(cases, many=True).data`` for the dictionaries of :func:`list_values`
    (no query)."""
    states, routes, recommendations = _labels()
    rows = []
    for case in cases:
        state, route, recommendation = case["state"], case["route"], case["recommendation"]
        view = selectors.clock_of(
            state=state, deadline=case["deadline"], paused_since=case["paused_since"], today=today
        )
        rows.append(
            {
                "id": case["id"],
                "project": {
                    "id": case["project_id"],
                    "name": case["project__name"],
                    "project_code": case["project__project_code"],
                    "organization": case["project__organization__name"],
                },
                "province": case["province"],
                "authority": (
                    {
                        "code": case["authority__code"],
                        "name": case["authority__name"],
                        "level": case["authority__level"],
                        "doc_prefix": case["authority__doc_prefix"],
                    }
                    if case["authority_id"] is not None
                    else None
                ),
                "deemed_accepted": case["deemed_accepted"],
                "state": state,
                "state_label": states.get(state, state),
                "route": route,
                "route_label": routes.get(route, route),
                "review_level": case["review_level"],
                "two_high": case["two_high"],
                "recommendation": recommendation,
                "recommendation_label": recommendations.get(recommendation, recommendation),
                "counted_tce": _float(case["counted_tce"]),
                "assignee": (
                    {
                        # selectors.actor_name: the profile's name, else the username
                        "username": case["assignee__username"],
                        "name": case["assignee__profile__display_name"]
                        or case["assignee__username"],
                    }
                    if case["assignee_id"] is not None
                    else None
                ),
                "submitted_at": _datetime(case["submitted_at"]),
                "deadline": _date(case["deadline"]),
                "deadline_estimated": case["deadline_estimated"],
                "clock": clock_row(view),
                "guidance_opinion": case["guidance_opinion"],
                "guidance_requested_on": _date(case["guidance_requested_on"]),
                "guidance_expected_on": _date(case["guidance_expected_on"]),
                "guidance_waiting_days": _waiting_days(case, today),
                "flagged": case["flagged"],
                "flag_reason": case["flag_reason"],
                "version": case["version"],
            }
        )
    return rows
