"""Admin of the review app's reference data: the official calendar by year (with history) and
the evaluation bodies the authorities commission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarYear, EvaluationBody


class _DatesField(forms.CharField):
    """One date a line (2027-01-01), or separated by commas; stored as a JSON list."""

    widget = forms.Textarea(attrs={"rows": 8})

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return super().prepare_value(value)

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value) or ""
        return [part.strip() for part in text.replace(",", "\n").split() if part.strip()]


class CalendarYearForm(forms.ModelForm):
    holidays = _DatesField(
        label="法定节假日（放假日期，每行一个）", required=False, max_length=2000
    )
    workdays = _DatesField(label="调休上班日期（每行一个）", required=False, max_length=1000)

    class Meta:
        model = CalendarYear
        fields = ["year", "holidays", "workdays", "source"]


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    """Enter the State Council's schedule of a year; deadlines use it before the package's data
    and running cases' estimated deadlines are computed again."""

    form = CalendarYearForm
    list_display = ("year", "source", "updated_at")


@admin.register(EvaluationBody)
class EvaluationBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "contact", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
