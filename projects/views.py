"""Applicant pages: dashboard, the five-step form, files, submission, history, organization.

Thin: parse with forms, decide with services, read with selectors, ask permissions. Only
applicants of an organization use these pages (others: 403); another organization's project,
file or submission answers 404. Downloads are the exception: reviewers and admins may fetch
the files of projects they may read (projects.permissions).

This module: the dashboard, the project page, a frozen submission and the organization. The
five steps and submitting are in ``views_steps``, the live assessment and code lookup in
``views_live``, files in ``views_files``, shared helpers in ``views_common``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from review.models import CorrectionRound
from review.opinion_selectors import opinion_list_for_project

from . import permissions, selectors, services
from .forms import DashboardFilterForm, OrganizationForm
from .models import Project
from .views_common import _correction_items, _correction_note, applicant_required

PAGE_SIZE = 20


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
