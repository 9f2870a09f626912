"""Applicant pages of the five-step form: create a draft, edit one step, delete a draft, and
submit it (with the confirmation page after).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from review.models import CaseState

from . import permissions, selectors, services
from .forms import (
    LAST_STEP,
    STEP_BY_NUMBER,
    STEPS,
    AttachmentForm,
    StepForms,
    SubmitForm,
    step_of_path,
)
from .models import Attachment, ConstructionType, Project
from .views_common import (
    _correction_items,
    _correction_note,
    _error_items,
    _lang,
    applicant_required,
)


# --------------------------------------------------------------------------------------------
# The five steps
# --------------------------------------------------------------------------------------------
def _step_context(
    request: HttpRequest,
    step: int,
    project: Project | None,
    forms: StepForms,
    elsewhere: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    if forms.data is not None:
        forms.keep_uploads()  # the browser drops chosen files when the page comes back
    context: dict[str, Any] = {
        "project": project,
        "step": STEP_BY_NUMBER[step],
        "steps": STEPS,
        "forms": forms,
        "elsewhere": _error_items(elsewhere or {}),
        "assessment": project.draft_assessment if project is not None else None,
        "construction_types": ConstructionType,
        "live_url": reverse("projects:assess_live", args=[project.pk])
        if project is not None
        else reverse("projects:assess_live_new"),
    }
    if project is not None:
        context["case"] = selectors.latest_case(project)
        context["correction_items"] = _correction_items(project, context["case"])
        context["correction_note"] = _correction_note(context["case"])
        from .correction_views import correction_context

        context.update(correction_context(project, context["case"]))
        context["products"] = [  # the panel compares declared unit energy with energy ÷ output
            {"product": p.product, "annual_output": p.annual_output, "unit_energy": p.unit_energy}
            for p in project.product_lines.all()
        ]
        context["evidence_ids"] = {s.pk for s in project.substitution_sources.all() if s.evidence}
    if step == LAST_STEP and project is not None:
        context.update(_submit_context(project))
    return context


def _submit_context(project: Project, submit_form: SubmitForm | None = None) -> dict[str, Any]:
    """Step 5: the files, and what still stands in the way of submitting."""
    check = services.project_check(project=project)
    return {
        "max_size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        "attachments": list(project.attachments.all()),
        # Files handed in with a submission are part of the record: no 删除 for them.
        "submitted_attachment_ids": set(
            Attachment.submissions.through.objects.filter(attachment__project=project).values_list(
                "attachment_id", flat=True
            )
        ),
        "attachment_form": AttachmentForm(),
        "submit_form": submit_form or SubmitForm(),
        "blocking": _error_items(check.messages(_lang())) if check else [],
        "is_change": getattr(selectors.latest_case(project), "state", "") == CaseState.APPROVED,
    }


@applicant_required
def project_create(request: HttpRequest) -> HttpResponse:
    """Step 1 of a new project; saving creates the draft."""
    if request.method == "POST":
        forms = StepForms(1, None, request.POST)
        if forms.is_valid():
            try:
                project = services.project_create(
                    organization=request.user.profile.organization,
                    by=request.user,
                    data=forms.changes(),
                )
            except services.ProjectInvalid as exc:
                elsewhere = forms.add_errors(exc.messages(_lang()))
                return render(
                    request,
                    "projects/project_form.html",
                    _step_context(request, 1, None, forms, elsewhere),
                    status=400,
                )
            messages.success(request, _("草稿已保存。"))
            next_step = 1 if request.POST.get("action") == "save" else 2
            return redirect("projects:edit", pk=project.pk, step=next_step)
        return render(
            request,
            "projects/project_form.html",
            _step_context(request, 1, None, forms),
            status=400,
        )
    return render(
        request, "projects/project_form.html", _step_context(request, 1, None, StepForms(1, None))
    )


@applicant_required
def project_edit(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """One step of a draft: GET shows it, POST saves it (and moves on with "next"/"prev")."""
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    if step not in STEP_BY_NUMBER:
        raise Http404
    if not permissions.can_edit_project(request.user, project):
        messages.info(request, _("项目已提交，当前不能修改。"))
        return redirect("projects:detail", pk=project.pk)
    if request.method == "POST" and step != LAST_STEP:
        forms = StepForms(step, project, request.POST, request.FILES)
        if forms.is_valid():
            try:
                services.project_update(project=project, by=request.user, data=forms.changes())
            except services.ProjectInvalid as exc:
                elsewhere = forms.add_errors(exc.messages(_lang()))
                context = _step_context(request, step, project, forms, elsewhere)
                return render(request, "projects/project_form.html", context, status=400)
            except services.ProjectNotEditable as exc:
                messages.error(request, str(exc))
                return redirect("projects:detail", pk=project.pk)
            forms.discard_kept_uploads()
            messages.success(request, _("草稿已保存。"))
            action = request.POST.get("action", "next")
            target = {"next": step + 1, "prev": step - 1}.get(action, step)
            if action.startswith("step-") and action[5:].isdigit():
                target = int(action[5:])  # a step of the step bar: saved, then shown
            return redirect("projects:edit", pk=project.pk, step=max(1, min(LAST_STEP, target)))
        context = _step_context(request, step, project, forms)
        return render(request, "projects/project_form.html", context, status=400)
    forms = StepForms(step, project)
    problems: dict[str, list[str]] = {}
    if request.GET.get("check"):
        # Back from a refused submission: list what this step still needs.
        check = services.project_check(project=project)
        if check is not None:
            problems = {p: m for p, m in check.messages(_lang()).items() if step_of_path(p) == step}
    return render(
        request,
        "projects/project_form.html",
        _step_context(request, step, project, forms, problems),
    )


@applicant_required
@require_POST
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    try:
        services.project_delete(project=project, by=request.user)
    except services.ProjectNotEditable:
        messages.error(request, _("已提交的项目不能删除。"))
        return redirect("projects:detail", pk=project.pk)
    messages.success(request, _("草稿已删除。"))
    return redirect("projects:dashboard")


# --------------------------------------------------------------------------------------------
# Submission
# --------------------------------------------------------------------------------------------
@applicant_required
@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    if not permissions.can_edit_project(request.user, project):
        messages.error(request, _("项目当前不能提交。"))
        return redirect("projects:detail", pk=project.pk)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.project_submit(
                project=project,
                by=request.user,
                change_triggers=form.cleaned_data.get("change_triggers") or [],
            )
        except services.ProjectInvalid as exc:
            if set(exc.errors) != {"correction_answers"}:  # else: only 补正 items unanswered
                messages.error(request, _("项目信息不完整或有误，请按下列提示修改后再提交。"))
            # The review authority's refusals (变更 without a trigger, no authority, another
            # province) name no form step: show them as they are.
            for field in ("submission", "region", "change_triggers", "correction_answers"):
                for text in exc.messages(_lang()).get(field, []):
                    messages.error(request, text)
        except services.ProjectNotEditable as exc:
            messages.error(request, str(exc))
            return redirect("projects:detail", pk=project.pk)
        else:
            return redirect("projects:submitted", pk=project.pk)
    forms = StepForms(LAST_STEP, project)
    context = _step_context(request, LAST_STEP, project, forms)
    context["submit_form"] = form
    return render(request, "projects/project_form.html", context, status=400)


@applicant_required
@require_GET
def project_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation after submitting: a case opened, or exempt from separate review."""
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    submission = project.submissions.order_by("-number").first()
    if submission is None:
        raise Http404
    return render(
        request,
        "projects/project_submitted.html",
        {
            "project": project,
            "submission": submission,
            "assessment": submission.assessment,
            "case": selectors.latest_case(project),
        },
    )
