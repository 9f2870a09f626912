"""Rows of the projects API list (``GET /api/v1/projects/``), built by plain functions.

``projects.serializers.ProjectListOutput`` describes the row (the OpenAPI schema and the
single-project answers use it). Through it a page of twenty rows built a ``CaseOutput`` serializer
per row and parsed each project's whole draft assessment (~10 kB of JSON) for two numbers: more
than the page's queries cost (issue 14). :func:`project_rows` gives the same dictionaries from
the plain values of :func:`list_queryset` and one more query for the page's cases with their
issued opinions (no model instance, no prefetch machinery); ``tests/scale/test_rows.py`` holds
the two to the same output.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db.models import FilteredRelation, Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.urls import reverse
from rest_framework.fields import DateTimeField

from review.models import CaseState, Opinion, ReviewCase

from . import permissions
from .models import Project, ProjectStatus

_DATETIME = DateTimeField()  # DRF's own formatting (local zone, ISO 8601), one instance

# What a row shows of the project (``draft_*``: two figures the database takes out of the draft
# assessment document, which is not read).
PROJECT_FIELDS = (
    "id",
    "name",
    "project_code",
    "status",
    "region",
    "industry",
    "construction_type",
    "draft_counted_tce",
    "draft_route",
    "updated_at",
)
# What a row shows of a case (``created_at`` picks the latest) and of its issued opinions.
CASE_FIELDS = (
    "project_id",
    "created_at",
    "id",
    "state",
    "deadline",
    "route",
    "correction_items",
    "deferral_lift",
    "decision_reason",
    "conditions",
    "submitted_at",
    "decided_at",
)
OPINION_FIELDS = ("ready__id", "ready__kind", "ready__number", "ready__issued_on", "ready__version")


def scoped(user: Any) -> QuerySet[Project]:
    """The projects ``user`` may read, newest change first: ``selectors.project_list_for_user``
    without its joins, prefetches and annotations, which :func:`list_queryset` drops."""
    return Project.objects.filter(permissions.project_scope(user)).order_by("-updated_at", "-id")


def list_queryset(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``projects`` as plain dictionaries of :data:`PROJECT_FIELDS` (filters and order kept;
    joins, prefetches and the selector's other annotations dropped)."""
    return (
        projects.select_related(None)
        .prefetch_related(None)
        .annotate(
            draft_counted_tce=KeyTransform(
                "counted_tce", KeyTransform("energy", "draft_assessment")
            ),
            draft_route=KeyTransform("route", "draft_assessment"),
        )
        .values(*PROJECT_FIELDS)
    )


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: datetime | None) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def pk_url(name: str, kwarg: str | None = None) -> Callable[[int], str]:
    """``reverse(name, …)`` of a primary key as a function: one reverse a page, not one a row."""
    marker = 987654321987
    url = reverse(name, kwargs={kwarg: marker}) if kwarg else reverse(name, args=[marker])
    head, sep, tail = url.partition(str(marker))
    if not sep or str(marker) in tail:  # never with these URL patterns; stay correct anyway
        return lambda pk: reverse(name, kwargs={kwarg: pk}) if kwarg else reverse(name, args=[pk])
    return lambda pk: f"{head}{pk}{tail}"


# Built once (a queryset is lazy): each page adds its project ids and compiles it.
_CASES_WITH_OPINIONS = (
    ReviewCase.objects.annotate(
        ready=FilteredRelation("opinions", condition=Q(opinions__state=Opinion.State.READY))
    )
    .order_by("-created_at", "-id", "-ready__issued_on", "-ready__version")
    .values_list(*CASE_FIELDS, *OPINION_FIELDS)
)


def latest_cases(project_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per project id, ``CaseOutput``'s dictionary of its latest case (issued opinions newest
    first): one query, the cases joined with their ready opinions."""
    if not project_ids:
        return {}
    rows = _CASES_WITH_OPINIONS.filter(project_id__in=project_ids)
    states = {value: str(label) for value, label in CaseState.choices}
    download = pk_url("review:opinion_download", "pk")
    found: dict[int, dict[str, Any]] = {}
    latest_id: dict[int, int] = {}
    for row in rows:
        project_id, _created, case_id = row[0], row[1], row[2]
        if latest_id.setdefault(project_id, case_id) != case_id:
            continue  # an older case of the project (the newest comes first)
        case = found.get(project_id)
        if case is None:
            (_p, _c, _i, state, deadline, route, items, lift, reason, conditions) = row[:10]
            case = found[project_id] = {
                "id": case_id,
                "state": state,
                "state_label": states.get(state, state),
                "deadline": _date(deadline),
                "route": _str(route),
                "correction_items": [str(item) for item in items],
                "deferral_lift": _str(lift),
                "decision_reason": _str(reason),
                "conditions": _str(conditions),
                "submitted_at": _datetime(row[10]),
                "decided_at": _datetime(row[11]),
                "opinions": [],
            }
        opinion_id, kind, number, issued_on, version = row[12:]
        if opinion_id is not None:
            case["opinions"].append(
                {
                    "id": opinion_id,
                    "kind": _str(kind),
                    "number": _str(number),
                    "issued_on": _date(issued_on),
                    "version": version,
                    "download_url": download(opinion_id),
                }
            )
    return found


def project_rows(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``ProjectListOutput(projects, many=True).data`` for the dictionaries of
    :func:`list_queryset` (one query: the projects' cases and opinions)."""
    statuses = {value: str(label) for value, label in ProjectStatus.choices}
    cases = latest_cases([project["id"] for project in projects])
    detail = pk_url("api-project-detail")
    return [
        {
            "id": project["id"],
            "name": project["name"],
            "project_code": project["project_code"],
            "status": project["status"],
            "status_label": statuses.get(project["status"], project["status"]),
            "region": project["region"],
            "industry": project["industry"],
            "construction_type": project["construction_type"],
            "counted_tce": project["draft_counted_tce"],
            "route": project["draft_route"],
            "case": cases.get(project["id"]),
            "updated_at": _datetime(project["updated_at"]),
            "url": detail(project["id"]),
        }
        for project in projects
    ]
