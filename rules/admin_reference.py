"""Admin pages of the reference data admins maintain: benchmark editions (1609号 and later),
the exempt industries and project types (发改环资规〔2017〕1975号) and the coal-control regions.

Effective-dated, with change history and a 修改理由 for each change; every value is checked
as the engine will read it; spreadsheet 导入 (all rows or none) and 导出 as for the other policy
data (rules.imports_reference). A save, delete or import applies to the next assessment
(rules.reference_data notices the change).
"""

from __future__ import annotations

import math
import re
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rules import engine
from rules.admin import ImportExportMixin
from rules.imports_reference import (
    COAL_CONTROL_REGION,
    EFFICIENCY_BENCHMARK,
    EXEMPT_INDUSTRY,
    EXEMPT_PROJECT_TYPE,
)
from rules.models import CoalControlRegion, EfficiencyBenchmark, ExemptIndustry, ExemptProjectType

CONSTRUCTION_TYPES = ("new", "expansion", "renovation")
_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("修改理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text=_("记入修改历史（谁、何时、为何修改），如文件名称和文号。"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("停止施行日期不得早于施行日期。"))
        return cleaned


def _industry_codes(value: str) -> list[str]:
    return [c.strip() for c in (value or "").replace("；", ";").split(";") if c.strip()]


class EfficiencyBenchmarkForm(ReasonForm):
    class Meta:
        model = EfficiencyBenchmark
        fields = [
            "product",
            "name_zh",
            "unit",
            "output_unit",
            "benchmark",
            "baseline",
            "sector",
            "industries",
            "edition",
            "effective_from",
            "benchmark_mandatory_from",
            "mandatory_basis",
            "source",
        ]

    def clean_product(self) -> str:
        value = self.cleaned_data["product"].strip()
        if not _SLUG.match(value):
            raise forms.ValidationError(_("产品代码只能由小写字母、数字和下划线组成。"))
        return value

    def clean_industries(self) -> str:
        known = engine.load_reference().industries
        codes = _industry_codes(self.cleaned_data.get("industries", ""))
        bad = [c for c in codes if c not in known]
        if bad:
            raise forms.ValidationError(
                _("不是GB/T 4754-2017行业小类代码：%(codes)s") % {"codes": "、".join(bad)}
            )
        if not codes:
            raise forms.ValidationError(_("请至少填写一个适用行业小类代码。"))
        return ";".join(codes)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        benchmark, baseline = cleaned.get("benchmark"), cleaned.get("baseline")
        for name in ("benchmark", "baseline"):
            value = cleaned.get(name)
            if value is not None and not math.isfinite(value):
                self.add_error(name, _("须为有限的数。"))
        if benchmark is not None and baseline is not None and benchmark > baseline:
            # Lower is better: the 标杆 is never worse than the 基准.
            self.add_error("benchmark", _("标杆水平不得高于基准水平（能耗越低越先进）。"))
        if cleaned.get("benchmark_mandatory_from") and not cleaned.get("mandatory_basis"):
            self.add_error(
                "mandatory_basis", _("填写了强制执行日期时，须写明依据（文件名称、文号和条款）。")
            )
        return cleaned


class ExemptIndustryForm(ReasonForm):
    class Meta:
        model = ExemptIndustry
        fields = ["code", "name_zh", "list_item", "basis", "effective_from", "effective_to"]

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip()
        if value not in engine.load_reference().industries:
            raise forms.ValidationError(_("不是GB/T 4754-2017行业小类代码。"))
        return value


class ExemptProjectTypeForm(ReasonForm):
    class Meta:
        model = ExemptProjectType
        fields = ["type", "name_zh", "basis", "effective_from", "effective_to"]

    def clean_type(self) -> str:
        value = self.cleaned_data["type"].strip()
        if not _SLUG.match(value):
            raise forms.ValidationError(_("类型代码只能由小写字母、数字和下划线组成。"))
        return value


class CoalControlRegionForm(ReasonForm):
    class Meta:
        model = CoalControlRegion
        fields = ["code", "name_zh", "effective_from", "effective_to", "applies_to", "basis"]

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip()
        if not (value.isdigit() and len(value) in (2, 4, 6)):
            raise forms.ValidationError(_("须为2位（省）、4位（市）或6位（县）行政区划代码前缀。"))
        if not any(code.startswith(value) for code in engine.load_reference().regions):
            raise forms.ValidationError(_("没有以此开头的现行行政区划代码（GB/T 2260）。"))
        return value

    def clean_applies_to(self) -> str:
        parts = _industry_codes(self.cleaned_data.get("applies_to", ""))
        bad = [p for p in parts if p not in CONSTRUCTION_TYPES]
        if bad or not parts:
            raise forms.ValidationError(
                _("填写new（新建）、expansion（扩建）、renovation（改建），以;分隔。")
            )
        return ";".join(t for t in CONSTRUCTION_TYPES if t in parts)


class ReasonAdmin(SimpleHistoryAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        reason = form.cleaned_data.get("change_reason") or ""
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)


@admin.register(EfficiencyBenchmark)
class EfficiencyBenchmarkAdmin(ImportExportMixin, ReasonAdmin):
    import_spec = EFFICIENCY_BENCHMARK
    form = EfficiencyBenchmarkForm
    list_display = (
        "product",
        "name_zh",
        "edition",
        "effective_from",
        "benchmark",
        "baseline",
        "unit",
        "industries",
        "benchmark_mandatory_from",
    )
    list_filter = ("sector", "edition")
    search_fields = ("product", "name_zh", "industries")
    fieldsets = (
        (None, {"fields": ("product", "name_zh", "sector", "industries")}),
        (
            _("水平值"),
            {"fields": ("unit", "output_unit", "benchmark", "baseline", "edition", "source")},
        ),
        (_("施行"), {"fields": ("effective_from", "benchmark_mandatory_from", "mandatory_basis")}),
        (_("修改记录"), {"fields": ("change_reason",)}),
    )


@admin.register(ExemptIndustry)
class ExemptIndustryAdmin(ImportExportMixin, ReasonAdmin):
    import_spec = EXEMPT_INDUSTRY
    form = ExemptIndustryForm
    list_display = ("code", "name_zh", "list_item", "effective_from", "effective_to")
    search_fields = ("code", "name_zh", "list_item")


@admin.register(ExemptProjectType)
class ExemptProjectTypeAdmin(ImportExportMixin, ReasonAdmin):
    import_spec = EXEMPT_PROJECT_TYPE
    form = ExemptProjectTypeForm
    list_display = ("type", "name_zh", "effective_from", "effective_to")
    search_fields = ("type", "name_zh")


@admin.register(CoalControlRegion)
class CoalControlRegionAdmin(ImportExportMixin, ReasonAdmin):
    import_spec = COAL_CONTROL_REGION
    form = CoalControlRegionForm
    list_display = ("code", "name_zh", "effective_from", "effective_to", "applies_to")
    list_filter = ("effective_from",)
    search_fields = ("code", "name_zh")
