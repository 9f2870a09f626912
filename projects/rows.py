"""Rows of the projects API list (``GET /api/v1/projects/``), built by plain functions.

``projects.serializers.ProjectListOutput`` describes the row (the OpenAPI schema and the
single-project answers use it). Through it a page of twenty rows built a ``CaseOutput`` serializer
per row and parsed each project's whole draft assessment (~10 kB of JSON) for two numbers: more
than the page's queries cost (issue 14). :func:`project_rows` gives the same dictionaries from
projects read by :func:`list_queryset`; ``tests/scale/test_rows.py`` holds the two to the same
output.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.urls import reverse
from rest_framework.fields import DateTimeField

from review.models import CaseState

from . import permissions
from .models import Project, ProjectStatus

_DATETIME = DateTimeField()  # DRF's own formatting (local zone, ISO 8601), one instance


def list_queryset(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``projects`` without the draft assessment document, with the two figures a row shows
    taken out of it by the database."""
    return projects.defer("draft_assessment").annotate(
        draft_counted_tce=KeyTransform("counted_tce", KeyTransform("energy", "draft_assessment")),
        draft_route=KeyTransform("route", "draft_assessment"),
    )


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: datetime | None) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opinion(opinion: Any) -> dict[str, Any]:
    return {
        "id": opinion.pk,
        "kind": _str(opinion.kind),
        "number": _str(opinion.number),
        "issued_on": _date(opinion.issued_on),
        "version": opinion.version,
        "download_url": reverse("review:opinion_download", kwargs={"pk": opinion.pk}),
    }


def case_row(case: Any, states: dict[str, str]) -> dict[str, Any]:
    """``CaseOutput(case).data`` (the opinions prefetched by the list's selector)."""
    return {
        "id": case.pk,
        "state": case.state,
        "state_label": states.get(case.state, case.state),
        "deadline": _date(case.deadline),
        "route": _str(case.route),
        "correction_items": [str(item) for item in case.correction_items],
        "deferral_lift": _str(case.deferral_lift),
        "decision_reason": _str(case.decision_reason),
        "conditions": _str(case.conditions),
        "submitted_at": _datetime(case.submitted_at),
        "decided_at": _datetime(case.decided_at),
        "opinions": [_opinion(opinion) for opinion in case.opinions.all()],
    }


def project_rows(projects: list[Project]) -> list[dict[str, Any]]:
    """``ProjectListOutput(projects, many=True).data`` for projects of :func:`list_queryset`
    over ``selectors.project_list_for_user`` (no query beyond its prefetches)."""
    statuses = {value: str(label) for value, label in ProjectStatus.choices}
    states = {value: str(label) for value, label in CaseState.choices}
    rows = []
    for project in projects:
        case = permissions.latest_case(project)
        rows.append(
            {
                "id": project.pk,
                "name": project.name,
                "project_code": project.project_code,
                "status": project.status,
                "status_label": statuses.get(project.status, project.status),
                "region": project.region,
                "industry": project.industry,
                "construction_type": project.construction_type,
                "counted_tce": project.draft_counted_tce,
                "route": project.draft_route,
                "case": case_row(case, states) if case is not None else None,
                "updated_at": _datetime(project.updated_at),
                "url": reverse("api-project-detail", args=[project.pk]),
            }
        )
    return rows
