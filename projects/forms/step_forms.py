"""The forms of steps 1-4: 基本信息 (`BasicsForm`), the energy totals, and one row of each
table (energy lines, products, substitution sources) with its screen-reader row labels.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rules import engine

from .. import limits
from ..models import ConstructionType, Project
from .fields import (
    DATE_INPUT_FORMATS,
    OptionAttrsSelect,
    TypedDecimalField,
    _energy_type_attrs,
    _fmt,
    _product_attrs,
    _unit_attrs,
    date_input,
    energy_type_choices,
    number_input,
    product_choices,
    project_type_choices,
    unit_choices,
)
from .pending import pending_upload_read


# --------------------------------------------------------------------------------------------
# Step forms
# --------------------------------------------------------------------------------------------
class BasicsForm(forms.Form):
    """Step 1 · 基本信息."""

    name = forms.CharField(label=_("项目名称"), max_length=200)
    project_code = forms.CharField(
        label=_("项目代码"),
        max_length=24,
        required=False,
        help_text=_("全国投资项目在线审批监管平台赋予的代码，格式 NNNN-NNNNNN-NN-NN-NNNNNN"),
        widget=forms.TextInput(attrs={"placeholder": "2611-320505-04-01-381276"}),
    )
    region = forms.CharField(
        label=_("建设地点（行政区划代码）"),
        max_length=6,
        required=False,
        help_text=_("GB/T 2260 六位代码，可输入地名查找"),
        widget=forms.TextInput(attrs={"list": "region-options", "autocomplete": "off"}),
    )
    industry = forms.CharField(
        label=_("所属行业（国民经济行业小类）"),
        max_length=4,
        required=False,
        help_text=_("GB/T 4754-2017 四位代码，可输入行业名称查找"),
        widget=forms.TextInput(attrs={"list": "industry-options", "autocomplete": "off"}),
    )
    construction_type = forms.ChoiceField(
        label=_("建设性质"),
        choices=ConstructionType.choices,
        initial=ConstructionType.NEW,
        widget=forms.RadioSelect,
    )
    project_type = forms.ChoiceField(
        label=_("项目类型"),
        required=False,
        choices=project_type_choices,
        help_text=_(
            "属于《不单独进行节能审查的行业目录》（发改环资规〔2017〕1975号）所列项目类型的，"
            "不单独进行节能审查"
        ),
    )
    unchanged_site_process_equipment = forms.BooleanField(
        label=_("改建项目：建设地点、主要生产工艺和设备均未改变"),
        required=False,
        help_text=_(
            "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）第八条："
            "此类改建项目按增量计算年综合能源消费量"
        ),
    )
    national_major_project = forms.BooleanField(
        label=_(
            "党中央、国务院批准建设且报国务院备案的国家重大项目"
            "（《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（六））"
        ),
        required=False,
    )
    national_major_document = forms.CharField(
        label=_("国家重大项目备案文号"),
        required=False,
        max_length=limits.DOCUMENT_MAX,
        help_text=_("国家重大项目须填写"),
    )
    national_major_relief_share = forms.CharField(
        label=_("能耗减免比例（0～1）"),
        required=False,
        max_length=32,
        help_text=_("备案文件核定的在地区能耗双控考核中减免的比例，如0.5；国家重大项目须填写"),
        widget=number_input("0.5"),
    )
    planned_start = forms.DateField(
        label=_("计划开工"), required=False, widget=date_input(), input_formats=DATE_INPUT_FORMATS
    )
    planned_completion = forms.DateField(
        label=_("计划建成"), required=False, widget=date_input(), input_formats=DATE_INPUT_FORMATS
    )
    total_investment_wan = TypedDecimalField(
        label=_("总投资（万元）"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("主要建设内容"),
        required=False,
        max_length=limits.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_completion")
        if start and end and end < start:
            self.add_error("planned_completion", _("计划建成日期不能早于计划开工日期。"))
        return data

    @staticmethod
    def initial_for(project: Project | None) -> dict[str, Any]:
        if project is None:
            return {"construction_type": ConstructionType.NEW}
        initial = {
            name: getattr(project, name)
            for name in (
                "name",
                "project_code",
                "region",
                "industry",
                "construction_type",
                "project_type",
                "unchanged_site_process_equipment",
                "national_major_project",
                "national_major_document",
                "planned_start",
                "planned_completion",
                "total_investment_wan",
                "description",
            )
        }
        share = project.national_major_relief_share
        initial["national_major_relief_share"] = _fmt(share) if share else ""
        return initial


class RowLabelsMixin:
    """Inputs in a table row have no <label> of their own: name them (and the row) for screen
    readers, e.g. 「年消费量（第2行）」."""

    def label_row_inputs(self) -> None:
        prefix = getattr(self, "prefix", "") or ""
        index = prefix.rsplit("-", 1)[-1]
        row = f"（第{int(index) + 1}行）" if index.isdigit() else ""
        for field in self.fields.values():  # type: ignore[attr-defined]
            if field.label and not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["aria-label"] = f"{field.label}{row}"


class EnergyLineForm(RowLabelsMixin, forms.Form):
    """One row of 能源消费 (or 改建前用能)."""

    type = forms.ChoiceField(label=_("能源品种"), choices=energy_type_choices)
    quantity = forms.CharField(label=_("年消费量"), widget=number_input())
    unit = forms.ChoiceField(label=_("计量单位"), choices=unit_choices)
    low_heat_value_kj = forms.CharField(
        label=_("实测低位发热量（千焦/千克或千焦/立方米，选填）"),
        required=False,
        widget=number_input(_("选填")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].widget = OptionAttrsSelect(
            _energy_type_attrs(), choices=self.fields["type"].choices
        )
        self.fields["unit"].widget = OptionAttrsSelect(
            _unit_attrs(), choices=self.fields["unit"].choices
        )
        self.label_row_inputs()


class EnergyTotalsForm(forms.Form):
    """Step 2's deductions: renewable electricity (方案（八）) and feedstock use (原料用能)."""

    renewable_electricity_kwh = forms.CharField(
        label=_("可再生能源电力（千瓦时/年）"),
        required=False,
        help_text=_(
            "项目自发或购买的新增可再生能源电力；自2022年11月16日起不计入地区能耗双控"
            "（《关于进一步做好新增可再生能源消费不纳入能源消费总量控制有关工作的通知》"
            "（发改运行〔2022〕1258号））"
        ),
        widget=number_input("0"),
    )
    feedstock_tce = forms.CharField(
        label=_("原料用能（吨标准煤/年）"),
        required=False,
        help_text=_("作为原料使用的能源，从计入能耗中扣除"),
        widget=number_input("0"),
    )


class ProductLineForm(RowLabelsMixin, forms.Form):
    """One row of 主要产品, compared with the 1609号 benchmark and baseline."""

    product = forms.ChoiceField(label=_("产品"), choices=product_choices)
    annual_output = forms.CharField(label=_("年产量"), required=False, widget=number_input())
    unit_energy = forms.CharField(label=_("单位产品综合能耗"), widget=number_input())

    def __init__(
        self, *args: Any, reference: engine.Reference | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if reference is not None:
            self.fields["product"].choices = product_choices(reference)
        self.fields["product"].widget = OptionAttrsSelect(
            _product_attrs(reference), choices=self.fields["product"].choices
        )
        self.label_row_inputs()


class SubstitutionSourceForm(RowLabelsMixin, forms.Form):
    """One row of 能耗替代来源 (方案（十二）): a verified saving elsewhere and its evidence."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label=_("替代来源说明"), max_length=300)
    saved_tce = forms.CharField(label=_("年节能量（吨标准煤）"), widget=number_input())
    evidence = forms.FileField(
        label=_("证明材料（PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    # A file chosen before a validation error, kept on the server until the row is saved.
    evidence_pending = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_row_inputs()

    @property
    def pending_name(self) -> str:
        """The original name of the file kept from the last attempt, if any."""
        kept = pending_upload_read(self["evidence_pending"].value())
        return kept[1] if kept else ""
