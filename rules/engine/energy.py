"""Annual comprehensive energy consumption in tonnes of standard coal (GB/T 2589-2020).

Contract version 2, "Accounting":

- ``equivalent_tce``: Σ quantity × unit factor × coefficient over ``energy`` (electricity at
  当量值) minus the same over ``exported_energy`` (外供, netted out per GB/T 2589-2020).
- ``equal_value_tce``: the same with electricity at the version's 等价值 (the national
  thermal-power supply coal rate of the reference year, ``equal_value_kgce_per_kwh``).
- ``baseline_tce``: ``baseline_energy`` at 当量值 (0 for ``new``).
- ``on_increment``: the version's ``increment_basis`` — ``expansion_and_renovation`` (2016
  《办法》: 改扩建 on the increment) or ``unchanged_renovation`` (2023 《办法》第八条: only a
  renovation whose site, main process and main equipment are unchanged).
- ``review_tce`` (年综合能源消费量, the tier's and the exemption's figure): equivalent − baseline
  on the increment, else equivalent; ``electricity_kwh`` likewise for the exemption test.
- ``new_tce`` (新增能耗, window guidance, 方案（七）): equivalent − baseline for every expansion
  and renovation, equivalent for ``new``.
- ``counted_tce`` (计入能耗双控): new − renewable (发改运行〔2022〕1258号) − feedstock
  (发改环资〔2022〕803号) where the version deducts them; then × (1 − relief share) for a national
  major project under the 2021 方案（六）.

Every figure is floored at 0 and kept at full float precision; rounding is for display only.
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


def _lines(
    lines: Sequence[EnergyLine], reference: Reference, equal_value_per_kwh: float
) -> tuple[float, float, float, tuple[EnergyLineAccount, ...]]:
    """(equivalent tce, equal-value tce, kWh, per-line accounts) of a set of lines."""
    types = reference.energy_types
    units = reference.units
    equivalent = 0.0
    equal_value = 0.0
    kwh = 0.0
    accounts: list[EnergyLineAccount] = []
    for line in lines:
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
    return equivalent, equal_value, kwh, tuple(accounts)


INCREMENT_EXPANSION_AND_RENOVATION: Final = "expansion_and_renovation"
INCREMENT_UNCHANGED_RENOVATION: Final = "unchanged_renovation"


def on_increment(facts: Facts, policy: PolicyVersion) -> bool:
    """Whether 《办法》 of this version counts the project on its increment."""
    kind = facts.construction_type
    if policy.increment_basis == INCREMENT_EXPANSION_AND_RENOVATION:
        return kind in ("expansion", "renovation")
    if policy.increment_basis == INCREMENT_UNCHANGED_RENOVATION:
        return kind == "renovation" and facts.unchanged_site_process_equipment
    return False


def account(facts: Facts, *, policy: PolicyVersion, reference: Reference) -> EnergyAccount:
    """The energy block of the assessment of ``facts`` under ``policy`` (contract v2)."""
    per_kwh = policy.equal_value_kgce_per_kwh / 1000.0
    gross, gross_ev, kwh, lines = _lines(facts.energy, reference, per_kwh)
    exported, exported_ev, _, exported_lines = _lines(facts.exported_energy, reference, per_kwh)
    equivalent = max(0.0, gross - exported)
    equal_value = max(0.0, gross_ev - exported_ev)

    increment = on_increment(facts, policy)
    if facts.construction_type == "new":
        baseline = 0.0
        baseline_kwh = 0.0
    else:
        baseline, baseline_kwh = equivalent_and_kwh(facts.baseline_energy, reference)
    if increment:
        review = max(0.0, equivalent - baseline)
        electricity_kwh = max(0.0, kwh - baseline_kwh)
    else:
        review = equivalent
        electricity_kwh = kwh
    new = equivalent if facts.construction_type == "new" else max(0.0, equivalent - baseline)

    renewable = facts.renewable_electricity_kwh * reference.electricity_tce_per_kwh
    counted = new
    if policy.regional_deducts_renewable:
        counted -= renewable
    if policy.regional_deducts_feedstock:
        counted -= facts.feedstock_tce
    counted = max(0.0, counted)
    before_relief = counted
    if facts.national_major_project and policy.substitution_rules:
        counted = counted * (1.0 - facts.national_major_relief_share)
    return EnergyAccount(
        equivalent_tce=equivalent,
        equal_value_tce=equal_value,
        counted_tce=max(0.0, counted),
        electricity_kwh=electricity_kwh,
        baseline_tce=baseline,
        review_tce=review,
        new_tce=new,
        renewable_tce=renewable,
        feedstock_tce=facts.feedstock_tce,
        on_increment=increment,
        exported_tce=exported,
        lines=lines,
        exported_lines=exported_lines,
        counted_before_relief_tce=before_relief,
    )
