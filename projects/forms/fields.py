"""Widgets, pickers and field helpers shared by the step forms: selects whose options carry
data attributes from the engine's reference data (energy types, units, products, exempt
project types), date and number inputs, the typed decimal field and `_fmt`, which shows a
stored number back in an input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.numbers import normalize_number
from rules import engine


# --------------------------------------------------------------------------------------------
# Pickers built from the engine's reference data (rules/data)
# --------------------------------------------------------------------------------------------
class OptionAttrsSelect(forms.Select):
    """A select whose options carry data attributes (unit base, product unit ...)."""

    def __init__(self, option_attrs: Mapping[str, Mapping[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.option_attrs = dict(option_attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # noqa: ANN001, ANN201, PLR0913
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_attrs.get(str(value), {}))
        return option


def energy_type_choices() -> list[tuple[str, str]]:
    ref = engine.load_reference()
    return [("", "—— 请选择 ——")] + [(t.type, t.name_zh) for t in ref.energy_types.values()]


def unit_choices() -> list[tuple[str, str]]:
    ref = engine.load_reference()
    return [("", "——")] + [(u.unit, u.unit_zh) for u in ref.units.values()]


def product_choices(reference: engine.Reference | None = None) -> list[tuple[str, str]]:
    """Products with a benchmark row (`reference`: the admin-maintained rows; default the
    shipped table)."""
    ref = reference or engine.load_reference()
    return [("", "—— 请选择 ——")] + [
        (b.product, f"{b.name_zh}（{b.unit}）") for b in ref.benchmarks.values()
    ]


def project_type_choices() -> list[tuple[str, str]]:
    """The exempt project types admins maintain (发改环资规〔2017〕1975号), blank first."""
    from rules.reference_data import reference_for_input

    types = getattr(reference_for_input(), "exempt_project_types", {}) or {}
    return [("", _("—— 不属于下列项目类型 ——"))] + [
        (t.type, t.name_zh) for t in sorted(types.values(), key=lambda t: t.type)
    ]


def _energy_type_attrs() -> dict[str, dict[str, str]]:
    return {
        t.type: {"data-base": t.base_unit} for t in engine.load_reference().energy_types.values()
    }


def _unit_attrs() -> dict[str, dict[str, str]]:
    return {u.unit: {"data-base": u.base_unit} for u in engine.load_reference().units.values()}


def _product_attrs(reference: engine.Reference | None = None) -> dict[str, dict[str, str]]:
    return {
        b.product: {
            "data-unit": b.unit,
            "data-benchmark": f"{b.benchmark:g}",
            "data-baseline": f"{b.baseline:g}",
        }
        for b in (reference or engine.load_reference()).benchmarks.values()
    }


# Dates travel as ISO in <input type=date>; typed text may use slashes or dots too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


def date_input() -> forms.DateInput:
    """A date picker that shows the stored date back (ISO, whatever the active locale)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TypedDecimalField(forms.DecimalField):
    """A decimal typed as people print it: 「380,000」, full-width digits (common.numbers)."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(normalize_number(value))


def number_input(placeholder: str = "") -> forms.TextInput:
    """Numbers are typed as text and judged by the engine (its messages, its rules)."""
    return forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": placeholder}
    )


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.12g}"
