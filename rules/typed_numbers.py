"""The number fields of the assessment contract's JSON (../spec/assessment-contract.md) read as
people type them, before the engine sees them (the engine itself stays pure Python).

The contract's numbers are JSON numbers and stay so. The engine also reads numeric strings in
these fields today; such strings may carry thousands separators and full-width digits
(``common.number_input``). A mis-grouped separator is an error at the field's path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common.number_input import read_typed_number

TOP_LEVEL = ("renewable_electricity_kwh", "feedstock_tce", "national_major_relief_share")
LINES: Mapping[str, tuple[str, ...]] = {
    "energy": ("quantity", "low_heat_value_kj"),
    "exported_energy": ("quantity", "low_heat_value_kj"),
    "baseline_energy": ("quantity", "low_heat_value_kj"),
    "products": ("annual_output", "unit_energy"),
    "substitution_sources": ("saved_tce",),
}


def typed_numbers_read(payload: Any) -> tuple[Any, dict[str, list[str]]]:
    """The payload with its number strings normalised (a copy where anything changed) and the
    errors of mis-grouped separators by path (``energy.1.quantity``). Anything that is not the
    contract's shape is returned as it is, for the engine to judge."""
    if not isinstance(payload, Mapping):
        return payload, {}
    errors: dict[str, list[str]] = {}
    out = dict(payload)

    def read(container: dict[str, Any], key: str, path: str) -> None:
        if key not in container:
            return
        value, message = read_typed_number(container[key])
        if message:
            errors[path] = [message]
        else:
            container[key] = value

    for key in TOP_LEVEL:
        read(out, key, key)
    for collection, keys in LINES.items():
        rows = out.get(collection)
        if not isinstance(rows, list):
            continue
        copied = []
        for index, row in enumerate(rows):
            if isinstance(row, Mapping):
                row = dict(row)
                for key in keys:
                    read(row, key, f"{collection}.{index}.{key}")
            copied.append(row)
        out[collection] = copied
    return out, errors
