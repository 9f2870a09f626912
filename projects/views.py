"""Applicant pages: dashboard, the five-step form, files, submission, history, organization.

Thin: parse with forms, decide with services, read with selectors, ask permissions. Only
applicants of an organization use these pages (others: 403); another organization's project,
file or submission answers 404. Downloads are the exception: reviewers and admins may fetch
the files of projects they may read (projects.permissions).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from review.models import CaseState, CorrectionRound
from review.opinion_selectors import opinion_list_for_project
from rules import engine
from rules.services import assessment_as_dict, language_of

from . import labels, permissions, selectors, services
from .forms import (
    LAST_STEP,
    STEP_BY_NUMBER,
    STEPS,
    AttachmentForm,
    DashboardFilterForm,
    OrganizationForm,
    StepForms,
    SubmitForm,
    step_of_path,
)
from .models import Attachment, ConstructionType, Project, ProjectStatus

PAGE_SIZE = 20


def applicant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and an applicant of an organization; other roles get 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.is_applicant_member(request.user):
            raise PermissionDenied(_("此页面仅供建设单位使用。"))
        return view(request, *args, **kwargs)

    return wrapper


def _lang() -> str:
    return language_of(get_language())


def _error_items(errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Errors as rows for a list: label, step and link to the step that fixes them."""
    return [
        {
            "path": path,
            "label": labels.path_label(path),
            "step": step_of_path(path),
            "messages": msgs,
        }
        for path, msgs in sorted(errors.items(), key=lambda item: step_of_path(item[0]))
    ]


# --------------------------------------------------------------------------------------------
# Dashboard and detail
# --------------------------------------------------------------------------------------------
@applicant_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The organization's projects with status, case state, deadline, requests and opinions."""
    filters = DashboardFilterForm(request.GET or None)
    params = filters.cleaned_data if filters.is_valid() else {}
    projects = selectors.project_list_for_user(
        user=request.user,
        q=params.get("q", ""),
        status=params.get("status", ""),
        case_state=params.get("case_state", ""),
    )
    # The applicant's own date (补正期限) for a returned case: one query for the page.
    projects = projects.prefetch_related(
        Prefetch(
            "cases__correction_rounds",
            queryset=CorrectionRound.objects.filter(closed_at__isnull=True),
            to_attr="open_rounds",
        )
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/dashboard.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "active_states": selectors.active_case_states(),
        },
    )


@applicant_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    return render(request, "projects/project_detail.html", detail_context(request, project))


def detail_context(request: HttpRequest, project: Project, *, bound: Any = None) -> dict[str, Any]:
    """The project page; ``bound``: a refused 补正 answer form, shown with its text as typed."""
    from .correction_views import correction_context

    case = selectors.latest_case(project)
    submissions = list(project.submissions.select_related("submitted_by").order_by("-number"))
    return {
        **correction_context(project, case, bound=bound),
        "project": project,
        "case": case,
        "cases": selectors.cases_of(project),
        "opinions": list(opinion_list_for_project(project=project)),
        "submissions": submissions,
        "assessment": project.draft_assessment,
        "can_edit": permissions.can_edit_project(request.user, project),
        "correction_items": _correction_items(project, case),
        "correction_note": _correction_note(case),
        "energy": selectors.energy_lines_of(project, "energy"),
        "baseline": selectors.energy_lines_of(project, "baseline"),
        "exported": selectors.energy_lines_of(project, "exported"),
        "today": timezone.localdate(),
        "active_states": selectors.active_case_states(),
    }


def _correction_note(case: Any) -> str:
    """What the reviewer wrote to the applicant when returning the case for correction."""
    if case is None or case.state != CaseState.RETURNED:
        return ""
    event = case.events.filter(action="return_for_correction").order_by("-at", "-id").first()
    return event.reason if event is not None else ""


def _correction_items(project: Project, case: Any) -> list[str]:
    """The reviewer's requests: a returned case's items (else those stored on the project), or
    a deferred case's condition for lifting the deferral (缓批)."""
    if case is not None and case.state == CaseState.DEFERRED:
        return [case.deferral_lift] if case.deferral_lift else []
    if project.status != ProjectStatus.CORRECTION and not (
        case is not None and case.state == CaseState.RETURNED
    ):
        return []
    items = list(case.correction_items or []) if case is not None else []
    return items or list(project.correction_items or [])


@login_required
@require_GET
def submission_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One frozen submission: the facts and the assessment exactly as handed in, with what
    changed since the one before. The applicant's members and the reviewers who may read the
    project (a correction round is compared on it); anyone else 404."""
    project = selectors.project_get_for_user(pk=pk, user=request.user)
    submission = get_object_or_404(
        project.submissions.select_related("submitted_by").prefetch_related("attachments"),
        number=number,
    )
    return render(
        request,
        "projects/submission_detail.html",
        {
            "project": project,
            "submission": submission,
            "facts": submission.facts,
            "assessment": submission.assessment,
            "case": selectors.latest_case(project),
        },
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
# Live assessment (the panel beside the form)
# --------------------------------------------------------------------------------------------
def _live(request: HttpRequest, project: Project | None) -> JsonResponse:
    try:
        step = int(request.POST.get("step", "1"))
    except ValueError:
        step = 1
    if step not in STEP_BY_NUMBER:
        step = 1
    forms = StepForms(step, project, request.POST)
    changes = forms.changes(raw=True)
    payload = services.payload_with_changes(project=project, data=changes)
    lang = _lang()
    try:
        assessment = assessment_as_dict(payload, lang=lang)
    except engine.InvalidFacts as exc:
        missing = [
            path
            for path, msgs in exc.errors.items()
            if path in services.DRAFT_MAY_LACK and all(m.code == "required" for m in msgs)
        ]
        errors = {p: m for p, m in exc.as_dict(lang)["errors"].items() if p not in missing}
        field_errors = {}
        elsewhere = {}
        for path, msgs in errors.items():
            name = forms.html_name(path)
            if name:
                field_errors[name] = msgs
            else:
                elsewhere[path] = msgs
        html = render_to_string(
            "projects/_assessment_panel.html",
            {
                "assessment": None,
                "missing": [labels.path_label(p) for p in missing],
                "panel_errors": _error_items(errors),
            },
            request=request,
        )
        return JsonResponse(
            {
                "errors": errors,
                "field_errors": field_errors,
                "missing": missing,
                "html": html,
            },
            status=400,
        )
    html = render_to_string(
        "projects/_assessment_panel.html",
        {"assessment": assessment, "products": payload.get("products") or []},
        request=request,
    )
    return JsonResponse({"assessment": assessment, "field_errors": {}, "html": html})


@applicant_required
@require_POST
def assess_live(request: HttpRequest, pk: int) -> JsonResponse:
    """The engine's assessment of the draft with the step's unsaved inputs laid over it."""
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    return _live(request, project)


@applicant_required
@require_POST
def assess_live_new(request: HttpRequest) -> JsonResponse:
    """The same for step 1 of a project not yet saved."""
    return _live(request, None)


@login_required
@require_GET
def lookup(request: HttpRequest, kind: str) -> JsonResponse:
    """Region (GB/T 2260) or industry (GB/T 4754-2017) codes matching `q`, at most 20."""
    ref = engine.load_reference()
    q = request.GET.get("q", "").strip()
    if kind == "region":
        table = ref.regions
        label = labels.region_label
    elif kind == "industry":
        table = ref.industries
        label = labels.industry_label
    else:
        raise Http404
    results: list[dict[str, str]] = []
    if q:
        for code, name in table.items():
            if code.startswith(q) or q in name:
                if kind == "region" and code.endswith("00") and not code.startswith(q):
                    continue  # by name, offer counties and districts, where projects are built
                results.append({"code": code, "name": label(code)})
                if len(results) == 20:
                    break
    return JsonResponse({"results": results})


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


# --------------------------------------------------------------------------------------------
# Organization
# --------------------------------------------------------------------------------------------
@applicant_required
def organization(request: HttpRequest) -> HttpResponse:
    """The applicant's organization: name, credit code (GB 32100 checked), contact."""
    org = request.user.profile.organization
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST":
        if form.is_valid():
            services.organization_update(organization=org, by=request.user, data=form.cleaned_data)
            messages.success(request, _("单位信息已保存。"))
            return redirect("projects:organization")
        status = 400
    else:
        status = 200
    return render(request, "projects/organization.html", {"form": form}, status=status)
