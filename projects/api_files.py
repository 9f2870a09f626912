"""The applicant API for a project's files: upload, list, download and delete PDF attachments,
and attach or download the evidence of a substitution source.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import FormParser, MultiPartParser

from . import permissions, selectors, services
from .api_common import (
    CONFLICT_RESPONSE,
    ERROR_RESPONSE,
    TAG,
    _bad,
    _conflict,
    _invalid,
    _lang,
    _parse,
    _readable,
    _writable,
)
from .serializers import AttachmentInput, AttachmentOutput, EvidenceInput, SubstitutionSourceOutput


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
