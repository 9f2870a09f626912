"""Template filters for the engine's codes and reference data."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from common.numbers import format_number
from projects import labels
from projects.models import ConstructionType

register = template.Library()


@register.filter
def route_label(code: str) -> Any:
    return labels.ROUTE_LABELS.get(code, code)


@register.filter
def review_level_label(code: str) -> Any:
    return labels.REVIEW_LEVEL_LABELS.get(code, code)


@register.filter
def recommendation_label(code: str) -> Any:
    return labels.RECOMMENDATION_LABELS.get(code, code)


@register.filter
def recommendation_badge(code: str) -> str:
    return labels.RECOMMENDATION_BADGES.get(code, "")


@register.filter
def efficiency_label(code: str) -> Any:
    return labels.EFFICIENCY_LABELS.get(code, code)


@register.filter
def efficiency_badge(code: str) -> str:
    return labels.EFFICIENCY_BADGES.get(code, "")


@register.filter
def severity_label(code: str) -> Any:
    return labels.SEVERITY_LABELS.get(code, code)


@register.filter
def sector_label(code: str | None) -> Any:
    return labels.SECTOR_LABELS.get(code or "", code or "")


@register.filter
def energy_type_label(code: str) -> str:
    return labels.energy_type_label(code)


@register.filter
def unit_label(code: str) -> str:
    return labels.unit_label(code)


@register.filter
def product_label(code: str) -> str:
    return labels.product_label(code)


@register.filter
def region_label(code: str) -> str:
    return labels.region_label(code)


@register.filter
def has_finding(assessment: Any, code: str) -> bool:
    """Whether the contract JSON `assessment` has a finding with `code`."""
    findings = assessment.get("findings") if isinstance(assessment, dict) else None
    return any(isinstance(f, dict) and f.get("code") == code for f in findings or ())


@register.filter
def project_type_label(code: str) -> str:
    return labels.project_type_label(code)


@register.filter
def industry_label(code: str) -> str:
    return labels.industry_label(code)


@register.filter
def path_label(path: str) -> str:
    return labels.path_label(path)


@register.filter
def tce(value: Any) -> str:
    """Tonnes of standard coal with thousands separators and 2 decimals."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.2f}"


@register.filter
def kwh(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.0f}"


@register.filter
def project_opinions(project: Any) -> list[Any]:
    """Issued opinions of all the project's cases, from the selector's prefetch (no query)."""
    return [opinion for case in project.cases.all() for opinion in case.opinions.all()]


@register.filter
def construction_type_label(code: str) -> Any:
    return dict(ConstructionType.choices).get(code, code)


@register.filter
def finding_message(finding: dict[str, Any]) -> str:
    """A finding's message in the reader's language: frozen assessments keep both."""
    if translation.get_language() == "en" and finding.get("message_en"):
        return str(finding["message_en"])
    return str(finding.get("message", ""))


@register.filter
def unit_energy_hints(assessment: Any, products: Any) -> list[str]:
    """Where a declared unit energy disagrees with the project's own figures: for a single
    product measured in kgce per unit, 年综合能耗 ÷ 年产量 should be near what was declared.
    A neutral hint (the engine judges only the declared value against the benchmark)."""
    if not assessment or not products or len(products) != 1:
        return []
    row = products[0]
    efficiency = {e.get("product"): e for e in assessment.get("efficiency") or []}
    entry = efficiency.get(row.get("product"))
    try:
        output = float(row.get("annual_output") or 0)
        declared = float(row.get("unit_energy") or 0)
        total = float((assessment.get("energy") or {}).get("equivalent_tce") or 0)
    except (TypeError, ValueError):
        return []
    unit = str((entry or {}).get("unit", ""))
    if entry is None or not unit.startswith("kgce/") or output <= 0 or declared <= 0 or total <= 0:
        return []
    derived = total * 1000 / output
    gap = (derived - declared) / declared
    if abs(gap) < 0.15:
        return []
    return [
        _(
            "按年综合能耗÷年产量推算，单位产品综合能耗约为 %(d)s %(u)s，"
            "与填报的 %(v)s %(u)s 相差 %(g)s%%，请核实。"
        )
        % {
            "d": format_number(derived),
            "v": format_number(declared),
            "u": unit,
            "g": format_number(abs(gap) * 100, 0, trim=False),
        }
    ]
