"""Chinese labels (translatable) for the engine's codes, shown on the applicant's pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rules import engine
from rules import selectors as rules_selectors

# One vocabulary across the service: the labels the reviewers' pages use too.
ROUTE_LABELS = rules_selectors.ROUTE_LABELS
REVIEW_LEVEL_LABELS = rules_selectors.REVIEW_LEVEL_LABELS
RECOMMENDATION_LABELS = rules_selectors.RECOMMENDATION_LABELS
RECOMMENDATION_BADGES = {
    "approve": "green",
    "defer": "yellow",
    "reject": "red",
    "not_required": "",
}
EFFICIENCY_LABELS: dict[str, Any] = {
    "benchmark": _("达到标杆水平"),
    "baseline": _("达到基准水平"),
    "below_baseline": _("低于基准水平"),
    "no_benchmark": _("申报日尚无适用的能效水平"),
}
EFFICIENCY_BADGES = {"benchmark": "green", "baseline": "yellow", "below_baseline": "red"}
# Every role reads the same words for a finding's weight (review/_findings.html too).
SEVERITY_LABELS: dict[str, Any] = {
    "info": _("提示"),
    "warning": _("需注意"),
    "blocking": _("阻断性问题"),
}
SECTOR_LABELS: dict[str, Any] = {
    "coal_power": _("煤电"),
    "petrochemical": _("石化"),
    "chemical": _("化工"),
    "steel": _("钢铁"),
    "nonferrous": _("有色金属冶炼"),
    "building_materials": _("建材"),
}
# Labels of the fields an error path can name (contract keys and our own).
FIELD_LABELS: dict[str, Any] = {
    "project_code": _("项目代码"),
    "name": _("项目名称"),
    "region": _("建设地点"),
    "industry": _("所属行业"),
    "construction_type": _("建设性质"),
    "national_major_project": _("国家重大项目"),
    "planned_start": _("计划开工"),
    "planned_completion": _("计划建成"),
    "total_investment_wan": _("总投资"),
    "description": _("建设内容"),
    "energy": _("能源消费"),
    "baseline_energy": _("改建前用能"),
    "renewable_electricity_kwh": _("可再生能源电力"),
    "feedstock_tce": _("原料用能"),
    "products": _("主要产品"),
    "substitution_sources": _("能耗替代来源"),
    "attachments": _("附件"),
    "submitted_on": _("提交日期"),
    "non_field_errors": _("整体"),
    "type": _("能源品种"),
    "quantity": _("年消费量"),
    "unit": _("计量单位"),
    "low_heat_value_kj": _("低位发热量"),
    "product": _("产品"),
    "annual_output": _("年产量"),
    "unit_energy": _("单位产品综合能耗"),
    "saved_tce": _("年节能量"),
    "evidence": _("证明材料"),
    "file": _("文件"),
    "kind": _("类别"),
    "pledge": _("承诺"),
    "id": _("编号"),
}


def path_label(path: str) -> str:
    """`energy.1.quantity` -> 能源消费 第2行 · 年消费量."""
    parts = path.split(".")
    text = str(FIELD_LABELS.get(parts[0], parts[0]))
    if len(parts) > 1 and parts[1].isdigit():
        text += str(_(" 第%(n)s行") % {"n": int(parts[1]) + 1})
    if len(parts) > 2:
        text += " · " + str(FIELD_LABELS.get(parts[2], parts[2]))
    return text


_EN_WORDS = {"lpg": "LPG", "lng": "LNG", "tce": "tce", "tpd": "t/d", "30": "≥30%"}


def english_name(code: str) -> str:
    """A reader-friendly English name from a reference code (the reference data has Chinese
    names only): 「cement_clinker」 → 「Cement clinker」, 「lpg」 → 「LPG」."""
    words = [_EN_WORDS.get(w, w) for w in str(code).split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else str(code)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def energy_type_label(code: str) -> str:
    row = engine.load_reference().energy_types.get(code)
    if row is not None and _english():
        return english_name(code)
    return row.name_zh if row else code


def unit_label(code: str) -> str:
    unit = engine.load_reference().unit_for(code)
    return unit.unit_zh if unit else code


def product_label(code: str) -> str:
    row = engine.load_reference().benchmarks.get(code)
    if row is not None and _english():
        return english_name(code)
    return row.name_zh if row else code


def region_label(code: str) -> str:
    """The full name of a GB/T 2260 code: 江苏省苏州市虎丘区."""
    if not code:
        return ""
    ref = engine.load_reference()
    regions = ref.regions
    # Abolished codes (in_use=no) are still named for historical projects.
    abolished = getattr(ref, "abolished_regions", {}) or {}
    if code not in regions and code not in abolished:
        return code
    names: list[str] = []
    for key in (f"{code[:2]}0000", f"{code[:4]}00", code):
        name = regions.get(key) or abolished.get(key)
        if name and name not in names and name != "市辖区":
            names.append(name)
    return "".join(names)


def industry_label(code: str) -> str:
    return engine.load_reference().industries.get(code, code) if code else ""


def project_type_label(code: str) -> str:
    """The Chinese name of an exempt project type (发改环资规〔2017〕1975号), else the code."""
    if not code:
        return ""
    types = getattr(engine.load_reference(), "exempt_project_types", {}) or {}
    row = types.get(code)
    return row.name_zh if row is not None else code
