"""The applicant API under /api/v1/projects/…: one view per operation, thin over the services.

Authentication: a token (`Authorization: Token …`, for systems) or the browser's session.
Reads follow `projects.permissions.can_view_project` (applicants: their organization's
projects; reviewers: projects with a case in their province; admins: all); writes are the
applicant's own (a reviewer or admin gets 403, another organization's project 404).

Errors: 400 `{"errors": {field_path: [message, ...]}}` naming every bad field, with nothing
stored; 404 for what the caller may not see; 409 `{"errors": {"status": [...]}}` when the project
is not in a state that allows the change (submitted, exempt).

This module: list, create, read, change and delete a project; submit it; its status,
assessment and frozen submissions; the organization. Line lists are in ``api_lines``, files
in ``api_files``, shared helpers in ``api_common``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import JSONParser
from review.models import CaseState
from rules import engine
from rules.services import assessment_as_dict
from scale.keyset import CURSOR_PARAM, Keyset, keyset_page, paginated_response_data

from . import permissions, selectors, services
from . import rows as project_rows
from .api_common import (
    CONFLICT_RESPONSE,
    ERROR_RESPONSE,
    EXAMPLE_PROJECT,
    TAG,
    _bad,
    _conflict,
    _detail,
    _invalid,
    _lang,
    _parse,
    _readable,
    _writable,
)
from .models import ConstructionType, Project, ProjectStatus
from .serializers import (
    LiveAssessmentOutput,
    OrganizationInput,
    OrganizationOutput,
    ProjectCreateInput,
    ProjectDetailOutput,
    ProjectInput,
    ProjectListOutput,
    ProjectStatusOutput,
    SubmissionOutput,
    SubmitInput,
    SubmitOutput,
    flatten_errors,
)


# --------------------------------------------------------------------------------------------
# List and create
# --------------------------------------------------------------------------------------------
class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="name or project code contains")
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    case_state = django_filters.ChoiceFilter(
        choices=[("none", "never submitted to review"), *CaseState.choices],
        method="filter_case_state",
        label="state of the latest review case",
    )
    construction_type = django_filters.ChoiceFilter(choices=ConstructionType.choices)
    region = django_filters.CharFilter(
        field_name="region", lookup_expr="startswith", label="region code prefix"
    )
    industry = django_filters.CharFilter(field_name="industry")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Project
        fields = ["q", "status", "case_state", "construction_type", "region", "industry"]

    def filter_q(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(name__icontains=term) | Q(project_code__icontains=term))

    def filter_case_state(
        self, queryset: QuerySet[Project], name: str, value: str
    ) -> QuerySet[Project]:
        if "case_state" not in queryset.query.annotations:  # the list's lean queryset
            queryset = queryset.annotate(case_state=selectors._latest_case_subquery("state"))
        if value == "none":
            return queryset.filter(case_state__isnull=True)
        return queryset.filter(case_state=value)


# Served by the index project_recent_idx (updated_at, id): a page reads 20 rows at any depth.
PROJECT_KEYSET = Keyset("updated_at", descending=True)
LIST_PAGE_SIZE = 20


class ProjectListCreateApi(generics.GenericAPIView):
    """List the projects you may read; create a draft (applicants)."""

    serializer_class = ProjectListOutput
    filterset_class = ProjectFilter
    pagination_class = None  # keyset pages (PROJECT_KEYSET), not the settings' page numbers
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[Project]:
        # selectors.project_list_for_user's scope and order, without what the rows do not read
        # (its joins, prefetches and annotations: building them cost more than a query).
        return project_rows.scoped(self.request.user)

    @extend_schema(
        tags=[TAG],
        summary="List projects (search, filters, pagination)",
        description="Newest change first, 20 a page. Keyset pagination: follow `next` (a URL "
        "with an opaque `cursor`); no total count, so every page costs the same.",
        operation_id="projects_list",
        parameters=[OpenApiParameter(CURSOR_PARAM, str, description="`next` of the last page")],
        responses={200: ProjectListOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        queryset = self.get_queryset()
        if any(name in request.query_params for name in ProjectFilter.base_filters):
            # No filter named: no FilterSet to build (its filters are deep-copied per request)
            # for a queryset it would leave as it is.
            queryset = self.filter_queryset(queryset)
        queryset = project_rows.list_queryset(queryset)
        rows, next_cursor = keyset_page(
            queryset, PROJECT_KEYSET, request.query_params.get(CURSOR_PARAM), LIST_PAGE_SIZE
        )
        # ProjectListOutput's rows by a plain function (projects/rows.py: issue 14).
        data = project_rows.project_rows(rows)
        return Response(paginated_response_data(request, data, next_cursor))

    @extend_schema(
        tags=[TAG],
        summary="Create a draft",
        operation_id="projects_create",
        description="Any subset of the fields but `name`; whatever is stated must be valid. "
        "Lists use the assessment contract's rows.",
        request=ProjectCreateInput,
        responses={201: ProjectDetailOutput, 400: ERROR_RESPONSE, 403: None},
        examples=[
            OpenApiExample("a cement clinker line", value=EXAMPLE_PROJECT, request_only=True)
        ],
    )
    def post(self, request: Request) -> Response:
        if not permissions.is_applicant_member(request.user):
            raise PermissionDenied("只有建设单位可以创建项目。")
        data, errors = _parse(ProjectCreateInput, request.data)
        if errors:
            return _bad(errors)
        try:
            project = services.project_create(
                organization=request.user.profile.organization, by=request.user, data=data
            )
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        return _detail(request, project.pk, status.HTTP_201_CREATED)


# --------------------------------------------------------------------------------------------
# One project
# --------------------------------------------------------------------------------------------
class ProjectDetailApi(APIView):
    """Read, change (draft or correction round) or delete (never-submitted draft) a project."""

    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary="Read a project",
        operation_id="projects_retrieve",
        responses={200: ProjectDetailOutput},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)

    @extend_schema(
        tags=[TAG],
        summary="Change a draft",
        operation_id="projects_update",
        description="Only the keys sent change; a list sent replaces the whole list "
        "(send `id` on substitution sources to keep their evidence).",
        request=ProjectInput,
        responses={200: ProjectDetailOutput, 400: ERROR_RESPONSE, 409: CONFLICT_RESPONSE},
        examples=[
            OpenApiExample(
                "add electricity",
                value={
                    "energy": [
                        {"type": "raw_coal", "quantity": 150000, "unit": "t"},
                        {"type": "electricity", "quantity": 9500, "unit": "wan_kWh"},
                    ]
                },
                request_only=True,
            )
        ],
    )
    def patch(self, request: Request, pk: int) -> Response:
        project = _writable(request, pk)
        data, errors = _parse(ProjectInput, request.data, partial=True)
        if errors:
            return _bad(errors)
        try:
            services.project_update(project=project, by=request.user, data=data)
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        return _detail(request, pk)

    @extend_schema(
        tags=[TAG],
        summary="Delete a draft never submitted",
        operation_id="projects_delete",
        responses={204: None, 409: CONFLICT_RESPONSE},
    )
    def delete(self, request: Request, pk: int) -> Response:
        project = _writable(request, pk)
        try:
            services.project_delete(project=project, by=request.user)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------------------------
# Submission, status, assessment
# --------------------------------------------------------------------------------------------
class ProjectSubmitApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary="Submit for review (or resubmit after a correction request)",
        operation_id="projects_submit",
        description="Assesses the facts with the policy in force today and freezes facts, "
        "assessment and files as submission n+1. Opens a review case, resumes a returned or "
        "deferred one, or — for a project below the review thresholds — confirms it exempt "
        "(status `exempt`, no case).",
        request=SubmitInput,
        responses={201: SubmitOutput, 400: ERROR_RESPONSE, 409: CONFLICT_RESPONSE},
        examples=[OpenApiExample("pledge", value={"pledge": True}, request_only=True)],
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _writable(request, pk)
        _data, errors = _parse(SubmitInput, request.data)
        if errors:
            return _bad(errors)
        try:
            submission = services.project_submit(project=project, by=request.user)
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        submission.project = selectors.project_get_for_user(pk=pk, user=request.user)
        return Response(SubmitOutput(submission).data, status=status.HTTP_201_CREATED)


class ProjectStatusApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Status, review case, requests and submissions",
        operation_id="projects_status",
        responses={200: ProjectStatusOutput},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ProjectStatusOutput(_readable(request, pk)).data)


class ProjectAssessmentApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Assess the current facts now (nothing stored)",
        operation_id="projects_assessment",
        description="The assessment contract's output for the draft as it stands, with the "
        "policy in force today; `valid: false` and `errors` while the facts are incomplete.",
        responses={200: LiveAssessmentOutput},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = _readable(request, pk)
        lang = _lang(request)
        try:
            result = assessment_as_dict(selectors.project_payload(project), lang=lang)
        except engine.InvalidFacts as exc:
            return Response(
                {"valid": False, "assessment": None, "errors": exc.as_dict(lang)["errors"]}
            )
        return Response({"valid": True, "assessment": result, "errors": {}})


class SubmissionDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="A frozen submission",
        operation_id="projects_submission",
        responses={200: SubmissionOutput},
    )
    def get(self, request: Request, pk: int, number: int) -> Response:
        project = _readable(request, pk)
        submission = (
            project.submissions.prefetch_related("attachments").filter(number=number).first()
        )
        if submission is None:
            raise Http404
        return Response(SubmissionOutput(submission).data)


# --------------------------------------------------------------------------------------------
# Organization
# --------------------------------------------------------------------------------------------
class OrganizationApi(APIView):
    parser_classes = [JSONParser]

    def _organization(self, request: Request) -> Any:
        if not permissions.is_applicant_member(request.user):
            raise PermissionDenied("仅建设单位可以使用。")
        return request.user.profile.organization

    @extend_schema(
        tags=[TAG],
        summary="Your organization",
        operation_id="organization_retrieve",
        responses={200: OrganizationOutput},
    )
    def get(self, request: Request) -> Response:
        return Response(OrganizationOutput(self._organization(request)).data)

    @extend_schema(
        tags=[TAG],
        summary="Change your organization's details",
        operation_id="organization_update",
        description="The unified social credit code is checked with its GB 32100 check character.",
        request=OrganizationInput,
        responses={200: OrganizationOutput, 400: ERROR_RESPONSE},
        examples=[
            OpenApiExample(
                "contact", value={"contact_name": "李爱丽", "contact_phone": "0512-66880001"}
            )
        ],
    )
    def patch(self, request: Request) -> Response:
        org = self._organization(request)
        serializer = OrganizationInput(org, data=request.data, partial=True)
        if not serializer.is_valid():
            return _bad(flatten_errors(serializer.errors))
        updated = services.organization_update(
            organization=org, by=request.user, data=serializer.validated_data
        )
        return Response(OrganizationOutput(updated).data)
