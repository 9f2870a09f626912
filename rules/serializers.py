"""Schema of the assessment contract for the OpenAPI document.

These serializers describe the JSON in and out of ``POST /api/v1/assessments/``; they do not
validate it. The engine's ``parse_facts`` validates, so that the API, ``manage.py assess`` and the
applicant form report the same errors with the same field paths.
"""

from __future__ import annotations

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
    national_major_project = serializers.BooleanField(required=False, default=False)
    submitted_on = serializers.DateField(
        required=False, help_text="送审日期，决定适用的政策版本；缺省为今天"
    )
    energy = EnergyLineInputSerializer(many=True)
    baseline_energy = EnergyLineInputSerializer(
        many=True, required=False, help_text="改建项目改建前的用能（计增量）"
    )
    renewable_electricity_kwh = serializers.FloatField(
        required=False, default=0, help_text="可再生能源电力，不计入能源消费总量（方案（八））"
    )
    feedstock_tce = serializers.FloatField(
        required=False, default=0, help_text="原料用能，不计入能源消费总量"
    )
    products = ProductLineInputSerializer(many=True, required=False)
    substitution_sources = SubstitutionSourceInputSerializer(many=True, required=False)


# ---------------------------------------------------------------------------------------------
# Output: the assessment
# ---------------------------------------------------------------------------------------------


class EnergyAccountSerializer(serializers.Serializer):
    equivalent_tce = serializers.FloatField(help_text="当量值（吨标准煤）")
    equal_value_tce = serializers.FloatField(help_text="等价值（吨标准煤）")
    counted_tce = serializers.FloatField(help_text="计入审查的能源消费量（吨标准煤）")
    electricity_kwh = serializers.FloatField(help_text="电力消费量（千瓦时）")


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
    level = enum(["benchmark", "baseline", "below_baseline"])
    benchmark = serializers.FloatField()
    baseline = serializers.FloatField()


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
    basis = serializers.CharField(help_text="依据条款")


class AssessmentSerializer(serializers.Serializer):
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

EXAMPLE_OUTPUT: dict[str, Any] = {
    "policy_version": "2023",
    "energy": {
        "equivalent_tce": 120277.66,
        "equal_value_tce": 137168.66,
        "counted_tce": 120277.66,
        "electricity_kwh": 95000000.0,
    },
    "review_required": True,
    "review_level": "provincial",
    "two_high": {
        "is_two_high": True,
        "sector": "building_materials",
        "basis": ["catalogue"],
        "inventory": None,
    },
    "high_energy": True,
    "route": "national_window_guidance",
    "efficiency": [
        {
            "product": "cement_clinker",
            "unit_energy": 100.0,
            "level": "benchmark",
            "benchmark": 100.0,
            "baseline": 117.0,
        }
    ],
    "substitution": {
        "required": False,
        "ratio": None,
        "required_tce": 0.0,
        "provided_tce": 40000.0,
        "shortfall_tce": 0.0,
    },
    "recommendation": "defer",
    "findings": [
        {
            "code": "TIER_PROVINCIAL",
            "severity": "info",
            "message": "年综合能源消费量120,277.66吨标准煤，不低于省级审查门槛10,000吨标准煤，"
            "节能报告由省级节能审查机关审查。",
            "basis": "《办法》(2023)",
        },
        {
            "code": "TWO_HIGH_CATALOGUE",
            "severity": "info",
            "message": "所属行业3011（水泥制造）列入“两高”行业目录（建材），按“两高”项目管理。",
            "basis": "方案（七）",
        },
        {
            "code": "NATIONAL_WINDOW_GUIDANCE",
            "severity": "blocking",
            "message": "“两高”项目年综合能源消费量120,277.66吨标准煤，不低于50,000吨标准煤，"
            "审批前须经国家发展改革委会同有关部门窗口指导。",
            "basis": "方案（七）",
        },
        {
            "code": "EFFICIENCY_LEVEL",
            "severity": "info",
            "message": "水泥熟料单位产品综合能耗为100 kgce/t（标杆100，基准117），处于标杆水平。",
            "basis": "发改产业〔2021〕1609号",
        },
    ],
}

EXAMPLE_ERRORS: dict[str, Any] = {
    "errors": {
        "region": ["未知的行政区划代码：999999。"],
        "energy.1.quantity": ["不得为负数。"],
    }
}
