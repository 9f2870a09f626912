"""Admin site for the policy data: the two-high inventory, regional status, energy budgets and
policy versions, each with change history, spreadsheet 导入 (all rows or none) and 导出.

Only users with add and change permission on a model (admins) may import; viewing and export
need the view permission. Changes to the inventory go through `rules.services` so that who and
why are recorded and affected review cases are flagged. The import and export machinery is in
`rules.admin_import_export`, the list filters and change forms in `rules.admin_forms`; both are
re-exported here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rules import engine
from rules.admin_forms import (  # noqa: F401  (re-exported)
    EnergyBudgetForm,
    IndustryFilter,
    PolicyVersionForm,
    ProvinceFilter,
    ReasonRecordingAdmin,
    RegionStatusForm,
    SectorFilter,
    SpecCheckedForm,
    TwoHighEntryForm,
)
from rules.admin_import_export import (  # noqa: F401  (re-exported)
    IMPORT_MAX_BYTES,
    ImportExportMixin,
    ImportForm,
)
from rules.imports import ENERGY_BUDGET, POLICY_VERSION, REGION_STATUS, TWO_HIGH
from rules.models import EnergyBudget, PolicyVersion, Reassessment, RegionStatus, TwoHighEntry
from rules.services import (
    TWO_HIGH_FIELDS,
    province_name,
    two_high_entry_create,
    two_high_entry_delete,
    two_high_entry_update,
)


# --------------------------------------------------------------------------------------------
# Two-high inventory (方案（七）)
# --------------------------------------------------------------------------------------------
@admin.register(TwoHighEntry)
class TwoHighEntryAdmin(ImportExportMixin, SimpleHistoryAdmin):
    import_spec = TWO_HIGH
    form = TwoHighEntryForm
    list_display = (
        "project_code",
        "project_name",
        "province_label",
        "region_label",
        "industry_label",
        "status",
        "disposal",
        "annual_tce_label",
    )
    list_filter = (ProvinceFilter, "status", "disposal", SectorFilter, IndustryFilter)
    search_fields = ("project_code", "project_name")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("project_code", "project_name", "region", "province", "industry")}),
        (_("清单信息"), {"fields": ("status", "annual_tce", "disposal", "note")}),
        (_("修改记录"), {"fields": ("change_reason",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The project code is the key of the inventory and of imports; it does not change.
        return ("province", "project_code") if obj is not None else ("province",)

    @admin.display(description=_("省份"), ordering="province")
    def province_label(self, obj: TwoHighEntry) -> str:
        return province_name(obj.province)

    @admin.display(description=_("地区"), ordering="region")
    def region_label(self, obj: TwoHighEntry) -> str:
        return f"{obj.region} {engine.load_reference().regions.get(obj.region, '')}"

    @admin.display(description=_("行业"), ordering="industry")
    def industry_label(self, obj: TwoHighEntry) -> str:
        return f"{obj.industry} {engine.load_reference().industries.get(obj.industry, '')}"

    @admin.display(description=_("年综合能耗（吨标准煤）"), ordering="annual_tce")
    def annual_tce_label(self, obj: TwoHighEntry) -> str:
        return "—" if obj.annual_tce is None else f"{obj.annual_tce:,.2f}"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data[k] for k in TWO_HIGH_FIELDS if k in form.cleaned_data}
        reason = form.cleaned_data["change_reason"]
        if change:
            saved = two_high_entry_update(entry=obj, data=data, by=request.user, reason=reason)
        else:
            saved = two_high_entry_create(data=data, by=request.user, reason=reason)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        two_high_entry_delete(entry=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for entry in queryset:
            two_high_entry_delete(entry=entry, by=request.user)


# --------------------------------------------------------------------------------------------
# Regional status (晴雨表), energy budgets (方案（十一）), policy versions
# --------------------------------------------------------------------------------------------
@admin.register(RegionStatus)
class RegionStatusAdmin(ImportExportMixin, ReasonRecordingAdmin):
    import_spec = REGION_STATUS
    form = RegionStatusForm
    list_display = (
        "province_label",
        "year",
        "basic_target_pct",
        "incentive_target_pct",
        "progress_pct",
        "behind_basic_target",
        "substitution_ratio",
        "warning_level",
        "two_high_suspended",
    )
    list_filter = (
        "year",
        "warning_level",
        "behind_basic_target",
        "two_high_suspended",
        ProvinceFilter,
    )
    list_per_page = 100

    @admin.display(description=_("省份"), ordering="province")
    def province_label(self, obj: RegionStatus) -> str:
        return f"{obj.province} {province_name(obj.province)}"


@admin.register(EnergyBudget)
class EnergyBudgetAdmin(ImportExportMixin, ReasonRecordingAdmin):
    import_spec = ENERGY_BUDGET
    form = EnergyBudgetForm
    list_display = ("province_label", "year", "authority_label", "budget_label", "note")
    list_filter = ("year", ProvinceFilter)
    list_select_related = ("authority",)
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[EnergyBudget]:
        return super().get_queryset(request).select_related("authority")

    @admin.display(description=_("单列预算的审查机关"), ordering="authority__code")
    def authority_label(self, obj: EnergyBudget) -> str:
        return obj.authority.name if obj.authority_id else str(_("—（全省预算）"))

    @admin.display(description=_("省份"), ordering="province")
    def province_label(self, obj: EnergyBudget) -> str:
        return f"{obj.province} {province_name(obj.province)}"

    @admin.display(description=_("新增用能预算（吨标准煤）"), ordering="budget_tce")
    def budget_label(self, obj: EnergyBudget) -> str:
        return f"{obj.budget_tce:,.0f}"


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ImportExportMixin, ReasonRecordingAdmin):
    """Versions are data (policy_versions.csv). A published version is fixed: assessments and
    issued opinions cite it; a change of policy is a new version with its own date."""

    import_spec = POLICY_VERSION
    form = PolicyVersionForm
    list_display = (
        "version",
        "effective_from",
        "provincial_threshold_tce",
        "exempt_below_tce",
        "exempt_below_kwh",
        "two_high_window_guidance_tce",
        "substitution_rules",
        "increment_basis",
        "regional_deducts_renewable",
        "regional_deducts_feedstock",
        "equal_value_kgce_per_kwh",
        "published",
    )
    list_filter = ("published", "substitution_rules")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.published:
            return (*POLICY_VERSION.names, "published")
        return ("published",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            # A version added here waits for its preview before it is published.
            obj.published = False
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.published:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Reassessment)
class ReassessmentAdmin(admin.ModelAdmin):
    """Read-only: written by `manage.py reassess_projects`."""

    list_display = (
        "submission_id",
        "version",
        "route",
        "review_level",
        "recommendation",
        "counted_tce",
        "assessed_at",
    )
    list_filter = ("version", "route", "recommendation")
    search_fields = ("=submission_id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The maintained reference data (benchmarks, exempt lists, coal-control regions).
from rules import admin_reference  # noqa: E402, F401
