"""Admin of the supervision data: monitored energy use with the spreadsheet 导入 (all rows or
none, ``supervision.services.monitoring``), and read access to filings, flags, rectifications,
inspections and penalties (their writes go through the pages and the API, which record events).

The admin role (``accounts.roles.is_admin``) maintains these, like the other policy data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from accounts import roles
from rules.imports import ImportRejected

from .forms import MonitoringImportForm
from .models import (
    Acceptance,
    Inspection,
    InventoryLink,
    MonthlyEnergy,
    Penalty,
    Rectification,
    SupervisionFlag,
)
from .services.monitoring import COLUMNS, monitoring_import


class AdminRoleMixin:
    """The admin role sees these models; only monitoring data may be added (by import)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MonthlyEnergy)
class MonthlyEnergyAdmin(AdminRoleMixin, admin.ModelAdmin):
    change_list_template = "admin/supervision/monthlyenergy_change_list.html"
    list_display = ("project", "month", "tce", "source", "updated_at")
    list_filter = ("source",)
    search_fields = ("project__project_code", "project__name")
    list_select_related = ("project",)
    date_hierarchy = "month"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="supervision_monthlyenergy_import",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return roles.is_admin(request.user) and not roles.is_applicant(request.user)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {"has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context={**extra, **(extra_context or {})})

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        errors: list[str] = []
        bad_rows = 0
        form = MonitoringImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = monitoring_import(upload.read(), filename=upload.name, by=request.user)
            except ImportRejected as exc:
                errors = exc.lines()
                bad_rows = len(exc.rows)
            else:
                self.message_user(request, f"{upload.name}：{result.summary()}", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:supervision_monthlyenergy_changelist"))
        columns = [
            {
                "name": name,
                "label": aliases[1],
                "aliases": "、".join(aliases[1:]),
                "required": "是",
                "values": "YYYY-MM" if name == "month" else "",
            }
            for name, aliases in COLUMNS.items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "导入能耗在线监测数据",
            "opts": opts,
            "form": form,
            "import_errors": errors,
            "bad_rows": bad_rows,
            "columns": columns,
        }
        return TemplateResponse(
            request, "admin/rules/import.html", context, status=400 if errors else 200
        )


@admin.register(Acceptance)
class AcceptanceAdmin(AdminRoleMixin, admin.ModelAdmin):
    list_display = ("case", "completed_on", "state", "exceeds_threshold", "filed_at")
    list_filter = ("state", "exceeds_threshold")


@admin.register(Rectification)
class RectificationAdmin(AdminRoleMixin, admin.ModelAdmin):
    list_display = ("case", "deadline", "state", "ordered_at", "closed_at")
    list_filter = ("state",)


@admin.register(SupervisionFlag)
class SupervisionFlagAdmin(AdminRoleMixin, admin.ModelAdmin):
    list_display = ("case", "kind", "period", "raised_at", "resolved_at")
    list_filter = ("kind",)


@admin.register(Inspection)
class InspectionAdmin(AdminRoleMixin, admin.ModelAdmin):
    list_display = ("title", "province", "seed", "sample_size", "drawn_at")


@admin.register(Penalty)
class PenaltyAdmin(AdminRoleMixin, admin.ModelAdmin):
    list_display = ("case", "basis", "measure", "amount_yuan", "decided_on")


@admin.register(InventoryLink)
class InventoryLinkAdmin(AdminRoleMixin, admin.ModelAdmin):
    list_display = ("case", "entry", "created_at")
