"""The message catalogue: Chinese (default) and English texts, keyed by finding or error code.

Findings carry raw figures; the text is rendered only when asked for (``Finding.message``), so
assessing stays cheap. The wording is ours; clause numbers identify the rule behind each text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

LANGUAGES: Final = ("zh", "en")


def normalize_lang(lang: str | None) -> str:
    """``"en-US"`` -> ``"en"``; anything not English is Chinese."""
    if lang and lang.strip().lower().startswith("en"):
        return "en"
    return "zh"


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------
STATUS_LABELS: Final[dict[str, tuple[str, str]]] = {
    "in_construction": ("在建", "in construction"),
    "planned": ("拟建", "planned"),
    "existing": ("存量", "existing"),
}
DISPOSAL_LABELS: Final[dict[str, tuple[str, str]]] = {
    "continue": ("继续建设", "continue construction"),
    "rectify": ("整改", "rectify"),
    "stop": ("停建/淘汰", "stop or phase out"),
}
LEVEL_LABELS: Final[dict[str, tuple[str, str]]] = {
    "benchmark": ("标杆水平", "at the benchmark level"),
    "baseline": ("基准水平", "at the baseline level"),
    "below_baseline": ("低于基准水平", "below the baseline level"),
}
SECTOR_LABELS: Final[dict[str, tuple[str, str]]] = {
    "coal_power": ("煤电", "coal power"),
    "petrochemical": ("石化", "petrochemicals"),
    "chemical": ("化工", "chemicals"),
    "steel": ("钢铁", "steel"),
    "nonferrous": ("有色金属冶炼", "non-ferrous smelting"),
    "building_materials": ("建材", "building materials"),
}
_LABELS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "status": STATUS_LABELS,
    "disposal": DISPOSAL_LABELS,
    "level": LEVEL_LABELS,
    "sector": SECTOR_LABELS,
}


def label(kind: str, value: str | None, lang: str = "zh") -> str:
    """The Chinese or English label of a status, disposal, efficiency level or sector."""
    if value is None:
        return ""
    pair = _LABELS[kind].get(value)
    if pair is None:
        return value
    return pair[0] if normalize_lang(lang) == "zh" else pair[1]


# --------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------
FINDINGS: Final[dict[str, dict[str, str]]] = {
    # 《办法》: review tiers.
    "TIER_EXEMPT": {
        "zh": "年综合能源消费量{counted_tce:,.2f}吨标准煤（不足{exempt_below_tce:,.0f}吨）、"
        "年电力消费量{electricity_kwh:,.0f}千瓦时（不足{exempt_below_kwh:,.0f}千瓦时），"
        "无需单独编制节能报告送审，须按节能标准和规范建设。",
        "en": "Annual energy use of {counted_tce:,.2f} tce (under {exempt_below_tce:,.0f}) and "
        "electricity of {electricity_kwh:,.0f} kWh (under {exempt_below_kwh:,.0f}): no separate "
        "energy-conservation review; build to the applicable standards.",
    },
    "TIER_PROVINCIAL": {
        "zh": "年综合能源消费量{counted_tce:,.2f}吨标准煤，不低于省级审查门槛"
        "{threshold_tce:,.0f}吨标准煤，节能报告由省级节能审查机关审查。",
        "en": "Annual energy use of {counted_tce:,.2f} tce reaches the provincial threshold of "
        "{threshold_tce:,.0f} tce: the energy report is reviewed by the provincial authority.",
    },
    "TIER_DELEGATED": {
        "zh": "年综合能源消费量{counted_tce:,.2f}吨标准煤，低于省级审查门槛"
        "{threshold_tce:,.0f}吨标准煤，节能报告由省级确定的审查机关审查。",
        "en": "Annual energy use of {counted_tce:,.2f} tce is below the provincial threshold of "
        "{threshold_tce:,.0f} tce: the energy report is reviewed at the level the province "
        "delegates.",
    },
    # 方案（七）: two-high catalogue, inventory and routing.
    "TWO_HIGH_CATALOGUE": {
        "zh": "所属行业{industry}（{industry_name}）列入“两高”行业目录（{sector_zh}），"
        "按“两高”项目管理。",
        "en": "Industry class {industry} ({industry_name}) is in the two-high catalogue "
        "({sector_en}); the project is managed as a two-high project.",
    },
    "TWO_HIGH_INVENTORY": {
        "zh": "项目{project_code}已列入“两高”项目清单：类别为{status_zh}，"
        "分类处置意见为{disposal_zh}。",
        "en": "Project {project_code} is on the two-high inventory: status {status_en}, "
        "disposal {disposal_en}.",
    },
    "NATIONAL_WINDOW_GUIDANCE": {
        "zh": "“两高”项目年综合能源消费量{counted_tce:,.2f}吨标准煤，不低于"
        "{threshold_tce:,.0f}吨标准煤，审批前须经国家发展改革委会同有关部门窗口指导。",
        "en": "Two-high project using {counted_tce:,.2f} tce a year, at or above "
        "{threshold_tce:,.0f} tce: NDRC window guidance, with the ministries concerned, is "
        "needed before approval.",
    },
    "LOCAL_STRICT": {
        "zh": "“两高”项目年综合能源消费量{counted_tce:,.2f}吨标准煤，低于"
        "{threshold_tce:,.0f}吨标准煤，由省级及以下审查机关从严管理。",
        "en": "Two-high project using {counted_tce:,.2f} tce a year, below "
        "{threshold_tce:,.0f} tce: strict provincial and local management.",
    },
    # 1609号: efficiency levels; 方案（十二）: advanced level for new high-energy projects.
    "EFFICIENCY_LEVEL": {
        "zh": "{name_zh}为{unit_energy:g} {unit}（标杆{benchmark:g}，基准{baseline:g}），"
        "处于{level_zh}。",
        "en": "{product}: {unit_energy:g} {unit} (benchmark {benchmark:g}, baseline "
        "{baseline:g}), {level_en}.",
    },
    "EFFICIENCY_NOT_ADVANCED": {
        "zh": "新建、扩建“两高”项目的{name_zh}为{unit_energy:g} {unit}，未达到标杆水平"
        "{benchmark:g}，须达到行业先进水平。",
        "en": "New or expanded two-high project: {product} at {unit_energy:g} {unit} does not "
        "reach the benchmark of {benchmark:g}; the industry's advanced level is required.",
    },
    "EFFICIENCY_BELOW_BASELINE": {
        "zh": "{name_zh}为{unit_energy:g} {unit}，劣于基准水平{baseline:g}。",
        "en": "{product} at {unit_energy:g} {unit} is worse than the baseline of {baseline:g}.",
    },
    # 方案（十二）/（六）: regional progress and substitution.
    "REGION_BEHIND_TARGET": {
        "zh": "{province_name}（{year}年）能耗强度降低基本目标进度滞后，本项目属高耗能行业："
        "从严审查、缓批限批，新增能耗须按1:{ratio:g}实施等量或减量替代。",
        "en": "{province_name} is behind its basic energy-intensity target ({year}) and the "
        "industry is energy-intensive: slowed or limited approval, and new energy use must be "
        "offset by substitution at 1:{ratio:g}.",
    },
    "NATIONAL_MAJOR_EXEMPT": {
        "zh": "国家重大项目：能耗在地区能耗双控考核中予以减免，不要求能耗替代。",
        "en": "National major project: its energy use is reduced or exempted in the region's "
        "assessment, and no substitution is required.",
    },
    "SUBSTITUTION_SHORTFALL": {
        "zh": "应落实能耗替代{required_tce:,.2f}吨标准煤（{counted_tce:,.2f}×{ratio:g}），"
        "已提供替代来源{provided_tce:,.2f}吨标准煤，缺口{shortfall_tce:,.2f}吨标准煤。",
        "en": "Substitution of {required_tce:,.2f} tce is required ({counted_tce:,.2f} × "
        "{ratio:g}); sources provide {provided_tce:,.2f} tce, a shortfall of "
        "{shortfall_tce:,.2f} tce.",
    },
    "INVENTORY_DISPOSAL_STOP": {
        "zh": "“两高”项目清单对本项目的处置意见为{disposal_zh}，不得通过节能审查。",
        "en": "The two-high inventory's disposal for this project is {disposal_en}; it cannot "
        "pass the energy review.",
    },
}


def render_finding(code: str, params: dict[str, Any], lang: str = "zh") -> str:
    """Format a finding's text; raw ``status``/``disposal``/``level``/``sector`` params gain
    their ``_zh``/``_en`` labels first."""
    templates = FINDINGS[code]
    values = dict(params)
    for kind, labels in _LABELS.items():
        raw = values.get(kind)
        if isinstance(raw, str):
            zh, en = labels.get(raw, (raw, raw))
            values.setdefault(f"{kind}_zh", zh)
            values.setdefault(f"{kind}_en", en)
    return templates[normalize_lang(lang)].format(**values)


# --------------------------------------------------------------------------------------------
# Validation errors
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ErrorMessage:
    """One validation error on one field, in both languages."""

    code: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if normalize_lang(lang) == "zh" else self.en

    def __str__(self) -> str:
        return self.zh


ERRORS: Final[dict[str, tuple[str, str]]] = {
    "required": ("此项为必填项。", "This field is required."),
    "not_object": ("应为对象（JSON object）。", "Must be an object."),
    "not_list": ("应为列表。", "Must be a list."),
    "not_string": ("应为字符串。", "Must be a string."),
    "not_boolean": ("应为 true 或 false。", "Must be true or false."),
    "not_number": ("应为数字。", "Must be a number."),
    "not_finite": ("应为有限数值（不接受 NaN 或无穷大）。", "Must be finite (no NaN or infinity)."),
    "negative": ("不得为负数。", "Must not be negative."),
    "not_positive": ("应大于0。", "Must be greater than 0."),
    "region_format": (
        "行政区划代码应为6位数字（GB/T 2260）。",
        "Must be a 6-digit administrative division code (GB/T 2260).",
    ),
    "region_unknown": (
        "未知的行政区划代码：{value}。",
        "Unknown administrative division code: {value}.",
    ),
    "industry_format": (
        "行业代码应为4位数字（GB/T 4754-2017小类）。",
        "Must be a 4-digit industry class code (GB/T 4754-2017).",
    ),
    "industry_unknown": (
        "未知的国民经济行业小类代码：{value}。",
        "Unknown GB/T 4754-2017 industry class: {value}.",
    ),
    "construction_type": (
        "建设性质应为 new（新建）、expansion（扩建）或 renovation（改建）。",
        "Must be one of new, expansion, renovation.",
    ),
    "date_format": ("日期格式应为 YYYY-MM-DD。", "Must be a date in YYYY-MM-DD format."),
    "date_before_policy": (
        "日期早于最早的政策版本施行日期（{first}）。",
        "Date precedes the first policy version in force ({first}).",
    ),
    "energy_type_unknown": ("未知的能源品种：{value}。", "Unknown energy type: {value}."),
    "unit_unknown": ("未知的计量单位：{value}。", "Unknown unit: {value}."),
    "unit_mismatch": (
        "单位{value}与该能源品种的计量单位（{base}）不符。",
        "Unit {value} does not match this energy type's unit ({base}).",
    ),
    "low_heat_not_applicable": (
        "仅以吨或立方米计量的能源品种可填写低位发热量。",
        "A low heating value applies only to energy types measured in t or m3.",
    ),
    "renewable_exceeds": (
        "可再生能源电力{value:,.0f}千瓦时超过所列电力消费量{limit:,.0f}千瓦时。",
        "Renewable electricity of {value:,.0f} kWh exceeds the electricity listed "
        "({limit:,.0f} kWh).",
    ),
    "product_unknown": ("未知的产品：{value}。", "Unknown product: {value}."),
}


def error(code: str, **params: Any) -> ErrorMessage:
    zh, en = ERRORS[code]
    return ErrorMessage(code=code, zh=zh.format(**params), en=en.format(**params))
