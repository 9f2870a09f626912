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
    "no_benchmark": ("暂无能效标杆", "no benchmark in force"),
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
    # 《办法》: review tiers, on the review figure (年综合能源消费量).
    "TIER_EXEMPT_INDUSTRY": {
        "zh": "{list_name}属《不单独进行节能审查的行业目录》所列“{list_item}”，不单独进行节能审查；"
        "可行性研究报告或项目申请报告中仍须对能源利用情况进行分析，并按节能标准和规范建设。",
        "en": "{list_name} is on the list of industries not reviewed separately ({list_item}): "
        "no separate energy-conservation review; the feasibility study still analyses its "
        "energy use, and it is built to the applicable standards.",
    },
    "TIER_EXEMPT": {
        "zh": "年综合能源消费量{review_tce:,.2f}吨标准煤（不足{exempt_below_tce:,.0f}吨）、"
        "年电力消费量{electricity_kwh:,.0f}千瓦时（不足{exempt_below_kwh:,.0f}千瓦时），"
        "不单独进行节能审查，须按节能标准和规范建设。",
        "en": "Annual energy use of {review_tce:,.2f} tce (under {exempt_below_tce:,.0f}) and "
        "electricity of {electricity_kwh:,.0f} kWh (under {exempt_below_kwh:,.0f}): no separate "
        "energy-conservation review; build to the applicable standards.",
    },
    "TIER_PROVINCIAL": {
        "zh": "年综合能源消费量{review_tce:,.2f}吨标准煤，不低于省级审查门槛"
        "{threshold_tce:,.0f}吨标准煤，节能报告由省级节能审查机关审查。",
        "en": "Annual energy use of {review_tce:,.2f} tce reaches the provincial threshold of "
        "{threshold_tce:,.0f} tce: the energy report is reviewed by the provincial authority.",
    },
    "TIER_DELEGATED": {
        "zh": "年综合能源消费量{review_tce:,.2f}吨标准煤，低于省级审查门槛"
        "{threshold_tce:,.0f}吨标准煤，节能报告由省级节能审查机关确定的审查机关审查。",
        "en": "Annual energy use of {review_tce:,.2f} tce is below the provincial threshold of "
        "{threshold_tce:,.0f} tce: the energy report is reviewed by the authority the province "
        "designates.",
    },
    # 方案（七）: two-high catalogue, inventory and routing on the new figure (新增能耗).
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
        "zh": "“两高”项目新增能耗{new_tce:,.2f}吨标准煤，不低于{threshold_tce:,.0f}吨标准煤，"
        "审批前须报国家发展改革委会同有关部门进行窗口指导。",
        "en": "Two-high project adding {new_tce:,.2f} tce a year, at or above "
        "{threshold_tce:,.0f} tce: NDRC window guidance, with the ministries concerned, is "
        "needed before approval.",
    },
    "LOCAL_STRICT": {
        "zh": "“两高”项目新增能耗{new_tce:,.2f}吨标准煤，低于{threshold_tce:,.0f}吨标准煤，"
        "由省级及以下审查机关从严管理。",
        "en": "Two-high project adding {new_tce:,.2f} tce a year, below {threshold_tce:,.0f} "
        "tce: strict provincial and local management.",
    },
    # Benchmark editions (1609号 ...): levels, striving, binding benchmarks, baseline.
    "EFFICIENCY_LEVEL": {
        "zh": "{name_zh}为{unit_energy:,g} {unit}（{edition}年版标杆{benchmark:,g}，"
        "基准{baseline:,g}），处于{level_zh}。",
        "en": "{product}: {unit_energy:,g} {unit} ({edition} edition: benchmark {benchmark:,g}, "
        "baseline {baseline:,g}), {level_en}.",
    },
    "EFFICIENCY_NOT_ADVANCED": {
        "zh": "新建、扩建“两高”项目的{name_zh}为{unit_energy:,g} {unit}，未达到标杆水平"
        "{benchmark:,g}，应力争达到标杆水平（行业先进水平）。",
        "en": "New or expanded two-high project: {product} at {unit_energy:,g} {unit} does not "
        "reach the benchmark of {benchmark:,g}; it should strive for the benchmark level.",
    },
    "EFFICIENCY_BENCHMARK_REQUIRED": {
        "zh": "{name_zh}为{unit_energy:,g} {unit}，未达到标杆水平{benchmark:,g}；"
        "自{mandatory_from}起新建和改扩建项目须达到标杆水平。",
        "en": "{product} at {unit_energy:,g} {unit} does not reach the benchmark of "
        "{benchmark:,g}, binding on new, expanded and renovated projects since "
        "{mandatory_from}.",
    },
    "EFFICIENCY_BELOW_BASELINE": {
        "zh": "{name_zh}为{unit_energy:,g} {unit}，劣于基准水平{baseline:,g}，不得通过节能审查。",
        "en": "{product} at {unit_energy:,g} {unit} is worse than the baseline of "
        "{baseline:,g}; it cannot pass the review.",
    },
    # GB/T 2589-2020 and the benchmark table: data checks on every project.
    "ENERGY_BALANCE_INCONSISTENT": {
        "zh": "按产品单位能耗和产量推算的产品能耗{declared_tce:,.2f}吨标准煤，超过项目综合能源"
        "消费量{equivalent_tce:,.2f}吨标准煤的105%加1吨，填报数据前后矛盾，请核实。",
        "en": "The product energy declared (unit energy × output: {declared_tce:,.2f} tce) "
        "exceeds the project's total use of {equivalent_tce:,.2f} tce by more than 5% plus "
        "1 tce: the figures contradict each other.",
    },
    "PRODUCT_INDUSTRY_MISMATCH": {
        "zh": "产品“{name_zh}”对应的行业为{industries}，与项目所属行业{industry}不符，请核实。",
        "en": "Product {product} belongs to industry class(es) {industries}, not to the "
        "project's industry {industry}.",
    },
    # 方案（十二）/（六）: regional progress, substitution and relief.
    "REGION_BEHIND_TARGET": {
        "zh": "{province_name}（{year}年）能耗强度降低基本目标进度滞后，本项目属高耗能行业："
        "从严审查、缓批限批，计入能耗双控的能耗须按1:{ratio:g}实施等量或减量替代。",
        "en": "{province_name} is behind its basic energy-intensity target ({year}) and the "
        "industry is energy-intensive: slowed or limited approval, and the energy use counted "
        "against the region must be offset by substitution at 1:{ratio:g}.",
    },
    "SUBSTITUTION_SHORTFALL": {
        "zh": "应落实能耗替代{required_tce:,.2f}吨标准煤（{counted_tce:,.2f}×{ratio:g}），"
        "已提供替代来源{provided_tce:,.2f}吨标准煤，缺口{shortfall_tce:,.2f}吨标准煤。",
        "en": "Substitution of {required_tce:,.2f} tce is required ({counted_tce:,.2f} × "
        "{ratio:g}); sources provide {provided_tce:,.2f} tce, a shortfall of "
        "{shortfall_tce:,.2f} tce.",
    },
    "NATIONAL_MAJOR_RELIEF": {
        "zh": "国家重大项目（备案文件{document}）：按{share_pct:g}%减免，计入地区能耗双控的能耗由"
        "{before_tce:,.2f}吨标准煤减为{counted_tce:,.2f}吨标准煤。",
        "en": "National major project (filing {document}): {share_pct:g}% relief; the energy use "
        "counted against the region falls from {before_tce:,.2f} to {counted_tce:,.2f} tce.",
    },
    "REGION_TWO_HIGH_SUSPENDED": {
        "zh": "{province_name}（{year}年）已暂停“两高”项目节能审查，本项目不能在暂停期间获得批准。",
        "en": "{province_name} has suspended energy reviews of two-high projects ({year}); the "
        "project cannot be approved while the suspension stands.",
    },
    "COAL_SUBSTITUTION_REQUIRED": {
        "zh": "项目位于大气污染防治重点区域（{area}），消耗煤炭类能源，须实行煤炭等量或减量替代。",
        "en": "The project lies in an air-pollution key region ({area}) and consumes coal: coal "
        "use must be offset by equal or reduced coal substitution.",
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
    templates = FINDINGS.get(code)
    if templates is None:  # a code of an earlier contract version, kept in frozen data
        return code
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
    "region_abolished": (
        "行政区划代码{value}（{name}）已撤销，请填写现行代码。",
        "Administrative division {value} ({name}) has been abolished; use a code in use today.",
    ),
    "project_type_unknown": (
        "未知的项目类型：{value}（应为空或不单独进行节能审查的项目类型之一）。",
        "Unknown project type: {value} (leave empty or use one of the exempt project types).",
    ),
    "exported_exceeds": (
        "外供能源{value:,.2f}吨标准煤超过项目能源消费量{limit:,.2f}吨标准煤。",
        "Exported energy of {value:,.2f} tce exceeds the energy consumed ({limit:,.2f} tce).",
    ),
    "feedstock_exceeds": (
        "原料用能{value:,.2f}吨标准煤超过综合能源消费量（当量值）{limit:,.2f}吨标准煤。",
        "Feedstock energy of {value:,.2f} tce exceeds the equivalent consumption "
        "({limit:,.2f} tce).",
    ),
    "document_required": (
        "国家重大项目须填写国务院备案文件文号。",
        "A national major project needs the document number of its State Council filing.",
    ),
    "relief_share_range": (
        "减免比例应大于0且不超过1。",
        "The relief share must be greater than 0 and at most 1.",
    ),
    "too_large": (
        "数值过大（不超过{limit:g}）。",
        "The number is too large (at most {limit:g}).",
    ),
    "too_long": (
        "不得超过{limit}个字符。",
        "At most {limit} characters.",
    ),
    "too_many": (
        "最多{limit}项。",
        "At most {limit} items.",
    ),
}


def error(code: str, **params: Any) -> ErrorMessage:
    zh, en = ERRORS[code]
    return ErrorMessage(code=code, zh=zh.format(**params), en=en.format(**params))
