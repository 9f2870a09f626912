"""Reviewer pages: the queue, the case page, one form page per move, the timeline export and the
notices. Thin: forms clean input, ``review.services`` decides, ``review.selectors`` reads.

The move pages are declared as data in ``review.move_pages`` (re-exported here) and all served by
:func:`case_action`."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as DRFValidationError

from accounts import roles
from common import prepared
from rules.selectors import (
    RECOMMENDATION_LABELS,
    REVIEW_LEVEL_LABELS,
    ROUTE_LABELS,
)
from scale.keyset import CURSOR_PARAM, keyset_page

from . import (
    case_page,
    decision_rules,
    forms,
    permissions,
    queue_html,
    selectors,
    services,
    workflow,
)
from .models import CaseState, ExpertEvaluation, ReviewCase
from .move_pages import MOVE_PAGES as MOVE_PAGES
from .move_pages import MovePage as MovePage
from .workflow import Action, WorkflowError

PAGE_SIZE = 20


def _authority_only(user: Any) -> None:
    if not roles.is_staff_side(user) or roles.is_applicant(user):
        raise PermissionDenied(_("审查工作台仅供审查机关使用。"))


def _queue_total(filters: selectors.QueueFilters, counts: selectors.QueueCounts) -> int | None:
    """The queue's length when the counters know it (no filter, a state, overdue only)."""
    rest = dataclasses.replace(filters, state="", overdue=False, sort="deadline")
    if rest != selectors.QueueFilters() or (filters.state and filters.overdue):
        return None
    if filters.overdue:
        return counts.overdue
    return counts.by_state.get(filters.state, 0) if filters.state else counts.total


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The reviewer's queue: cases of his scope, filtered and sorted, with counts per state."""
    _authority_only(request.user)
    today = timezone.localdate()
    form = forms.QueueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.QueueFilters()
    qs = selectors.case_queue(user=request.user, filters=filters, today=today)
    qs = qs.select_related(None).values(*queue_html.ROW_VALUES)
    # Keyset pages (issue 14): each page reads PAGE_SIZE rows off the deadline index, at any
    # depth, and no COUNT of the whole list; the totals come from the case counters.
    keyset = selectors.KEYSETS.get(filters.sort, selectors.KEYSETS["deadline"])
    cursor = request.GET.get(CURSOR_PARAM) or None
    # Without filters a page's best plan is the same for any reviewer and depth (the deadline
    # index): a prepared statement on PostgreSQL, planned once (planning the five joins cost more
    # than the run). A filter (a rare state, a text) wants a plan for its values: planned each time.
    unfiltered = dataclasses.replace(filters, sort="deadline") == selectors.QueueFilters()
    fetch = prepared.values_dicts if unfiltered else list
    try:
        rows, next_cursor = keyset_page(qs, keyset, cursor, PAGE_SIZE, fetch)
    except DRFValidationError:  # a mangled link: start again at the first page
        cursor = None
        rows, next_cursor = keyset_page(qs, keyset, None, PAGE_SIZE, fetch)
    cases = queue_html.queue_rows(rows, today=today)
    counts = selectors.case_counts(user=request.user, today=today)
    if roles.is_national_reviewer(request.user):
        # Window guidance sees few states: offer those its cases are in (and the one chosen).
        chosen = request.GET.get("state", "")
        form.fields["state"].choices = [
            ("", _("全部状态")),
            *((v, label) for v, label in CaseState.choices if counts.by_state[v] or v == chosen),
        ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(CURSOR_PARAM, None)
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "filter_fields": queue_html.filter_fields_html(form),
            "rows": queue_html.queue_rows_html(cases),
            "cursor": cursor,
            "next_cursor": next_cursor,
            "total": _queue_total(filters, counts),
            "cases": cases,
            "counts": counts,
            "state_counts": [(v, label, counts.by_state[v]) for v, label in CaseState.choices],
            "filters": filters,
            "query": query.urlencode(),
            "today": today,
        },
    )


def _case_context(case: ReviewCase, *, today: Any) -> dict[str, Any]:
    """What the case page and the move pages show about a case."""
    assessment = case.submission.assessment or {}
    effective = decision_rules.effective_recommendation(
        recommendation=case.recommendation,
        finding_codes=services.finding_codes(assessment),
        guidance_outcome=case.guidance_outcome,
    )
    return {
        "case": case,
        "clock": selectors.case_clock(case, today=today),
        "submission": case.submission,
        "facts": case.submission.facts or {},
        "assessment": assessment,
        "display": selectors.submission_display(
            facts=case.submission.facts or {}, assessment=assessment
        ),
        "effective_recommendation": effective,
        "recommendation_label": RECOMMENDATION_LABELS.get(case.recommendation, case.recommendation),
        "effective_label": RECOMMENDATION_LABELS.get(effective, effective),
        "route_label": ROUTE_LABELS.get(case.route, case.route),
        "level_label": REVIEW_LEVEL_LABELS.get(case.review_level, case.review_level),
        "guidance_label": GUIDANCE_LABELS.get(case.guidance_outcome, ""),
        "needs_guidance": decision_rules.needs_guidance(
            route=case.route, guidance_outcome=case.guidance_outcome
        ),
        "guidance_pending": case.guidance_pending,
        "change_trigger_labels": [
            workflow.CHANGE_TRIGGER_LABELS.get(code, "") for code in case.change_triggers or []
        ],
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: facts and assessment as submitted, clock, decision, documents, timeline."""
    today = timezone.localdate()
    case, has = case_page.case_get(pk=pk, user=request.user, today=today)
    return render(
        request,
        "review/case_detail.html",
        {**_case_context(case, today=today), **case_page.page_context(request, case, today, has)},
    )


GUIDANCE_LABELS = {
    "supported": gettext_lazy("支持"),
    "supported_with_conditions": gettext_lazy("有条件支持"),
    "not_supported": gettext_lazy("不支持"),
}


@login_required
def timeline_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's audit timeline as a CSV download."""
    case = selectors.case_get_for_user(pk=pk, user=request.user)
    response = HttpResponse(
        selectors.timeline_csv(case=case), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}-timeline.csv"'
    return response


@login_required
def evaluation_report(request: HttpRequest, pk: int, evaluation_pk: int) -> FileResponse:
    """An expert evaluation's report (PDF), for those who may see the case."""
    case = selectors.case_get_for_user(pk=pk, user=request.user)
    evaluation = ExpertEvaluation.objects.filter(pk=evaluation_pk, case=case).first()
    if evaluation is None or not evaluation.report:
        raise Http404
    return FileResponse(
        evaluation.report.open("rb"),
        as_attachment=True,
        filename=f"evaluation-{case.pk}-{evaluation.pk}.pdf",
        content_type="application/pdf",
    )


# --------------------------------------------------------------------------------------------
# Moves: one form page per action (``review.move_pages.MOVE_PAGES``), all through ``case_action``
# --------------------------------------------------------------------------------------------
def _add_errors(form: forms.CaseActionForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: the move's form; POST: make the move. A stale form (the case moved on, or another
    reviewer got there first) answers with a message on the case page."""
    try:
        spec = MOVE_PAGES[Action(action)]
    except (ValueError, KeyError) as exc:
        raise Http404 from exc
    case = selectors.case_get_for_user(pk=pk, user=request.user)
    permissions.require_action(request.user, case, action)
    if request.method == "POST":
        form = spec.form(request.POST, request.FILES, case=case)
        if form.is_valid():
            try:
                spec.run(case, request.user, form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except WorkflowError as exc:
                messages.error(request, exc.message)
                return redirect("review:case", pk=case.pk)
            else:
                messages.success(request, str(spec.done))
                return redirect("review:case", pk=case.pk)
    else:
        if not permissions.can_act(request.user, case, action):
            messages.warning(
                request, str(workflow.TransitionNotAllowed(case.state, action).message)
            )
            return redirect("review:case", pk=case.pk)
        form = spec.form(case=case)
    today = timezone.localdate()
    return render(
        request,
        "review/case_action.html",
        {
            **_case_context(case, today=today),
            "form": form,
            "action": Action(action),
            "action_label": workflow.LABELS[Action(action)],
            "danger": spec.danger,
            "budget": selectors.case_budget(case=case, today=today)
            if action == Action.APPROVE
            else None,
        },
    )


# --------------------------------------------------------------------------------------------
# Notices (in-app reminders)
# --------------------------------------------------------------------------------------------
@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """The user's in-app notices, newest first."""
    return render(
        request,
        "review/notices.html",
        {"notices": selectors.notices_for_user(user=request.user)},
    )


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    services.notices_mark_read(user=request.user)
    return redirect("review:notices")
