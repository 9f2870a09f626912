"""Template filters for the engine's codes and reference data."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

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
