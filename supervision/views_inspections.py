"""Inspection pages (双随机抽查): the list with the draw form, one inspection with its targets and
the proof that it redraws from its seed, recording a target's inspection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import forms, permissions, selectors
from .models import InspectionTarget
from .services import inspections as services
from .views import _authority_only, _form_page, _run


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    _authority_only(request.user)
    form = forms.InspectionDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        result: dict[str, object] = {}

        def draw() -> None:
            result["inspection"] = services.inspection_draw(
                by=request.user, title=cd["title"], sample_size=cd["sample_size"], seed=cd["seed"]
            )

        if _run(form, draw):
            messages.success(request, "已完成随机抽取。")
            return redirect("supervision:inspection", pk=result["inspection"].pk)  # type: ignore[union-attr]
    inspections = list(selectors.inspections_for(user=request.user)[: selectors.LIST_LIMIT])
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "supervision/inspections.html",
        {"form": form, "inspections": inspections},
        status=status,
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _authority_only(request.user)
    inspection = selectors.inspection_get(pk=pk, user=request.user)
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "targets": selectors.inspection_targets(inspection),
            "reproduces": services.inspection_verify(inspection),
            "population_size": len(inspection.population),
        },
    )


@login_required
def target_record(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    _authority_only(request.user)
    inspection = selectors.inspection_get(pk=pk, user=request.user)
    target = (
        InspectionTarget.objects.select_related("case", "case__project")
        .filter(pk=target_pk, inspection=inspection)
        .first()
    )
    if target is None:
        raise Http404
    permissions.require_supervise(request.user, target.case)
    form = forms.InspectionRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        if _run(
            form,
            lambda: services.inspection_target_record(
                target=target,
                by=request.user,
                inspectors=cd["inspectors"].replace("，", ",").split(","),
                inspected_on=cd["inspected_on"],
                compliant=cd["compliant"],
                findings=cd["findings"],
            ),
        ):
            messages.success(request, "已记录检查结果。")
            return redirect("supervision:inspection", pk=inspection.pk)
    return _form_page(request, case=target.case, form=form, title="记录抽查检查结果")
