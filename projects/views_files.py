"""Applicant pages for a project's files: upload and delete attachments, and download
attachments and substitution-source evidence (reviewers and admins too, where allowed).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import permissions, selectors, services
from .forms import LAST_STEP, AttachmentForm, StepForms
from .models import Attachment
from .views_common import _lang, applicant_required
from .views_steps import _step_context


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
@applicant_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied(_("项目已提交，当前不能上传附件。"))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                project=project,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except services.ProjectInvalid as exc:
            for field, msgs in exc.messages(_lang()).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, _("附件已上传。"))
            return redirect("projects:edit", pk=project.pk, step=LAST_STEP)
    forms = StepForms(LAST_STEP, project)
    context = _step_context(request, LAST_STEP, project, forms)
    context["attachment_form"] = form
    return render(request, "projects/project_form.html", context, status=400)


@applicant_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    attachment = get_object_or_404(Attachment, project=project, pk=attachment_pk)
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except services.ProjectError as exc:
        text = (
            exc.messages(_lang())["file"][0]
            if isinstance(exc, services.ProjectInvalid)
            else str(exc)
        )
        messages.error(request, text)
    else:
        messages.success(request, _("附件已删除。"))
    return redirect("projects:edit", pk=project.pk, step=LAST_STEP)


def _pdf_response(file: Any, filename: str) -> FileResponse:
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A project's PDF, to those permissions.can_download_attachment allows; others 404."""
    attachment = selectors.attachment_get_for_user(
        project_pk=pk, pk=attachment_pk, user=request.user
    )
    return _pdf_response(attachment.file, attachment.original_name)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, source_pk: int) -> FileResponse:
    source = selectors.evidence_get_for_user(project_pk=pk, pk=source_pk, user=request.user)
    return _pdf_response(source.evidence, f"替代来源证明-{source.pk}.pdf")
