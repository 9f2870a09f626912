"""The applicant API under /api/v1/projects/…: one view per operation, thin over the services.

Authentication: a token (`Authorization: Token …`, for systems) or the browser's session.
Reads follow `projects.permissions.can_view_project` (applicants: their organization's
projects; reviewers: projects with a case in their province; admins: all); writes are the
applicant's own (a reviewer or admin gets 403, another organization's project 404).

Errors: 400 `{"errors": {field_path: [message, ...]}}` naming every bad field, with nothing
stored; 404 for what the caller may not see; 409 `{"errors": {"status": [...]}}` when the project
is not in a state that allows the change (submitted, exempt).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import FormParser, JSONParser, MultiPartParser
from review.models import CaseState
from rules import engine
from rules.services import assessment_as_dict, language_of
from scale.keyset import CURSOR_PARAM, Keyset, keyset_page, paginated_response_data

from . import permissions, selectors, services
from . import rows as project_rows
from .models import ConstructionType, Project, ProjectStatus
from .serializers import (
    COLLECTION_INPUTS,
    AttachmentInput,
    AttachmentOutput,
    EnergyLineOutput,
    ErrorOutput,
    EvidenceInput,
    LiveAssessmentOutput,
    OrganizationInput,
    OrganizationOutput,
    ProductLineOutput,
    ProjectCreateInput,
    ProjectDetailOutput,
    ProjectInput,
    ProjectListOutput,
    ProjectStatusOutput,
    SubmissionOutput,
    SubmitInput,
    SubmitOutput,
    SubstitutionSourceOutput,
    flatten_errors,
)

TAG = "projects"
# URL segment -> payload key of the contract
COLLECTIONS = {
    "energy": "energy",
    "baseline-energy": "baseline_energy",
    "exported-energy": "exported_energy",
    "products": "products",
    "substitution-sources": "substitution_sources",
}
LINE_OUTPUTS: dict[str, type[serializers.Serializer]] = {
    "energy": EnergyLineOutput,
    "baseline_energy": EnergyLineOutput,
    "exported_energy": EnergyLineOutput,
    "products": ProductLineOutput,
    "substitution_sources": SubstitutionSourceOutput,
}

EXAMPLE_PROJECT = {
    "name": "某水泥熟料生产线技改项目",
    "project_code": "2611-320505-04-01-381276",
    "region": "320505",
    "industry": "3011",
    "construction_type": "new",
    "national_major_project": False,
    "planned_start": "2027-03-01",
    "planned_completion": "2028-12-31",
    "total_investment_wan": "86000.00",
    "energy": [
        {"type": "raw_coal", "quantity": 150000, "unit": "t"},
        {"type": "electricity", "quantity": 9.5e7, "unit": "kWh"},
    ],
    "products": [{"product": "cement_clinker", "annual_output": 1500000, "unit_energy": 100.0}],
    "substitution_sources": [{"description": "关停2条2500t/d熟料线", "saved_tce": 40000}],
}
EXAMPLE_ERRORS = {
    "errors": {
        "energy.1.quantity": ["应为数字。"],
        "region": ["未知的行政区划代码：999999。"],
        "project_code": [
            "项目代码格式应为 NNNN-NNNNNN-NN-NN-NNNNNN（如 2611-320500-04-01-381276）。"
        ],
    }
}
ERROR_RESPONSE = OpenApiResponse(
    ErrorOutput,
    description="Every bad field by path; nothing was stored.",
    examples=[OpenApiExample("bad input", value=EXAMPLE_ERRORS, response_only=True)],
)
CONFLICT_RESPONSE = OpenApiResponse(
    ErrorOutput, description="The project is submitted or exempt: it cannot change now."
)


def _lang(request: Request) -> str:
    return language_of(request.headers.get("Accept-Language") or get_language())


def _bad(errors: dict[str, list[str]]) -> Response:
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def _invalid(request: Request, exc: services.ProjectInvalid) -> Response:
    return _bad(exc.messages(_lang(request)))


def _conflict(exc: services.ProjectNotEditable) -> Response:
    return Response({"errors": {"status": [str(exc)]}}, status=status.HTTP_409_CONFLICT)


def _parse(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """Validated data, or None and the flattened errors."""
    serializer = serializer_class(data=data, **kwargs)
    if serializer.is_valid():
        return serializer.validated_data, None
    return None, flatten_errors(serializer.errors)


def _readable(request: Request, pk: int) -> Project:
    return selectors.project_get_for_user(pk=pk, user=request.user)


def _writable(request: Request, pk: int) -> Project:
    """The project if the caller may read it (else 404) and is its applicant (else 403)."""
    project = _readable(request, pk)
    if not permissions.is_member(request.user, project):
        raise PermissionDenied("只有项目的建设单位可以修改项目。")
    return project


def _detail(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    project = _readable(request, pk)
    return Response(ProjectDetailOutput(project, context={"request": request}).data, status=code)


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
        return selectors.project_list_for_user(user=self.request.user)

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
        queryset = project_rows.list_queryset(self.filter_queryset(self.get_queryset()))
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


def _collection(name: str) -> str:
    if name not in COLLECTIONS:
        raise Http404
    return COLLECTIONS[name]


COLLECTION_PARAMETER = OpenApiParameter(
    "collection",
    str,
    OpenApiParameter.PATH,
    enum=list(COLLECTIONS),
    description=(
        "which list: energy, baseline-energy, exported-energy, products, substitution-sources"
    ),
)


class ProjectLineCreateApi(APIView):
    """Append one row to a list of a draft."""

    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary="Add a line (energy, baseline energy, product, substitution source)",
        operation_id="projects_lines_create",
        parameters=[COLLECTION_PARAMETER],
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiResponse(description="the new line"), 400: ERROR_RESPONSE},
        examples=[
            OpenApiExample(
                "energy", value={"type": "natural_gas", "quantity": 120, "unit": "wan_m3"}
            ),
            OpenApiExample(
                "product",
                value={"product": "cement_clinker", "annual_output": 1500000, "unit_energy": 98},
            ),
        ],
    )
    def post(self, request: Request, pk: int, collection: str) -> Response:
        key = _collection(collection)
        project = _writable(request, pk)
        row, errors = _parse(COLLECTION_INPUTS[key], request.data)
        if errors:
            return _bad(errors)
        try:
            line = services.project_line_add(
                project=project, by=request.user, collection=key, row=dict(row)
            )
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        return Response(LINE_OUTPUTS[key](line).data, status=status.HTTP_201_CREATED)


class ProjectLineDeleteApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Remove a line of a draft",
        operation_id="projects_lines_delete",
        parameters=[COLLECTION_PARAMETER],
        responses={204: None, 400: ERROR_RESPONSE, 409: CONFLICT_RESPONSE},
    )
    def delete(self, request: Request, pk: int, collection: str, line_pk: int) -> Response:
        key = _collection(collection)
        project = _writable(request, pk)
        try:
            services.project_line_delete(
                project=project, by=request.user, collection=key, line_id=line_pk
            )
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
class AttachmentListCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        summary="List a project's files",
        operation_id="projects_attachments_list",
        responses={200: AttachmentOutput(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = _readable(request, pk)
        visible = [
            a
            for a in project.attachments.all()
            if permissions.can_download_attachment(request.user, a)
        ]
        return Response(AttachmentOutput(visible, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Upload a PDF (节能报告 and others)",
        operation_id="projects_attachments_create",
        description="multipart/form-data. The content must be a PDF (`%PDF-` header, readable "
        "by pypdf) no larger than ATTACHMENT_MAX_BYTES; the name's extension does not matter.",
        request={"multipart/form-data": AttachmentInput},
        responses={201: AttachmentOutput, 400: ERROR_RESPONSE, 409: CONFLICT_RESPONSE},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _writable(request, pk)
        data, errors = _parse(AttachmentInput, request.data)
        if errors:
            return _bad(errors)
        try:
            attachment = services.attachment_add(
                project=project, by=request.user, upload=data["file"], kind=data["kind"]
            )
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        return Response(AttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


def _pdf(file: Any, filename: str) -> FileResponse:
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


class AttachmentDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Download a file",
        operation_id="projects_attachments_download",
        responses={(200, "application/pdf"): OpenApiResponse(description="the PDF")},
    )
    def get(self, request: Request, pk: int, attachment_pk: int) -> FileResponse:
        attachment = selectors.attachment_get_for_user(
            project_pk=pk, pk=attachment_pk, user=request.user
        )
        return _pdf(attachment.file, attachment.original_name)

    @extend_schema(
        tags=[TAG],
        summary="Delete a file not yet handed in",
        operation_id="projects_attachments_delete",
        responses={204: None, 400: ERROR_RESPONSE, 409: CONFLICT_RESPONSE},
    )
    def delete(self, request: Request, pk: int, attachment_pk: int) -> Response:
        project = _writable(request, pk)
        attachment = project.attachments.filter(pk=attachment_pk).first()
        if attachment is None:
            raise Http404
        try:
            services.attachment_delete(attachment=attachment, by=request.user)
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        summary="Download the evidence of a substitution source",
        operation_id="projects_evidence_download",
        responses={(200, "application/pdf"): OpenApiResponse(description="the PDF")},
    )
    def get(self, request: Request, pk: int, source_pk: int) -> FileResponse:
        source = selectors.evidence_get_for_user(project_pk=pk, pk=source_pk, user=request.user)
        return _pdf(source.evidence, f"evidence-{source.pk}.pdf")

    @extend_schema(
        tags=[TAG],
        summary="Upload the evidence PDF of a substitution source",
        operation_id="projects_evidence_upload",
        request={"multipart/form-data": EvidenceInput},
        responses={200: SubstitutionSourceOutput, 400: ERROR_RESPONSE, 409: CONFLICT_RESPONSE},
    )
    def post(self, request: Request, pk: int, source_pk: int) -> Response:
        project = _writable(request, pk)
        sources = list(project.substitution_sources.all())
        if source_pk not in {s.pk for s in sources}:
            raise Http404
        data, errors = _parse(EvidenceInput, request.data)
        if errors:
            return _bad(errors)
        rows = [
            {
                "id": s.pk,
                "description": s.description,
                "saved_tce": s.saved_tce,
                "evidence": data["file"] if s.pk == source_pk else None,
            }
            for s in sources
        ]
        index = [s.pk for s in sources].index(source_pk)
        try:
            services.project_update(
                project=project, by=request.user, data={"substitution_sources": rows}
            )
        except services.ProjectInvalid as exc:
            messages = exc.messages(_lang(request))
            prefix = f"substitution_sources.{index}.evidence"
            return _bad({"file" if k == prefix else k: v for k, v in messages.items()})
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        source = project.substitution_sources.model.objects.get(pk=source_pk)
        return Response(SubstitutionSourceOutput(source).data)


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
