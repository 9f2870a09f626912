"""List filters and change forms of the policy-data admin (:mod:`rules.admin`).

Filters by province, two-high sector and industry; change forms whose cells are checked exactly
as the import checks them, with a 修改理由 that the history records.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from rules import engine
from rules.imports import (
    ENERGY_BUDGET,
    POLICY_VERSION,
    REGION_STATUS,
    TWO_HIGH,
    CellError,
    TableSpec,
    cell_read,
)
from rules.models import EnergyBudget, PolicyVersion, RegionStatus, TwoHighEntry
from rules.services import TWO_HIGH_FIELDS, mainland_provinces


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
