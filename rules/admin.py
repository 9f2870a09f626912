"""Admin site for the policy data: the two-high inventory, regional status, energy budgets and
policy versions, each with change history, spreadsheet 导入 (all rows or none) and 导出.

Only users with add and change permission on a model (admins) may import; viewing and export
need the view permission. Changes to the inventory go through `rules.services` so that who and
why are recorded and affected review cases are flagged.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rules import engine
from rules.imports import (
    ENERGY_BUDGET,
    POLICY_VERSION,
    REGION_STATUS,
    TWO_HIGH,
    CellError,
    ImportRejected,
    TableSpec,
    cell_read,
    table_export_csv,
    table_export_xlsx,
    table_import,
)
from rules.models import EnergyBudget, PolicyVersion, Reassessment, RegionStatus, TwoHighEntry
from rules.services import (
    TWO_HIGH_FIELDS,
    mainland_provinces,
    province_name,
    two_high_entry_create,
    two_high_entry_delete,
    two_high_entry_update,
)

IMPORT_MAX_BYTES = 20 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Import and export
# --------------------------------------------------------------------------------------------
class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8，可带BOM）或XLSX；第1行为表头，可用英文列名或中文列名。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    reason = forms.CharField(
        label=_("导入说明"),
        required=False,
        max_length=200,
        help_text=_("记入修改历史，如“省发展改革委2026年第3批清单”。缺省为文件名。"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过20MB。"))
        return upload


class ImportExportMixin:
    """Adds 导入 (a view) and 导出 CSV/XLSX (actions and links) for `import_spec`."""

    import_spec: TableSpec
    change_list_template = "admin/rules/change_list_import_export.html"
    actions = ["export_selected_csv", "export_selected_xlsx"]

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta  # type: ignore[attr-defined]
        name = f"{opts.app_label}_{opts.model_name}"
        site = self.admin_site  # type: ignore[attr-defined]
        return [
            path("import/", site.admin_view(self.import_view), name=f"{name}_import"),
            path("export/<str:fmt>/", site.admin_view(self.export_view), name=f"{name}_export"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)  # type: ignore[attr-defined]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {
            "has_import_permission": self.has_import_permission(request),
            "export_query": request.GET.urlencode(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra)  # type: ignore[misc]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        opts = self.model._meta  # type: ignore[attr-defined]
        errors: list[str] = []
        bad_rows = 0
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    result = table_import(
                        self.import_spec,
                        upload.read(),
                        filename=upload.name,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ImportRejected as exc:
                    errors = exc.lines()
                    bad_rows = len(exc.rows)
                else:
                    self.message_user(  # type: ignore[attr-defined]
                        request, f"{upload.name}：{result.summary()}", messages.SUCCESS
                    )
                    return HttpResponseRedirect(
                        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                    )
        else:
            form = ImportForm()
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("导入%(name)s") % {"name": opts.verbose_name},
            "opts": opts,
            "form": form,
            "import_errors": errors,
            "bad_rows": bad_rows,
            "columns": self._column_help(),
        }
        return TemplateResponse(
            request, "admin/rules/import.html", context, status=400 if errors else 200
        )

    def _column_help(self) -> list[dict[str, str]]:
        spec = self.import_spec
        out = []
        for column in spec.columns:
            field = spec.model._meta.get_field(column.name)
            choices = getattr(field, "choices", None)
            out.append(
                {
                    "name": column.name,
                    "label": str(field.verbose_name),
                    "aliases": "、".join(column.labels),
                    "required": "是" if column.required else "否",
                    "values": "、".join(f"{label}（{value}）" for value, label in choices)
                    if choices
                    else "",
                }
            )
        return out

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)  # type: ignore[attr-defined]
        return self._export(changelist.get_queryset(request), fmt)

    def _export(self, queryset: QuerySet[Any], fmt: str) -> HttpResponse:
        spec = self.import_spec
        queryset = queryset.order_by(*spec.key)
        if fmt == "xlsx":
            body = table_export_xlsx(spec, queryset.iterator())
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "csv":
            body = table_export_csv(spec, queryset.iterator())
            content_type = "text/csv; charset=utf-8"
        else:
            raise PermissionDenied
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{spec.slug}.{fmt}"'
        return response

    @admin.action(description=_("导出所选（CSV）"), permissions=["view"])
    def export_selected_csv(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        return self._export(queryset, "csv")

    @admin.action(description=_("导出所选（XLSX）"), permissions=["view"])
    def export_selected_xlsx(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        return self._export(queryset, "xlsx")


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------
class ProvinceFilter(admin.SimpleListFilter):
    title = _("省份")
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        present = set(model_admin.model.objects.values_list("province", flat=True).distinct())
        return [(code, name) for code, name in mainland_provinces().items() if code in present]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(province=self.value()) if self.value() else queryset


def _sector_of(industry: str) -> str | None:
    row = engine.load_reference().catalogue.get(industry)
    return row.sector if row is not None and row.two_high else None


class SectorFilter(admin.SimpleListFilter):
    """Two-high sector (方案（七）: 煤电、石化、化工、钢铁、有色金属冶炼、建材) of the industry."""

    title = _("两高行业")
    parameter_name = "sector"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            *((key, labels[0]) for key, labels in engine.messages.SECTOR_LABELS.items()),
            ("none", "非两高目录行业"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        catalogue = engine.load_reference().catalogue
        in_catalogue = [c for c, row in catalogue.items() if row.two_high and row.sector]
        if value == "none":
            return queryset.exclude(industry__in=in_catalogue)
        return queryset.filter(
            industry__in=[c for c in in_catalogue if catalogue[c].sector == value]
        )


class IndustryFilter(admin.SimpleListFilter):
    title = _("行业")
    parameter_name = "industry"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        names = engine.load_reference().industries
        present = sorted(set(model_admin.model.objects.values_list("industry", flat=True)))
        return [(code, f"{code} {names.get(code, '')}") for code in present]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(industry=self.value()) if self.value() else queryset


# --------------------------------------------------------------------------------------------
# Forms: cells are checked exactly as the import checks them
# --------------------------------------------------------------------------------------------
class SpecCheckedForm(forms.ModelForm):
    spec: TableSpec
    checked: tuple[str, ...] = ()
    reason_required = False

    change_reason = forms.CharField(
        label=_("修改理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text=_("记入修改历史（谁、何时、为何修改）。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_reason"].required = self.reason_required

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in self.checked:
            if name not in self.fields or self.fields[name].disabled or name in self.errors:
                continue
            value = cleaned.get(name)
            try:
                cleaned[name] = cell_read(self.spec, name, value)
            except CellError as exc:
                self.add_error(name, str(exc))
        return cleaned


class TwoHighEntryForm(SpecCheckedForm):
    spec = TWO_HIGH
    checked = ("project_code", "region", "industry", "annual_tce")
    reason_required = True

    class Meta:
        model = TwoHighEntry
        fields = list(TWO_HIGH_FIELDS)


class RegionStatusForm(SpecCheckedForm):
    spec = REGION_STATUS
    checked = ("province", "substitution_ratio")

    class Meta:
        model = RegionStatus
        fields = REGION_STATUS.names


class EnergyBudgetForm(SpecCheckedForm):
    spec = ENERGY_BUDGET
    checked = ("province", "budget_tce")

    class Meta:
        model = EnergyBudget
        fields = ENERGY_BUDGET.names


class PolicyVersionForm(SpecCheckedForm):
    spec = POLICY_VERSION

    class Meta:
        model = PolicyVersion
        fields = [*POLICY_VERSION.names]


class ReasonRecordingAdmin(SimpleHistoryAdmin):
    """Records the form's 修改理由 as the history's change reason."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        reason = form.cleaned_data.get("change_reason") or ""
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)


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
