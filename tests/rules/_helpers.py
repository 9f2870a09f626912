"""Shared by the rules tests: the reference data, the fixed day, the energy and product rows,
run() (parse the example payload with overrides, pick the policy in force and assess), the
finding look-ups, and parse()/errors_of()/line() for the parse_facts tests. Plain functions, no
Django and no conftest: tests/rules runs without them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules.engine import (
    Assessment,
    Context,
    Facts,
    InvalidFacts,
    InventoryEntry,
    RegionStatus,
    assess,
    load_reference,
    parse_facts,
    policy_in_force,
)
from rules.engine.examples import example_payload

REF = load_reference()
TODAY = date(2026, 11, 20)
DATES = {"2016": "2020-03-01", "2021": "2022-03-01", "2022": "2023-03-01", "2023": "2026-11-20"}


def tce(quantity: float) -> list[dict[str, Any]]:
    return [{"type": "other_tce", "quantity": quantity, "unit": "tce"}]


def kwh(quantity: float) -> dict[str, Any]:
    return {"type": "electricity", "quantity": quantity, "unit": "kWh"}


def coal(quantity: float, kind: str = "raw_coal") -> dict[str, Any]:
    return {"type": kind, "quantity": quantity, "unit": "t"}


def product(name: str, unit_energy: float, output: float = 1000) -> dict[str, Any]:
    return {"product": name, "annual_output": output, "unit_energy": unit_energy}


def run(
    *,
    version: str | None = "2023",
    region_status: RegionStatus | None = None,
    inventory: InventoryEntry | None = None,
    reference: Any = REF,
    **overrides: Any,
) -> Assessment:
    fields: dict[str, Any] = {
        "industry": "6513",
        "energy": tce(20000),
        "products": [],
        "substitution_sources": [],
    }
    if version is not None:
        fields["submitted_on"] = DATES[version]
    fields.update(overrides)
    facts = parse_facts(example_payload(**fields), reference=reference, today=TODAY)
    policy = policy_in_force(reference.policy_versions, facts.submitted_on)
    if version is not None and "submitted_on" not in overrides:
        assert policy.version == version
    context = Context(region_status, inventory)
    return assess(facts, policy=policy, context=context, reference=reference)


def codes(result: Assessment) -> list[str]:
    return [f.code for f in result.findings]


def finding(result: Assessment, code: str):
    matches = [f for f in result.findings if f.code == code]
    assert len(matches) == 1, codes(result)
    return matches[0]


def behind(
    ratio: float = 1.0, province: str = "32", year: int = 2026, suspended: bool = False
) -> RegionStatus:
    return RegionStatus(
        province=province,
        year=year,
        basic_target_pct=3.0,
        incentive_target_pct=3.5,
        progress_pct=1.0,
        behind_basic_target=True,
        substitution_ratio=ratio,
        warning_level="red",
        two_high_suspended=suspended,
    )


ON_TRACK = RegionStatus("32", 2026, 3.0, 3.5, 3.2, False, 1.0, "green")


# --- parse_facts ---------------------------------------------------------------------------------
def parse(payload: Any) -> Facts:
    return parse_facts(payload, reference=REF, today=TODAY)


def errors_of(payload: Any) -> dict[str, list[str]]:
    """``{path: [error code, ...]}`` of an invalid payload."""
    with pytest.raises(InvalidFacts) as info:
        parse(payload)
    return {path: [m.code for m in messages] for path, messages in info.value.errors.items()}


def line(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"type": "raw_coal", "quantity": 100, "unit": "t"}
    base.update(fields)
    return base
