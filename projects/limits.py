"""Limits on every text, list and number of a project, in one place.

The web form, the API serializer (which documents them in OpenAPI) and the services' validation
(`checks.validate_change`) all read these, so no path can store a 100,000-character description
or 10,000 energy lines (each would slow the assessment and the opinion PDF without bound).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Texts of the project (characters).
NAME_MAX = 200
DESCRIPTION_MAX = 5000
# Texts of one row of a list.
ENERGY_TYPE_MAX = 32
UNIT_MAX = 16
PRODUCT_MAX = 64
SOURCE_DESCRIPTION_MAX = 300
# Rows per list.
ENERGY_LINES_MAX = 30
PRODUCTS_MAX = 30
SOURCES_MAX = 20
LIST_MAX = {
    "energy": ENERGY_LINES_MAX,
    "baseline_energy": ENERGY_LINES_MAX,
    "exported_energy": ENERGY_LINES_MAX,
    "products": PRODUCTS_MAX,
    "substitution_sources": SOURCES_MAX,
}
# Largest magnitude of any quantity (t, kWh, m³, tce ...): beyond every real project, far below
# where a unit conversion or a sum could overflow.
NUMBER_MAX = 1e13

ROW_TEXT_MAX = {
    "energy": {"type": ENERGY_TYPE_MAX, "unit": UNIT_MAX},
    "baseline_energy": {"type": ENERGY_TYPE_MAX, "unit": UNIT_MAX},
    "exported_energy": {"type": ENERGY_TYPE_MAX, "unit": UNIT_MAX},
    "products": {"product": PRODUCT_MAX},
    "substitution_sources": {"description": SOURCE_DESCRIPTION_MAX},
}
ROW_NUMBERS = {
    "energy": ("quantity", "low_heat_value_kj"),
    "baseline_energy": ("quantity", "low_heat_value_kj"),
    "exported_energy": ("quantity", "low_heat_value_kj"),
    "products": ("annual_output", "unit_energy"),
    "substitution_sources": ("saved_tce",),
}
# The national major project's filing number (备案文号) and the exempt project type code.
DOCUMENT_MAX = 100
PROJECT_TYPE_MAX = 32
SCALAR_TEXT_MAX = {
    "name": NAME_MAX,
    "description": DESCRIPTION_MAX,
    "national_major_document": DOCUMENT_MAX,
    "project_type": PROJECT_TYPE_MAX,
}
SCALAR_NUMBERS = ("renewable_electricity_kwh", "feedstock_tce", "national_major_relief_share")


def too_long(limit: int) -> str:
    return _("不得超过 %(limit)s 个字符。") % {"limit": limit}


def too_many(limit: int) -> str:
    return _("最多 %(limit)s 行。") % {"limit": limit}


def out_of_range() -> str:
    return _("数值超出允许范围（绝对值不超过 %(limit).0e）。") % {"limit": NUMBER_MAX}


def not_a_number(value: Any) -> bool:
    """True for a value that cannot be a number at all (an object, a list, a boolean, or text
    that does not parse); None and empty text count as not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return True
    if isinstance(value, str):
        try:
            float(value.replace(",", "").strip())
        except ValueError:
            return True
    return False


def not_a_number_message() -> str:
    return _("应为数字。")


def number_out_of_range(value: Any) -> bool:
    """True for a number (or numeric text) that is not finite or beyond NUMBER_MAX; other
    values are left to the engine to judge."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        number = float(value) if abs(value) < 10**300 else math.inf
    elif isinstance(value, str):
        try:
            number = float(value.replace(",", "").strip())
        except (ValueError, OverflowError):
            return False
    else:
        return False
    return not math.isfinite(number) or abs(number) > NUMBER_MAX


def limit_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every limit `data` (a change of a project, contract field names) breaks, by field path."""
    errors: dict[str, list[str]] = {}
    for key, limit in SCALAR_TEXT_MAX.items():
        value = data.get(key)
        if isinstance(value, str) and len(value) > limit:
            errors[key] = [too_long(limit)]
    for key in SCALAR_NUMBERS:
        if not_a_number(data.get(key)):
            errors[key] = [not_a_number_message()]
        elif number_out_of_range(data.get(key)):
            errors[key] = [out_of_range()]
    for key, limit in LIST_MAX.items():
        rows = data.get(key)
        if not isinstance(rows, list | tuple):
            continue
        if len(rows) > limit:
            errors[key] = [too_many(limit)]
            continue
        for index, row in enumerate(rows):
            if not isinstance(row, Mapping):
                continue
            for field, field_limit in ROW_TEXT_MAX[key].items():
                value = row.get(field)
                if isinstance(value, str) and len(value) > field_limit:
                    errors[f"{key}.{index}.{field}"] = [too_long(field_limit)]
            for field in ROW_NUMBERS[key]:
                if number_out_of_range(row.get(field)):
                    errors[f"{key}.{index}.{field}"] = [out_of_range()]
    return errors
