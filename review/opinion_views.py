"""Issued documents over HTTP: download (permission-checked), admin retry, public verification.

Thin: reads through `review.opinion_selectors`, writes through `review.documents`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles

from . import documents, opinion_selectors
from .models import DocumentKind, Opinion

DECISION_LABELS = {
    DocumentKind.APPROVAL: gettext_lazy("节能审查通过"),
    DocumentKind.REJECTION: gettext_lazy("节能审查不予通过"),
    DocumentKind.DEFERRAL: gettext_lazy("节能审查缓批"),
    "correction": gettext_lazy("补正申请材料"),
    "change": gettext_lazy("同意变更"),
    "receipt": gettext_lazy("予以受理"),
    "filing": gettext_lazy("节能验收予以备案"),
}


@login_required
@never_cache
def opinion_download(request: HttpRequest, pk: int) -> FileResponse:
    """The PDF of a ready document, for those who may see the case's outcome; 404 otherwise."""
    opinion = opinion_selectors.opinion_get_for_user(pk=pk, user=request.user)
    if opinion.state != Opinion.State.READY or not opinion.file:
        raise Http404(_("文书尚未生成"))
    suffix = f"（第{opinion.version}版）" if opinion.version > 1 else ""
    response = FileResponse(
        opinion.file.open("rb"),
        as_attachment=True,
        filename=f"{opinion.number}{suffix}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def opinion_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Admin: queue a failed/pending document again, or re-render a ready one as a new version."""
    opinion = opinion_selectors.opinion_get_for_user(pk=pk, user=request.user)
    if not roles.is_admin(request.user):
        raise PermissionDenied(_("只有管理员可以重新生成文书"))
    result = documents.opinion_rerender(opinion=opinion, by=request.user)
    if result.pk == opinion.pk:
        messages.success(request, _("已重新提交生成：%(number)s") % {"number": result.number})
    else:
        messages.success(
            request,
            _("已生成新版本：%(number)s 第%(version)s版")
            % {"number": result.number, "version": result.version},
        )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(reverse("review:case", kwargs={"pk": opinion.case_id}))


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("待核验的PDF文件"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("文件过大"))
        return upload


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_verify_page(request: HttpRequest, token: Any) -> HttpResponse:
    """Public: what was issued under `token`, its status (有效 / 已撤销 / 已被变更文书替代 /
    已失效), and whether an uploaded file is exactly it. Unknown tokens: a plain Chinese page."""
    from documents import permissions as document_permissions
    from documents.layout.content import valid_until
    from documents.models import DocKind
    from documents.numbering import issuer_for
    from documents.selectors import document_status

    try:
        opinion = opinion_selectors.opinion_get_public(token=token)
    except Http404:
        return render(request, "review/verify_not_found.html", status=404)
    match: bool | None = None
    uploaded_name = ""
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            uploaded_name = upload.name
            match = documents.opinion_verify(token=opinion.token, uploaded_bytes=upload.read())
    else:
        form = VerifyUploadForm()
    submission = opinion.case.submission
    frozen_org = (submission.details or {}).get("organization") or {}
    kinds = dict(DocKind.choices)
    return render(
        request,
        "review/verify.html",
        {
            "opinion": opinion,
            "kind_label": kinds.get(opinion.kind, opinion.kind),
            "authority": issuer_for(opinion.case).name,
            "owner": frozen_org.get("name") or opinion.case.project.organization.name,
            "project_name": (submission.facts or {}).get("name") or opinion.case.project.name,
            "decision": DECISION_LABELS.get(opinion.kind, ""),
            "status": document_status(opinion=opinion, today=timezone.localdate()),
            "valid_until": valid_until(opinion.issued_on)
            if opinion.kind == DocKind.APPROVAL
            else None,
            "newer": opinion_selectors.opinion_newer_version(opinion=opinion),
            "can_revoke": document_permissions.can_revoke(request.user, opinion.case),
            "form": form,
            "match": match,
            "uploaded_name": uploaded_name,
        },
    )
