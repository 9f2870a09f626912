"""Annual comprehensive energy consumption in tonnes of standard coal (GB/T 2589-2020).

- ``equivalent_tce``: Σ quantity × unit factor × coefficient, electricity at 当量值 (the
  electricity row of energy_coefficients.csv), as 《办法》 counts it.
- ``equal_value_tce``: the same with electricity at the version's 等价值
  (``equal_value_kgce_per_kwh`` / 1000 tce per kWh).
- ``counted_tce``: equivalent − renewable electricity at 当量值 (方案（八）) − feedstock energy
  (原料用能); for ``renovation`` 《办法》(2023) counts the increment over ``baseline_energy``.
  Never below 0.
- ``electricity_kwh``: the electricity listed (renovation: its increment, never below 0), the
  figure of the exemption test.

Full float precision throughout; rounding is for display only (``Assessment.as_dict``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from rules.engine.reference import ELECTRICITY, Reference
from rules.engine.types import (
    EnergyAccount,
    EnergyLine,
    EnergyLineAccount,
    EnergyType,
    Facts,
    PolicyVersion,
)

KJ_PER_KGCE: Final = 29_307.6
"""1 kgce = 29,307.6 kJ (GB/T 2589-2020)."""

HEAT_VALUE_BASE_UNITS: Final = frozenset({"t", "m3"})
"""Types measured in these base units may state a measured low heating value."""


def coefficient(energy_type: EnergyType, low_heat_value_kj: float | None) -> float:
    """tce per base unit: the table's, or measured kJ per kg (t) / per m3 (m3) ÷ 29,307.6."""
    if low_heat_value_kj is None:
        return energy_type.tce_per_base_unit
    kgce_per_kg_or_m3 = low_heat_value_kj / KJ_PER_KGCE
    if energy_type.base_unit == "t":
        return kgce_per_kg_or_m3  # kgce per kg == tce per t
    return kgce_per_kg_or_m3 / 1000.0  # kgce per m3 -> tce per m3


def equivalent_and_kwh(lines: Sequence[EnergyLine], reference: Reference) -> tuple[float, float]:
    """(equivalent tce, electricity kWh) of a set of lines."""
    types = reference.energy_types
    units = reference.units
    total = 0.0
    kwh = 0.0
    for line in lines:
        base = line.quantity * units[line.unit].factor
        energy_type = types[line.type]
        if line.type == ELECTRICITY:
            kwh += base
        total += base * coefficient(energy_type, line.low_heat_value_kj)
    return total, kwh


def account(facts: Facts, *, policy: PolicyVersion, reference: Reference) -> EnergyAccount:
    """The energy block of the assessment of ``facts`` under ``policy``'s 等价值 coefficient."""
    types = reference.energy_types
    units = reference.units
    equal_value_per_kwh = policy.equal_value_kgce_per_kwh / 1000.0
    equivalent = 0.0
    equal_value = 0.0
    kwh = 0.0
    accounts: list[EnergyLineAccount] = []
    for line in facts.energy:
        base = line.quantity * units[line.unit].factor
        energy_type = types[line.type]
        if line.type == ELECTRICITY:
            kwh += base
            eq = base * energy_type.tce_per_base_unit
            ev = base * equal_value_per_kwh
        else:
            eq = ev = base * coefficient(energy_type, line.low_heat_value_kj)
        equivalent += eq
        equal_value += ev
        accounts.append(EnergyLineAccount(line.type, line.quantity, line.unit, eq, ev))

    renewable = facts.renewable_electricity_kwh * reference.electricity_tce_per_kwh
    if facts.construction_type == "renovation":
        baseline, baseline_kwh = equivalent_and_kwh(facts.baseline_energy, reference)
        start = equivalent - baseline
        electricity_kwh = max(0.0, kwh - baseline_kwh)
    else:
        baseline = 0.0
        start = equivalent
        electricity_kwh = kwh
    counted = max(0.0, start - renewable - facts.feedstock_tce)
    return EnergyAccount(
        equivalent_tce=equivalent,
        equal_value_tce=equal_value,
        counted_tce=counted,
        electricity_kwh=electricity_kwh,
        baseline_equivalent_tce=baseline,
        renewable_deduction_tce=renewable,
        feedstock_tce=facts.feedstock_tce,
        lines=tuple(accounts),
    )
