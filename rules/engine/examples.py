"""The assessment contract's example, as data: for API docs, fixtures and tests.

``CONTRACT_EXAMPLE_INPUT`` is the input of the contract verbatim; ``CONTRACT_EXAMPLE_OUTPUT`` the
contract's output values for it (with no regional status for province 32), messages and
bases left out.
"""

from __future__ import annotations

import copy
from typing import Any, Final

CONTRACT_EXAMPLE_INPUT: Final[dict[str, Any]] = {
    "project_code": "2611-320500-04-01-381276",
    "name": "某水泥熟料生产线技改项目",
    "region": "320505",
    "industry": "3011",
    "construction_type": "new",
    "project_type": "",
    "unchanged_site_process_equipment": False,
    "national_major_project": False,
    "national_major_document": "",
    "national_major_relief_share": 0,
    "submitted_on": "2026-11-20",
    "energy": [
        {"type": "raw_coal", "quantity": 150000, "unit": "t"},
        {"type": "electricity", "quantity": 9.5e7, "unit": "kWh"},
        {"type": "natural_gas", "quantity": 120, "unit": "wan_m3"},
    ],
    "exported_energy": [],
    "baseline_energy": [],
    "renewable_electricity_kwh": 0,
    "feedstock_tce": 0,
    "products": [{"product": "cement_clinker", "annual_output": 1200000, "unit_energy": 100.0}],
    "substitution_sources": [{"description": "关停2条2500t/d熟料线", "saved_tce": 40000}],
}

CONTRACT_EXAMPLE_OUTPUT: Final[dict[str, Any]] = {
    "contract_version": 2,
    "policy_version": "2023",
    "energy": {
        "equivalent_tce": 120277.66,
        "equal_value_tce": 137168.66,
        "baseline_tce": 0.0,
        "review_tce": 120277.66,
        "new_tce": 120277.66,
        "counted_tce": 120277.66,
        "renewable_tce": 0.0,
        "feedstock_tce": 0.0,
        "electricity_kwh": 95000000.0,
        "on_increment": False,
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
            "edition": "2021",
            "mandatory": False,
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
        {"code": "TIER_PROVINCIAL", "severity": "info"},
        {"code": "TWO_HIGH_CATALOGUE", "severity": "info"},
        {"code": "NATIONAL_WINDOW_GUIDANCE", "severity": "blocking"},
        {"code": "EFFICIENCY_LEVEL", "severity": "info"},
        {"code": "COAL_SUBSTITUTION_REQUIRED", "severity": "warning"},
    ],
}


def example_payload(**overrides: Any) -> dict[str, Any]:
    """A deep copy of the contract's example input with top-level fields replaced."""
    payload = copy.deepcopy(CONTRACT_EXAMPLE_INPUT)
    payload.update(copy.deepcopy(overrides))
    return payload
