"""Schema of the assessment contract for the OpenAPI document.

These serializers describe the JSON in and out of ``POST /api/v1/assessments/``; they do not
validate it. The engine's ``parse_facts`` validates, so that the API, ``manage.py assess`` and the
applicant form report the same errors with the same field paths.
"""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models import ConstructionType
from rules.engine.examples import CONTRACT_EXAMPLE_INPUT
from rules.models import Disposal, InventoryStatus


def enum(values: list[str], **kwargs: Any) -> serializers.Field:
    """A string with one of `values`, documented inline: the contract's vocabularies are not
    shared enum components (other apps use the same field names with other values)."""

    @extend_schema_field({"type": "string", "enum": values})
    class EnumField(serializers.CharField):
        pass

    return EnumField(**kwargs)


# ---------------------------------------------------------------------------------------------
# Input: project facts
# ---------------------------------------------------------------------------------------------


class EnergyLineInputSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="能源品种（energy_coefficients.csv 的 type）")
    quantity = serializers.FloatField(min_value=0, help_text="年用量，有限数值，≥ 0")
    unit = serializers.CharField(help_text="计量单位：units.csv 的 unit 或中文 unit_zh")
    low_heat_value_kj = serializers.FloatField(
        required=False,
        help_text="实测低位发热量（千焦/千克或千焦/立方米）；给出时系数为该值 ÷ 29,307.6",
    )


class ProductLineInputSerializer(serializers.Serializer):
    product = serializers.CharField(help_text="产品代码（efficiency_benchmarks.csv）")
    annual_output = serializers.FloatField(required=False, help_text="年产量")
    unit_energy = serializers.FloatField(help_text="单位产品综合能耗，单位同基准表")


class SubstitutionSourceInputSerializer(serializers.Serializer):
    description = serializers.CharField(help_text="替代来源说明")
    saved_tce = serializers.FloatField(min_value=0, help_text="经核定的年节能量（吨标准煤）")


class AssessmentInputSerializer(serializers.Serializer):
    project_code = serializers.CharField(required=False, help_text="项目代码（查两高项目清单）")
    name = serializers.CharField(required=False, help_text="项目名称")
    region = serializers.CharField(help_text="6位行政区划代码（GB/T 2260），前两位为省份")
    industry = serializers.CharField(help_text="国民经济行业小类代码（GB/T 4754-2017，4位）")
    construction_type = serializers.ChoiceField(
        choices=ConstructionType.choices, help_text="new 新建 / expansion 扩建 / renovation 改建"
    )
    project_type = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text='"" 或 exempt_project_types.csv 的 type（不单独进行节能审查的项目类型）',
    )
    unchanged_site_process_equipment = serializers.BooleanField(
        required=False,
        default=False,
        help_text="改建项目建设地点、主要生产工艺和设备是否均未改变（2023《办法》按增量计算的条件）",
    )
    national_major_project = serializers.BooleanField(required=False, default=False)
    national_major_document = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="国家重大项目报国务院备案的文件文号；national_major_project 为 true 时必填",
    )
    national_major_relief_share = serializers.FloatField(
        required=False,
        default=0,
        help_text="国家重大项目在地区能耗双控考核中减免的比例，0 < s ≤ 1（国家重大项目时必填）",
    )
    submitted_on = serializers.DateField(
        required=False, help_text="送审日期，决定适用的政策版本；缺省为今天"
    )
    energy = EnergyLineInputSerializer(many=True)
    exported_energy = EnergyLineInputSerializer(
        many=True,
        required=False,
        help_text="外供能源（外供电力、热力、煤气等），从综合能源消费量中扣除（GB/T 2589-2020）",
    )
    baseline_energy = EnergyLineInputSerializer(
        many=True, required=False, help_text="扩建、改建项目原有用能（计算新增能耗）"
    )
    renewable_electricity_kwh = serializers.FloatField(
        required=False,
        default=0,
        help_text="新增可再生能源电力，自政策版本2022起不计入地区能耗双控（发改运行〔2022〕1258号）",
    )
    feedstock_tce = serializers.FloatField(
        required=False,
        default=0,
        help_text="原料用能，自政策版本2022起不计入地区能耗双控（发改环资〔2022〕803号）",
    )
    products = ProductLineInputSerializer(many=True, required=False)
    substitution_sources = SubstitutionSourceInputSerializer(many=True, required=False)


# ---------------------------------------------------------------------------------------------
# Output: the assessment
# ---------------------------------------------------------------------------------------------


class EnergyAccountSerializer(serializers.Serializer):
    equivalent_tce = serializers.FloatField(help_text="当量值，扣除外供能源（吨标准煤）")
    equal_value_tce = serializers.FloatField(help_text="等价值（吨标准煤）")
    baseline_tce = serializers.FloatField(help_text="原有用能，当量值（吨标准煤；新建为0）")
    review_tce = serializers.FloatField(
        help_text="年综合能源消费量：审查层级和免审判断所用（吨标准煤）"
    )
    new_tce = serializers.FloatField(help_text="新增能耗：两高项目窗口指导所用（吨标准煤）")
    counted_tce = serializers.FloatField(
        help_text="计入能耗双控：能耗替代和用能预算所用（吨标准煤）"
    )
    renewable_tce = serializers.FloatField(help_text="新增可再生能源电力折标（吨标准煤）")
    feedstock_tce = serializers.FloatField(help_text="原料用能（吨标准煤）")
    electricity_kwh = serializers.FloatField(help_text="电力消费量：免审判断所用（千瓦时）")
    on_increment = serializers.BooleanField(help_text="年综合能源消费量是否按增量计算")


class InventorySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InventoryStatus.choices)
    disposal = serializers.ChoiceField(choices=Disposal.choices)
    annual_tce = serializers.FloatField(allow_null=True)


class TwoHighSerializer(serializers.Serializer):
    is_two_high = serializers.BooleanField()
    sector = serializers.CharField(allow_null=True)
    basis = serializers.ListField(child=enum(["catalogue", "inventory"]))
    inventory = InventorySerializer(allow_null=True)


class EfficiencySerializer(serializers.Serializer):
    product = serializers.CharField()
    unit_energy = serializers.FloatField()
    level = enum(["benchmark", "baseline", "below_baseline", "no_benchmark"])
    benchmark = serializers.FloatField(allow_null=True)
    baseline = serializers.FloatField(allow_null=True)
    edition = serializers.CharField(allow_null=True, help_text="适用的能效水平版本")
    mandatory = serializers.BooleanField(help_text="申报日标杆水平是否为强制要求")


class SubstitutionSerializer(serializers.Serializer):
    required = serializers.BooleanField()
    ratio = serializers.FloatField(allow_null=True)
    required_tce = serializers.FloatField()
    provided_tce = serializers.FloatField()
    shortfall_tce = serializers.FloatField()


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = enum(["info", "warning", "blocking"])
    message = serializers.CharField(help_text="中文；Accept-Language: en 时为英文")
    basis = serializers.CharField(help_text="依据：文件全称、文号和条款")


class AssessmentSerializer(serializers.Serializer):
    contract_version = serializers.IntegerField(help_text="评估契约版本（2）")
    policy_version = serializers.CharField()
    energy = EnergyAccountSerializer()
    review_required = serializers.BooleanField()
    review_level = enum(["none", "delegated", "provincial"])
    two_high = TwoHighSerializer()
    high_energy = serializers.BooleanField()
    route = enum(["exempt", "standard", "local_two_high", "national_window_guidance"])
    efficiency = EfficiencySerializer(many=True)
    substitution = SubstitutionSerializer()
    recommendation = enum(["approve", "defer", "reject", "not_required"])
    findings = FindingSerializer(many=True)


class ErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="字段路径（如 energy.1.quantity）-> 错误信息列表",
    )


# ---------------------------------------------------------------------------------------------
# The contract's example
# ---------------------------------------------------------------------------------------------

# The request example is the engine's copy of the contract input, kept in one place.
EXAMPLE_INPUT: dict[str, Any] = CONTRACT_EXAMPLE_INPUT


def _example_output() -> dict[str, Any]:
    """The contract's example output, computed by the pure engine from the shipped reference
    data (no regional status, no inventory): the documented example is always the real one."""
    from datetime import date

    from rules import engine

    try:
        result = engine.assess_payload(
            EXAMPLE_INPUT, reference=engine.load_reference(), today=date(2026, 11, 20)
        ).as_dict("zh")
    except Exception:  # noqa: BLE001 - documentation only: fall back to the contract's values
        from rules.engine.examples import CONTRACT_EXAMPLE_OUTPUT

        return copy.deepcopy(CONTRACT_EXAMPLE_OUTPUT)
    energy = result["energy"]
    for key in ("lines", "exported_lines", "exported_tce", "counted_before_relief_tce"):
        energy.pop(key, None)
    return result


EXAMPLE_OUTPUT: dict[str, Any] = _example_output()

EXAMPLE_ERRORS: dict[str, Any] = {
    "errors": {
        "region": ["未知的行政区划代码：999999。"],
        "energy.1.quantity": ["不得为负数。"],
    }
}
