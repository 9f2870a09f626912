"""Rows of the cases API list (``GET /api/v1/cases/``), built by plain functions.

``review.serializers.CaseListSerializer`` describes the row (the OpenAPI schema and the single-case
answers use it); a page of twenty rows through it cost more than the page's queries: a nested
serializer per row for the clock, field objects deep-copied per row, a gettext per label (issue 14).
:func:`case_rows` gives the same dictionaries from the same cases in a fraction of that time;
``tests/scale/test_rows.py`` holds the two to the same output.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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


def _labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The state, route and recommendation labels in the active language, translated once."""
    return (
        {value: str(label) for value, label in CaseState.choices},
        {key: str(label) for key, label in ROUTE_LABELS.items()},
        {key: str(label) for key, label in RECOMMENDATION_LABELS.items()},
    )


def case_rows(cases: list[ReviewCase], *, today: date) -> list[dict[str, Any]]:
    """``CaseListSerializer(cases, many=True).data`` for cases from ``selectors.case_queue``
    (project, organization, assignee with profile and authority joined; no query)."""
    states, routes, recommendations = _labels()
    rows = []
    for case in cases:
        view = getattr(case, "clock", None) or selectors.case_clock(case, today=today)
        waiting = (
            case.guidance_waiting
            if hasattr(case, "guidance_waiting")
            else selectors.guidance_waiting_days(case, today=today)
        )
        project, authority, assignee = case.project, case.authority, case.assignee
        rows.append(
            {
                "id": case.pk,
                "project": {
                    "id": project.pk,
                    "name": project.name,
                    "project_code": project.project_code,
                    "organization": project.organization.name,
                },
                "province": case.province,
                "authority": (
                    {
                        "code": authority.code,
                        "name": authority.name,
                        "level": authority.level,
                        "doc_prefix": authority.doc_prefix,
                    }
                    if authority is not None
                    else None
                ),
                "deemed_accepted": case.deemed_accepted,
                "state": case.state,
                "state_label": states.get(case.state, case.state),
                "route": case.route,
                "route_label": routes.get(case.route, case.route),
                "review_level": case.review_level,
                "two_high": case.two_high,
                "recommendation": case.recommendation,
                "recommendation_label": recommendations.get(
                    case.recommendation, case.recommendation
                ),
                "counted_tce": _float(case.counted_tce),
                "assignee": (
                    {"username": assignee.get_username(), "name": selectors.actor_name(assignee)}
                    if assignee is not None
                    else None
                ),
                "submitted_at": _datetime(case.submitted_at),
                "deadline": _date(case.deadline),
                "deadline_estimated": case.deadline_estimated,
                "clock": clock_row(view),
                "guidance_opinion": case.guidance_opinion,
                "guidance_requested_on": _date(case.guidance_requested_on),
                "guidance_expected_on": _date(case.guidance_expected_on),
                "guidance_waiting_days": waiting,
                "flagged": case.flagged,
                "flag_reason": case.flag_reason,
                "version": case.version,
            }
        )
    return rows
