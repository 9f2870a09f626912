"""Forms of the policy pages: they clean input only; rules.policy_preview decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.fields import TypedFloatField
from rules.models import IncrementBasis, PolicyVersion

MEASURES_CHOICES = (
    ("2023", _("《办法》2023年版（国家发展改革委令2023年第2号）")),
    ("2016", _("《办法》2016年版（国家发展改革委令2016年第44号）")),
)


class PolicyVersionForm(forms.Form):
    """A new policy version's parameters (stored unpublished until previewed and published)."""

    version = forms.CharField(
        label=_("版本号"),
        max_length=16,
        help_text=_("如 2026；与已有版本不重复。"),
    )
    effective_from = forms.DateField(
        label=_("施行日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("提交日期在此日及以后的项目适用本版本；须晚于已发布的最新版本。"),
    )
    provincial_threshold_tce = TypedFloatField(
        label=_("省级审查门槛（吨标准煤/年）"),
        min_value=0,
        help_text=_(
            "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）第九条："
            "省级节能审查的年综合能源消费量门槛。"
        ),
    )
    exempt_below_tce = TypedFloatField(
        label=_("免于单独审查：年综合能耗低于（吨标准煤）"), min_value=0
    )
    exempt_below_kwh = TypedFloatField(
        label=_("免于单独审查：年电力消费低于（千瓦时）"), min_value=0
    )
    substitution_rules = forms.BooleanField(
        label=_("适用《完善能源消费强度和总量双控制度方案》规则（两高分类、等量减量替代）"),
        required=False,
    )
    increment_basis = forms.ChoiceField(
        label=_("按增量计算年综合能源消费量的项目"),
        choices=[("", _("沿用最新已发布版本")), *IncrementBasis.choices],
        required=False,
        initial=IncrementBasis.UNCHANGED_RENOVATION,
    )
    regional_deducts_renewable = forms.BooleanField(
        label=_(
            "地区能耗双控不计入新增可再生能源消费"
            "（《关于进一步做好新增可再生能源消费不纳入能源消费总量控制有关工作的通知》"
            "（发改运行〔2022〕1258号））"
        ),
        required=False,
    )
    regional_deducts_feedstock = forms.BooleanField(
        label=_(
            "地区能耗双控不计入原料用能"
            "（《关于进一步做好原料用能不纳入能源消费总量控制有关工作的通知》"
            "（发改环资〔2022〕803号））"
        ),
        required=False,
    )
    two_high_window_guidance_tce = TypedFloatField(
        label=_(
            "两高项目国家窗口指导门槛（吨标准煤/年，"
            "《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（七））"
        ),
        min_value=0,
        required=False,
    )
    equal_value_kgce_per_kwh = TypedFloatField(
        label=_("电力等价值折标系数（千克标准煤/千瓦时）"),
        help_text=_("全国火电平均供电煤耗；当量值为0.1229。"),
    )
    measures_edition = forms.ChoiceField(label=_("《办法》版本"), choices=MEASURES_CHOICES)
    basis = forms.CharField(
        label=_("依据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("文件名称与文号、条款编号。"),
    )

    @classmethod
    def initial_from(cls, row: PolicyVersion | None) -> dict[str, Any]:
        """Start from the latest published version's parameters (only the changes are typed)."""
        if row is None:
            return {
                "measures_edition": "2023",
                "substitution_rules": True,
                "increment_basis": IncrementBasis.UNCHANGED_RENOVATION,
                "regional_deducts_renewable": True,
                "regional_deducts_feedstock": True,
            }
        return {
            "provincial_threshold_tce": _plain(row.provincial_threshold_tce),
            "exempt_below_tce": _plain(row.exempt_below_tce),
            "exempt_below_kwh": _plain(row.exempt_below_kwh),
            "two_high_window_guidance_tce": _plain(row.two_high_window_guidance_tce),
            "substitution_rules": row.substitution_rules,
            "increment_basis": row.increment_basis,
            "regional_deducts_renewable": row.regional_deducts_renewable,
            "regional_deducts_feedstock": row.regional_deducts_feedstock,
            "equal_value_kgce_per_kwh": row.equal_value_kgce_per_kwh,
            "measures_edition": row.measures_edition,
        }


def _plain(value: float | None) -> float | int | None:
    """10000 rather than 10000.0 in the form."""
    return int(value) if value is not None and float(value).is_integer() else value


class PolicyVersionPublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我已核对上述预览结果，确认发布此政策版本。"),
        required=True,
        error_messages={"required": _("请先勾选确认。")},
    )
