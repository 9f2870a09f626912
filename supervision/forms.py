"""Forms of the supervision pages: they only parse HTTP input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.fields import TypedFloatField, decimal_input
from common.number_input import read_typed_number
from common.numbers import format_number, normalize_number
from projects.forms import TypedDecimalField, energy_type_choices, unit_choices

from .legal import PENALTY_BASES

ENERGY_ROWS = 6
PRODUCT_ROWS = 3


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --------------------------------------------------------------------------------------------
# Figures typed as people print them (「150,000」, full-width digits: common.numbers), shown back
# with separators; a mis-grouped separator (「1,00」) is named as such.
# --------------------------------------------------------------------------------------------
class FigureInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({**decimal_input().attrs, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value)
        return super().format_value(value)


def _check_grouping(value: Any) -> None:
    _value, misgrouped = read_typed_number(value)
    if misgrouped:
        raise forms.ValidationError(misgrouped, code="misgrouped")


class _TypedFigure(forms.Field):
    """A figure typed with separators or full-width digits, shown back with separators; a
    mis-grouped separator is refused by name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", FigureInput())
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        _check_grouping(value)
        return super().to_python(value)


class FigureField(_TypedFigure, TypedFloatField):
    pass


class MoneyField(_TypedFigure, TypedDecimalField):
    pass


class CountField(forms.IntegerField):
    """A whole number typed with full-width digits or separators (「１０」, 「1,000」)."""

    widget = FigureInput

    def to_python(self, value: Any) -> Any:
        _check_grouping(value)
        return super().to_python(normalize_number(value))


class AcceptanceForm(forms.Form):
    """The acceptance filing; energy and product rows are numbered fields (no JavaScript)."""

    completed_on = forms.DateField(
        label=_("竣工日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    actual_capacity = forms.CharField(label=_("实际建设规模（产能）"), max_length=200)
    committee_conclusion = forms.CharField(
        label=_("验收委员会结论"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    report = forms.FileField(
        label=_("节能验收报告（PDF）"),
        error_messages={"required": _("请上传节能验收报告（PDF）。")},
    )

    def __init__(self, *args: Any, conditions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conditions = conditions
        for i in range(ENERGY_ROWS):
            self.fields[f"energy_{i}_type"] = forms.ChoiceField(
                label=_("能源品种"), choices=energy_type_choices, required=False
            )
            self.fields[f"energy_{i}_quantity"] = FigureField(
                label=_("年用量"), required=False, min_value=0
            )
            self.fields[f"energy_{i}_unit"] = forms.ChoiceField(
                label=_("计量单位"), choices=unit_choices, required=False
            )
        for i in range(PRODUCT_ROWS):
            self.fields[f"product_{i}_product"] = forms.CharField(
                label=_("产品"), max_length=64, required=False
            )
            self.fields[f"product_{i}_annual_output"] = FigureField(
                label=_("年产量"), required=False, min_value=0
            )
            self.fields[f"product_{i}_unit_energy"] = FigureField(
                label=_("单位产品综合能耗"), required=False, min_value=0
            )
        for name, field in self.fields.items():  # the table's cells have no <label> of their own
            if name.startswith(("energy_", "product_")):
                row = int(name.split("_")[1]) + 1
                field.widget.attrs["aria-label"] = f"{field.label}（{_('第%(n)s行') % {'n': row}}）"
        for i, _text in enumerate(conditions):
            self.fields[f"condition_{i}_done"] = forms.BooleanField(
                label=_("已落实"), required=False
            )
            self.fields[f"condition_{i}_evidence"] = forms.CharField(
                label=_("落实情况及证明材料"), max_length=500, required=False
            )

    def energy_rows(self) -> list[list[Any]]:
        return [
            [self[f"energy_{i}_type"], self[f"energy_{i}_quantity"], self[f"energy_{i}_unit"]]
            for i in range(ENERGY_ROWS)
        ]

    def product_rows(self) -> list[list[Any]]:
        return [
            [
                self[f"product_{i}_product"],
                self[f"product_{i}_annual_output"],
                self[f"product_{i}_unit_energy"],
            ]
            for i in range(PRODUCT_ROWS)
        ]

    def condition_rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (text, self[f"condition_{i}_done"], self[f"condition_{i}_evidence"])
            for i, text in enumerate(self.conditions)
        ]

    def data_for_service(self) -> dict[str, Any]:
        cd = self.cleaned_data
        lines = [
            {
                "type": cd[f"energy_{i}_type"],
                "quantity": cd[f"energy_{i}_quantity"],
                "unit": cd[f"energy_{i}_unit"],
            }
            for i in range(ENERGY_ROWS)
            if cd.get(f"energy_{i}_type") or cd.get(f"energy_{i}_quantity") is not None
        ]
        products = [
            {
                "product": cd[f"product_{i}_product"],
                "annual_output": cd[f"product_{i}_annual_output"],
                "unit_energy": cd[f"product_{i}_unit_energy"],
            }
            for i in range(PRODUCT_ROWS)
            if cd.get(f"product_{i}_product")
        ]
        conditions = [
            {"done": cd[f"condition_{i}_done"], "evidence": cd[f"condition_{i}_evidence"]}
            for i in range(len(self.conditions))
        ]
        return {
            "completed_on": cd["completed_on"],
            "actual_capacity": cd["actual_capacity"],
            "committee_conclusion": cd["committee_conclusion"],
            "energy_lines": lines,
            "products": products,
            "conditions": conditions,
        }


class AcceptanceCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("核查结论"),
        choices=[("recorded", _("予以备案")), ("rectification", _("责令整改"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("核查意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    items = forms.CharField(
        label=_("整改事项（每行一项）"),
        max_length=6000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def item_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("items", ""))


class RectificationOrderForm(forms.Form):
    items = forms.CharField(
        label=_("整改事项（每行一项）"), max_length=6000, widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def item_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("items", ""))


class RectificationReportForm(forms.Form):
    report = forms.CharField(
        label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RectificationCloseForm(forms.Form):
    note = forms.CharField(
        label=_("销号意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConstructionStartForm(forms.Form):
    started_on = forms.DateField(
        label=_("开工日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class InspectionDrawForm(forms.Form):
    title = forms.CharField(label=_("抽查名称"), max_length=200)
    sample_size = CountField(label=_("抽取数量（个）"), min_value=1, max_value=500)
    seed = forms.IntegerField(
        label=_("随机种子（留空则自动生成）"), required=False, min_value=0, max_value=2**62
    )


class InspectionRecordForm(forms.Form):
    inspectors = forms.CharField(
        label=_("检查人员（用户名，逗号分隔）"), max_length=300, required=False
    )
    inspected_on = forms.DateField(
        label=_("检查日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    compliant = forms.TypedChoiceField(
        label=_("是否符合审查意见"),
        choices=[("true", _("符合")), ("false", _("不符合"))],
        coerce=lambda v: v == "true",
    )
    findings = forms.CharField(
        label=_("检查发现"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


def _basis_choices() -> list[tuple[str, str]]:
    """Each basis as shown (an unverified one says so), in the request's language."""
    return [(k, v.label) for k, v in PENALTY_BASES.items()]


class PenaltyForm(forms.Form):
    basis = forms.ChoiceField(label=_("法律依据"), choices=_basis_choices)
    measure = forms.CharField(label=_("处罚措施"), max_length=200)
    amount_yuan = MoneyField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    decided_on = forms.DateField(
        label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("违法事实"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unverified = [b.article for b in PENALTY_BASES.values() if not b.verified]
        if unverified:  # visible under the list, where a long choice is cut off
            self.fields["basis"].help_text = _(
                "%(articles)s的条款序号及内容尚未与公布的原文核对，须经法制审核确认后援引。"
            ) % {"articles": "、".join(unverified)}


class MonitoringImportForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_(
            "CSV（UTF-8）或XLSX；列：项目代码、月份（YYYY-MM）、综合能源消费量（吨标准煤）。"
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过50MB。"))
        return upload
