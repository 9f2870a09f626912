"""Supervision pages under /supervision/ (thin: forms parse, services decide, selectors read).

The authority side: the dashboard and its lists (with CSV/XLSX export), a case's supervision
page, the acceptance check, rectification orders and closure, penalties, inspections. The owner:
his approved projects, construction start, the acceptance filing, rectification reports and the
monitored energy use (with the change application offered when it is 10% above the approval).
Outside the scope: 404; in scope but not allowed: 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from review.workflow import WorkflowError

from . import exports, forms, permissions, selectors
from .models import Acceptance, AcceptanceState, FlagKind, Rectification, RectificationState
from .services import acceptance as acceptance_services
from .services import inspections as inspection_services
from .services.inventory import construction_start_record


def _authority_only(user: Any) -> None:
    if not permissions.is_authority_side(user):
        raise PermissionDenied("事中事后监管页面仅供审查机关使用。")


def _apply_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


def _run(form: Any, action: Callable[[], Any]) -> bool:
    """Call the service; put its validation errors on the form. True when it succeeded."""
    try:
        action()
    except ValidationError as exc:
        _apply_errors(form, exc)
        return False
    except WorkflowError as exc:
        form.add_error(None, str(exc))
        return False
    return True


# --------------------------------------------------------------------------------------------
# Authority: dashboard and lists
# --------------------------------------------------------------------------------------------
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _authority_only(request.user)
    counts = selectors.dashboard_counts(user=request.user)
    stages = [(k, label, counts[k]) for k, label in selectors.STAGES.items()]
    flags = [(k, label, counts[k]) for k, label in selectors.FLAGS.items()]
    return render(
        request,
        "supervision/dashboard.html",
        {"stages": stages, "flags": flags, "total": counts["total"]},
    )


@login_required
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _authority_only(request.user)
    return exports.table_response(selectors.dashboard_table(user=request.user), fmt)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    _authority_only(request.user)
    key = request.GET.get("key", "")
    qs = selectors.supervised_cases(user=request.user, key=key)
    total = qs.count()
    cases = list(qs[: selectors.LIST_LIMIT])
    label = {**selectors.STAGES, **selectors.FLAGS}.get(key, "全部")
    return render(
        request,
        "supervision/case_list.html",
        {
            "cases": cases,
            "total": total,
            "key": key,
            "label": label,
            "limit": selectors.LIST_LIMIT,
            "stages": selectors.STAGES,
            "flag_labels": selectors.FLAGS,
        },
    )


@login_required
def case_list_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _authority_only(request.user)
    cases = list(selectors.supervised_cases(user=request.user, key=request.GET.get("key", "")))
    return exports.table_response(selectors.list_table(cases), fmt)


# --------------------------------------------------------------------------------------------
# One case
# --------------------------------------------------------------------------------------------
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(pk=pk, user=request.user)
    flags = selectors.flags_of(case)
    open_monitoring = [
        f for f in flags if f.kind == FlagKind.MONITORING_EXCESS and not f.resolved_at
    ]
    return render(
        request,
        "supervision/case_detail.html",
        {
            "case": case,
            "acceptance": selectors.acceptance_of(case),
            "rectifications": selectors.rectifications_of(case),
            "flags": flags,
            "open_monitoring": open_monitoring,
            "penalties": selectors.penalties_of(case),
            "monitoring": selectors.monitoring_view(case=case),
            "entry": selectors.inventory_entry_of(case),
            "supervisor": permissions.can_supervise(request.user, case),
            "owner": permissions.is_owner(request.user, case),
        },
    )


def _owner_case(request: HttpRequest, pk: int) -> Any:
    case = selectors.case_get(pk=pk, user=request.user)
    permissions.require_owner(request.user, case)
    return case


def _supervisor_case(request: HttpRequest, pk: int) -> Any:
    case = selectors.case_get(pk=pk, user=request.user)
    permissions.require_supervise(request.user, case)
    return case


def _form_page(
    request: HttpRequest,
    *,
    case: Any,
    form: Any,
    title: str,
    template: str = "supervision/form.html",
    **extra: Any,
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"case": case, "form": form, "title": title, **extra}
    return render(request, template, context, status=status)


@login_required
def construction_start(request: HttpRequest, pk: int) -> HttpResponse:
    case = _owner_case(request, pk)
    form = forms.ConstructionStartForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: construction_start_record(
                case=case, by=request.user, started_on=form.cleaned_data["started_on"]
            ),
        )
    ):
        messages.success(request, "已登记开工日期。")
        return redirect("supervision:case", pk=case.pk)
    return _form_page(request, case=case, form=form, title="登记开工")


@login_required
def acceptance_file(request: HttpRequest, pk: int) -> HttpResponse:
    case = _owner_case(request, pk)
    if Acceptance.objects.filter(case=case).exists():
        messages.info(request, "该项目已报备节能验收。")
        return redirect("supervision:case", pk=case.pk)
    conditions = acceptance_services.opinion_conditions(case)
    form = forms.AcceptanceForm(request.POST or None, request.FILES or None, conditions=conditions)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: acceptance_services.acceptance_file(
                case=case,
                by=request.user,
                data=form.data_for_service(),
                report=form.cleaned_data["report"],
            ),
        )
    ):
        messages.success(request, "节能验收已报备，等待审查机关核查。")
        return redirect("supervision:case", pk=case.pk)
    return _form_page(
        request,
        case=case,
        form=form,
        title="报备节能验收",
        template="supervision/acceptance_form.html",
    )


@login_required
def acceptance_report(request: HttpRequest, pk: int) -> FileResponse:
    case = selectors.case_get(pk=pk, user=request.user)
    acceptance = selectors.acceptance_of(case)
    if acceptance is None or not acceptance.report:
        raise Http404
    return FileResponse(
        acceptance.report.open("rb"),
        as_attachment=True,
        filename=acceptance.report_name,
        content_type="application/pdf",
    )


@login_required
def acceptance_check(request: HttpRequest, pk: int) -> HttpResponse:
    case = _supervisor_case(request, pk)
    acceptance = selectors.acceptance_of(case)
    if acceptance is None:
        raise Http404
    form = forms.AcceptanceCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        if _run(
            form,
            lambda: acceptance_services.acceptance_check(
                acceptance=acceptance,
                by=request.user,
                outcome=cd["outcome"],
                note=cd["note"],
                items=form.item_list(),
                deadline=cd["deadline"],
            ),
        ):
            messages.success(request, "已记录核查结论。")
            return redirect("supervision:case", pk=case.pk)
    return _form_page(
        request,
        case=case,
        form=form,
        title="核查节能验收",
        template="supervision/acceptance_check.html",
        acceptance=acceptance,
        filed=acceptance.state == AcceptanceState.FILED,
    )


@login_required
def rectification_order(request: HttpRequest, pk: int) -> HttpResponse:
    case = _supervisor_case(request, pk)
    form = forms.RectificationOrderForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: acceptance_services.rectification_order(
                case=case,
                by=request.user,
                items=form.item_list(),
                deadline=form.cleaned_data["deadline"],
            ),
        )
    ):
        messages.success(request, "已责令整改。")
        return redirect("supervision:case", pk=case.pk)
    return _form_page(request, case=case, form=form, title="责令整改")


def _rectification(request: HttpRequest, pk: int) -> Rectification:
    rect = Rectification.objects.select_related("case", "case__project").filter(pk=pk).first()
    if rect is None or not permissions.can_view(request.user, rect.case):
        raise Http404
    return rect


@login_required
def rectification_report(request: HttpRequest, pk: int) -> HttpResponse:
    rect = _rectification(request, pk)
    permissions.require_owner(request.user, rect.case)
    form = forms.RectificationReportForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: acceptance_services.rectification_report(
                rectification=rect, by=request.user, report=form.cleaned_data["report"]
            ),
        )
    ):
        messages.success(request, "已报送整改情况。")
        return redirect("supervision:case", pk=rect.case_id)
    return _form_page(request, case=rect.case, form=form, title="报送整改情况", rectification=rect)


@login_required
def rectification_close(request: HttpRequest, pk: int) -> HttpResponse:
    rect = _rectification(request, pk)
    permissions.require_supervise(request.user, rect.case)
    if rect.state == RectificationState.CLOSED:
        raise Http404
    form = forms.RectificationCloseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: acceptance_services.rectification_close(
                rectification=rect, by=request.user, note=form.cleaned_data["note"]
            ),
        )
    ):
        messages.success(request, "整改已销号。")
        return redirect("supervision:case", pk=rect.case_id)
    return _form_page(request, case=rect.case, form=form, title="整改销号", rectification=rect)


@login_required
def penalty_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _supervisor_case(request, pk)
    form = forms.PenaltyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        if _run(
            form,
            lambda: inspection_services.penalty_record(
                case=case,
                by=request.user,
                basis=cd["basis"],
                measure=cd["measure"],
                amount_yuan=cd["amount_yuan"],
                decided_on=cd["decided_on"],
                description=cd["description"],
            ),
        ):
            messages.success(request, "已记录行政处罚。")
            return redirect("supervision:case", pk=case.pk)
    return _form_page(request, case=case, form=form, title="记录行政处罚")


# --------------------------------------------------------------------------------------------
# Owner
# --------------------------------------------------------------------------------------------
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if not permissions.is_owner_user(request.user):
        raise PermissionDenied("仅建设单位可查看。")
    cases = list(selectors.owner_cases(user=request.user)[: selectors.LIST_LIMIT])
    return render(request, "supervision/mine.html", {"cases": cases, "stages": selectors.STAGES})
