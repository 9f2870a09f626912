"""Pages of the drafting workflow: the list, a draft (edit, send, return, sign off), its
preview PDF, and revoking an issued document. Thin: reads through `documents.selectors`,
writes through `documents.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from documents import permissions, selectors, services
from documents.models import DraftState

SECTION_LABELS = {
    "measures": gettext_lazy("主要节能措施（每行一条）"),
    "conditions": gettext_lazy("审查意见条件（每行一条）"),
    "requirements": gettext_lazy("有关要求（每行一条）"),
    "paragraphs": gettext_lazy("正文段落（每行一段）"),
    "items": gettext_lazy("补正事项（每行一项）"),
    "lift": gettext_lazy("解除缓批的条件（每行一条）"),
}


class DraftForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in keys:
            self.fields[key] = forms.CharField(
                label=SECTION_LABELS[key],
                required=False,
                max_length=services.MAX_ITEMS * (services.MAX_CHARS + 2),
                widget=forms.Textarea(attrs={"rows": 6}),
            )


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("退回意见"), max_length=2000, widget=forms.Textarea)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("撤销理由"), max_length=1000, widget=forms.Textarea)


def _keys(draft: Any) -> list[str]:
    return [k for k in services.SECTION_KEYS if k in (draft.sections or {})]


def _initial(draft: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"revision": draft.revision}
    for key in _keys(draft):
        initial[key] = "\n".join(draft.sections.get(key) or [])
    return initial


@login_required
@never_cache
def draft_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in DraftState.values:
        state = ""
    drafts = list(
        selectors.draft_list_for_user(user=request.user, state=state)[: selectors.LIST_LIMIT]
    )
    return render(
        request,
        "documents/draft_list.html",
        {"drafts": drafts, "state": state, "states": DraftState.choices},
    )


def _page(
    request: HttpRequest, draft: Any, *, form: Any = None, note_form: Any = None, status: int = 200
) -> HttpResponse:
    editable = draft.state in services.EDITABLE and permissions.can_draft(request.user, draft.case)
    signable = draft.state == DraftState.CHECKING and permissions.can_sign(request.user, draft.case)
    return render(
        request,
        "documents/draft_detail.html",
        {
            "draft": draft,
            "form": form
            or (DraftForm(initial=_initial(draft), keys=_keys(draft)) if editable else None),
            "note_form": note_form or (NoteForm() if signable else None),
            "editable": editable,
            "submittable": editable,
            "signable": signable,
            "versions": selectors.draft_versions(draft=draft),
        },
        status=status,
    )


@login_required
@never_cache
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get_for_user(pk=pk, user=request.user)
    return _page(request, draft)


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        name = field.split(".")[0]
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_POST
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get_for_user(pk=pk, user=request.user)
    form = DraftForm(request.POST, keys=_keys(draft))
    if form.is_valid():
        sections = {k: form.cleaned_data[k].splitlines() for k in _keys(draft)}
        try:
            services.draft_edit(
                draft=draft,
                by=request.user,
                sections=sections,
                expected_revision=form.cleaned_data["revision"],
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if "submit" in request.POST:
                return draft_submit(request, pk)
            messages.success(request, _("文书稿已保存"))
            return redirect(reverse("documents:draft", kwargs={"pk": pk}))
    return _page(request, draft, form=form, status=400)


@login_required
@require_POST
def draft_submit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get_for_user(pk=pk, user=request.user)
    try:
        services.draft_submit(draft=draft, by=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("已送核稿签发"))
    return redirect(reverse("documents:draft", kwargs={"pk": pk}))


@login_required
@require_POST
def draft_return(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get_for_user(pk=pk, user=request.user)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.draft_return(draft=draft, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已退回修改"))
            return redirect(reverse("documents:draft", kwargs={"pk": pk}))
    if not permissions.can_sign(request.user, draft.case):
        raise PermissionDenied(_("只有发文机关负责人可以核稿"))
    return _page(request, draft, note_form=form, status=400)


@login_required
@require_POST
def draft_sign(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get_for_user(pk=pk, user=request.user)
    try:
        draft = services.draft_sign(draft=draft, by=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("已签发：%(number)s") % {"number": draft.number})
    return redirect(reverse("documents:draft", kwargs={"pk": pk}))


@login_required
@never_cache
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as it will print, watermarked 「草稿」 (rendered now, not stored)."""
    from review.documents import draft_preview_pdf

    draft = selectors.draft_get_for_user(pk=pk, user=request.user)
    response = HttpResponse(draft_preview_pdf(draft=draft), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draft-{draft.pk}-r{draft.revision}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    from review.opinion_selectors import opinion_get_for_user

    opinion = opinion_get_for_user(pk=pk, user=request.user)
    if not permissions.can_revoke(request.user, opinion.case):
        raise PermissionDenied(_("只有发文机关负责人可以撤销文书"))
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.document_revoke(
                opinion=opinion, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("文书已撤销：%(number)s") % {"number": opinion.number})
    else:
        messages.error(request, _("请填写撤销理由（不超过1000字）"))
    return redirect(reverse("opinion_verify", kwargs={"token": opinion.token}))
