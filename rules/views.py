"""Authority-wide pages: the overview, the barometer (晴雨表), energy budgets and policy versions.

Reviewers, national reviewers and admins read them (a provincial reviewer's figures are his
province's); applicants get 403. Only admins add, preview and publish policy versions.
Every chart is drawn server-side (rules.charts) beside its table, and every table exports as
CSV and XLSX.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from common.numbers import format_number
from review.models import CaseState
from rules import charts, policy_preview, selectors
from rules.charts import Table
from rules.forms import PolicyVersionForm, PolicyVersionPublishForm
from rules.models import PolicyVersion, WarningLevel
from rules.policy_preview import VERSION_FIELDS, PreviewRow
from scale.breakdown import breakdown

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", charts.table_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        charts.table_xlsx,
    ),
}


def _require_admin(request: HttpRequest) -> None:
    if not roles.is_admin(request.user):
        raise PermissionDenied


def _export(table: Table, fmt: str, filename: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404
    content_type, render_table = EXPORT_TYPES[fmt]
    response = HttpResponse(render_table(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _admin_url(name: str) -> str:
    """The admin changelist for maintaining the data, when the admin site registers it."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _year_choices(today: date, extra: list[int] | None = None) -> list[int]:
    return sorted({*range(today.year - 4, today.year + 2), *(extra or [])}, reverse=True)


# ------------------------------------------------------------------------------------------
# Overview
# ------------------------------------------------------------------------------------------
WIDE = 1150  # a full-width card's chart, in px at natural size
NARROW = 360  # a third-width card's chart


def _overview_charts(tables: dict[str, Table]) -> dict[str, Any]:
    empty = _("暂无数据")
    trend = tables["trend"]
    return {
        "states": charts.table_hbar_chart(tables["states"], width=NARROW, empty_message=empty),
        "routes": charts.table_hbar_chart(
            tables["routes"], width=NARROW, color=charts.PALETTE[2], empty_message=empty
        ),
        "recommendations": charts.table_hbar_chart(
            tables["recommendations"], width=NARROW, color=charts.PALETTE[1], empty_message=empty
        ),
        "two_high": charts.table_bar_chart(
            tables["two_high"], value_cols=(1, 2, 3), empty_message=empty, width=WIDE, height=260
        ),
        "budgets": charts.table_bar_chart(
            tables["budgets"],
            label_col=1,
            value_cols=(3, 4),
            colors=("#98a2b3", "#1f4e8c"),
            empty_message=empty,
            width=WIDE,
            height=280,
        ),
        "trend": charts.table_line_chart(
            trend,
            value_cols=(1, 2),
            labels=[_("%(m)s月") % {"m": int(row[0][5:])} for row in trend.rows],
            empty_message=empty,
            width=WIDE,
            height=260,
        ),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    scope = selectors.authority_scope_for(user=request.user)
    today = timezone.localdate()
    year = selectors.overview_year(request.GET.get("year"), today)
    tallied = breakdown(scope.q())  # the case counters, read once for tables and summary
    tables = selectors.overview_tables(scope=scope, year=year, today=today, tallied=tallied)
    context = {
        "scope": scope,
        "year": year,
        "years": _year_choices(today, [year]),
        "today": today,
        "summary": selectors.overview_summary(scope=scope, today=today, tallied=tallied),
        "tables": tables,
        "charts": _overview_charts(tables),
    }
    return render(request, "rules/overview.html", context)


@login_required
def overview_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    scope = selectors.authority_scope_for(user=request.user)
    build = selectors.OVERVIEW_TABLES.get(key)
    if build is None:
        raise Http404
    today = timezone.localdate()
    year = selectors.overview_year(request.GET.get("year"), today)
    table = build(scope=scope, year=year, today=today)
    return _export(table, fmt, f"overview-{key}-{year}-{scope.province or 'all'}")


# ------------------------------------------------------------------------------------------
# Barometer (能耗双控晴雨表, 方案（十五）)
# ------------------------------------------------------------------------------------------
def _barometer_year(request: HttpRequest, today: date) -> tuple[int, list[int]]:
    years = selectors.barometer_years()
    raw = request.GET.get("year")
    year = (
        selectors.overview_year(raw, today)
        if raw
        else selectors.barometer_default_year(years, today)
    )
    return year, years


def _barometer_legend(tiles: list[selectors.BarometerTile]) -> list[tuple[str, str, int]]:
    counts = selectors.barometer_counts(tiles)
    legend = [(value, str(label), counts[value]) for value, label in WarningLevel.choices]
    return [*legend, ("none", _("未报送"), counts["none"])]


@login_required
def barometer(request: HttpRequest) -> HttpResponse:
    scope = selectors.authority_scope_for(user=request.user)
    today = timezone.localdate()
    year, years = _barometer_year(request, today)
    tiles = selectors.barometer_tiles(year=year)
    context = {
        "scope": scope,
        "year": year,
        "years": _year_choices(today, [*years, year]),
        "tiles": tiles,
        "legend": _barometer_legend(tiles),
        "table": selectors.barometer_table(tiles, year=year),
        "maintain_url": _admin_url("admin:rules_regionstatus_changelist")
        if roles.is_admin(request.user)
        else "",
    }
    return render(request, "rules/barometer.html", context)


@login_required
def barometer_export(request: HttpRequest, fmt: str) -> HttpResponse:
    selectors.authority_scope_for(user=request.user)
    year, _years = _barometer_year(request, timezone.localdate())
    table = selectors.barometer_table(selectors.barometer_tiles(year=year), year=year)
    return _export(table, fmt, f"barometer-{year}")


# ------------------------------------------------------------------------------------------
# Energy budgets (用能预算, 方案（十一）)
# ------------------------------------------------------------------------------------------
@login_required
def budgets(request: HttpRequest) -> HttpResponse:
    scope = selectors.authority_scope_for(user=request.user)
    today = timezone.localdate()
    year = selectors.overview_year(request.GET.get("year"), today)
    statuses = selectors.budget_statuses(year=year, scope=scope)
    table = selectors.budget_table(statuses)
    chart = charts.table_bar_chart(
        table,
        label_col=1,
        value_cols=(3, 4),
        colors=("#98a2b3", "#1f4e8c"),
        empty_message=_("本年度暂无用能预算或已批准项目"),
        width=WIDE,
        height=300,
    )
    context = {
        "scope": scope,
        "year": year,
        "years": _year_choices(today, [year]),
        "statuses": statuses,
        "table": table,
        "chart": chart,
        "maintain_url": _admin_url("admin:rules_energybudget_changelist")
        if roles.is_admin(request.user)
        else "",
    }
    return render(request, "rules/budgets.html", context)


@login_required
def budgets_export(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = selectors.authority_scope_for(user=request.user)
    year = selectors.overview_year(request.GET.get("year"), timezone.localdate())
    table = selectors.budget_table(selectors.budget_statuses(year=year, scope=scope))
    return _export(table, fmt, f"budgets-{year}-{scope.province or 'all'}")


# ------------------------------------------------------------------------------------------
# Policy versions
# ------------------------------------------------------------------------------------------
@login_required
def policy_versions(request: HttpRequest) -> HttpResponse:
    selectors.authority_scope_for(user=request.user)
    today = timezone.localdate()
    versions = list(selectors.policy_version_list())
    in_force = next((v for v in versions if v.published and v.effective_from <= today), None)
    context = {
        "versions": [_version_display(v) for v in versions],
        "in_force": in_force,
        "today": today,
        "can_edit": roles.is_admin(request.user),
    }
    return render(request, "rules/policy_versions.html", context)


@login_required
def policy_version_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    if request.method == "POST":
        form = PolicyVersionForm(request.POST)
        if form.is_valid():
            try:
                version = policy_preview.policy_version_create(
                    data=form.cleaned_data, by=request.user
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in VERSION_FIELDS else None, errors)
            else:
                messages.success(
                    request,
                    _("政策版本 %(v)s 已保存（未发布）。请核对预览结果后发布。")
                    % {"v": version.version},
                )
                return redirect("rules:policy_version_preview", pk=version.pk)
    else:
        form = PolicyVersionForm(
            initial=PolicyVersionForm.initial_from(selectors.policy_version_latest_published())
        )
    return render(request, "rules/policy_version_form.html", {"form": form})


def _parameter_text(value: Any) -> str:
    if isinstance(value, bool):
        return _("适用") if value else _("不适用")
    if isinstance(value, int | float):
        # Up to four decimals: 0.2990 and 0.3007 must not both read 「0.3」.
        return format_number(value)
    return charts.display_value(value)


def _parameter_changes(version: PolicyVersion, base: PolicyVersion | None) -> list[dict[str, Any]]:
    """The candidate's parameters beside the latest published version's, changed ones marked."""
    rows = []
    for name in VERSION_FIELDS[1:-1]:
        field = PolicyVersion._meta.get_field(name)
        new = getattr(version, name)
        old = getattr(base, name) if base is not None else None
        rows.append(
            {
                "label": field.verbose_name,
                "new": _parameter_text(new),
                "old": _parameter_text(old) if base is not None else "",
                "changed": base is not None and new != old and name != "effective_from",
            }
        )
    return rows


def _version_display(version: PolicyVersion) -> dict[str, Any]:
    return {
        "row": version,
        "provincial_threshold_tce": charts.display_value(version.provincial_threshold_tce),
        "exempt_below_tce": charts.display_value(version.exempt_below_tce),
        "exempt_below_kwh": charts.display_value(version.exempt_below_kwh),
        "two_high_window_guidance_tce": charts.display_value(version.two_high_window_guidance_tce),
    }


_OUTCOME_LABELS = {
    "route": selectors.ROUTE_LABELS,
    "review_level": selectors.REVIEW_LEVEL_LABELS,
    "recommendation": selectors.RECOMMENDATION_LABELS,
}


def _preview_display(row: PreviewRow) -> dict[str, Any]:
    """A preview row with labels, and one cell per compared field (before → after)."""
    cells = []
    for name, labels in _OUTCOME_LABELS.items():
        before = getattr(row.before, name) if row.before else ""
        after = getattr(row.after, name) if row.after else ""
        cells.append(
            {
                "before": labels.get(before, before),
                "after": labels.get(after, after),
                "changed": name in row.changed,
            }
        )
    return {
        "case_id": row.case_id,
        "project_name": row.project_name,
        "project_code": row.project_code,
        "province_name": selectors.province_name(row.province),
        "state_label": dict(CaseState.choices).get(row.state, row.state),
        "counted_tce": charts.display_value(row.counted_tce),
        "error": row.error,
        "cells": cells,
    }


@login_required
def policy_version_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    version = get_object_or_404(PolicyVersion, pk=pk)
    base = (  # the version it follows: the latest published one taking effect before it
        PolicyVersion.objects.filter(published=True, effective_from__lt=version.effective_from)
        .exclude(pk=version.pk)
        .order_by("-effective_from")
        .first()
    )
    report = policy_preview.policy_version_preview_report(version=version)
    context = {
        "version": version,
        "base": base,
        "parameters": _parameter_changes(version, base),
        "report": report,
        "rows": [_preview_display(row) for row in report.rows],
        "form": PolicyVersionPublishForm(),
    }
    return render(request, "rules/policy_version_preview.html", context)


@login_required
@require_POST
def policy_version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    version = get_object_or_404(PolicyVersion, pk=pk)
    form = PolicyVersionPublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["confirm"]))
        return redirect("rules:policy_version_preview", pk=version.pk)
    try:
        policy_preview.policy_version_publish(version=version, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rules:policy_version_preview", pk=version.pk)
    messages.success(
        request,
        _("政策版本 %(v)s 已发布，自 %(d)s 起提交的项目适用。")
        % {"v": version.version, "d": version.effective_from.isoformat()},
    )
    return redirect("rules:policy_versions")
