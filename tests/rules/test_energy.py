"""Energy accounting (GB/T 2589-2020 coefficients, 方案（八） renewable deduction, feedstock,
《办法》(2023) renovation increment): one figure per coefficient and unit row of the CSVs."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

import pytest

from rules.engine import Facts, assess_payload, load_reference, parse_facts
from rules.engine.energy import KJ_PER_KGCE, account, coefficient
from rules.engine.examples import example_payload
from rules.engine.reference import DATA_DIR

REF = load_reference()
TODAY = date(2026, 11, 20)
POLICY = {v.version: v for v in REF.policy_versions}
DATES = {"2016": "2020-01-01", "2021": "2022-01-01", "2023": "2026-11-20"}


def rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def facts(**overrides: Any) -> Facts:
    base: dict[str, Any] = {"industry": "6513", "products": [], "substitution_sources": []}
    base.update(overrides)
    return parse_facts(example_payload(**base), reference=REF, today=TODAY)


def energy_of(version: str = "2023", **overrides: Any):
    return account(facts(**overrides), policy=POLICY[version], reference=REF)


# The first energy type of each base unit, to pair with every unit row.
TYPE_FOR_BASE = {}
for _row in rows("energy_coefficients.csv"):
    TYPE_FOR_BASE.setdefault(_row["base_unit"], _row)


@pytest.mark.parametrize("row", rows("energy_coefficients.csv"), ids=lambda r: r["type"])
@pytest.mark.parametrize("version", ["2016", "2021", "2023"])
def test_every_coefficient_row(row, version):
    quantity = 1234.5
    result = energy_of(
        version, energy=[{"type": row["type"], "quantity": quantity, "unit": row["base_unit"]}]
    )
    expected = quantity * float(row["tce_per_base_unit"])
    assert result.equivalent_tce == pytest.approx(expected, rel=1e-12)
    assert result.counted_tce == pytest.approx(expected, rel=1e-12)
    if row["type"] == "electricity":
        equal_value = quantity * POLICY[version].equal_value_kgce_per_kwh / 1000
        assert result.equal_value_tce == pytest.approx(equal_value, rel=1e-12)
        assert result.electricity_kwh == quantity
    else:
        assert result.equal_value_tce == result.equivalent_tce
        assert result.electricity_kwh == 0.0


@pytest.mark.parametrize("row", rows("units.csv"), ids=lambda r: r["unit"])
@pytest.mark.parametrize("label", ["unit", "unit_zh"])
def test_every_unit_row(row, label):
    energy_type = TYPE_FOR_BASE[row["base_unit"]]
    result = energy_of(energy=[{"type": energy_type["type"], "quantity": 3, "unit": row[label]}])
    expected = 3 * float(row["factor"]) * float(energy_type["tce_per_base_unit"])
    assert result.equivalent_tce == pytest.approx(expected, rel=1e-12)
    assert result.lines[0].unit == row["unit"]


def test_contract_example_figures():
    result = energy_of(
        industry="3011",
        energy=example_payload()["energy"],
    )
    assert round(result.equivalent_tce, 2) == 120277.66
    assert round(result.equal_value_tce, 2) == 137168.66
    assert result.counted_tce == result.equivalent_tce
    assert result.electricity_kwh == 95000000.0
    assert [round(line.equivalent_tce, 2) for line in result.lines] == [107145.0, 11675.5, 1457.16]
    assert [round(line.equal_value_tce, 2) for line in result.lines] == [107145.0, 28566.5, 1457.16]


@pytest.mark.parametrize(
    ("version", "equal_value"),
    [("2016", 315.0), ("2021", 305.5), ("2023", 300.7)],
)
def test_equal_value_electricity_per_version(version, equal_value):
    result = energy_of(version, energy=[{"type": "electricity", "quantity": 1e6, "unit": "kWh"}])
    assert result.equal_value_tce == pytest.approx(equal_value, rel=1e-12)
    assert result.equivalent_tce == pytest.approx(122.9, rel=1e-12)


def test_full_precision_is_kept():
    result = energy_of(energy=[{"type": "electricity", "quantity": 1, "unit": "kWh"}])
    assert result.equivalent_tce == 0.0001229


# --- low heating value --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("energy_type", "unit", "quantity", "expected"),
    [
        ("raw_coal", "t", 1000, 1000.0),  # 29,307.6 kJ/kg = 1 kgce/kg = 1 tce/t
        ("raw_coal", "万吨", 0.1, 1000.0),
        ("natural_gas", "m3", 1_000_000, 1000.0),  # 1 kgce/m3 = 0.001 tce/m3
        ("natural_gas", "wan_m3", 100, 1000.0),
        ("coke_oven_gas", "m3", 1000, 1.0),
        ("steam", "t", 1000, 1000.0),
    ],
)
def test_low_heat_value_replaces_the_table_coefficient(energy_type, unit, quantity, expected):
    line = {
        "type": energy_type,
        "quantity": quantity,
        "unit": unit,
        "low_heat_value_kj": KJ_PER_KGCE,
    }
    result = energy_of(energy=[line])
    assert result.equivalent_tce == pytest.approx(expected, rel=1e-12)
    assert result.equal_value_tce == result.equivalent_tce


def test_measured_coal_heat_value():
    line = {"type": "raw_coal", "quantity": 100_000, "unit": "t", "low_heat_value_kj": 20908}
    result = energy_of(energy=[line])
    assert result.equivalent_tce == pytest.approx(100_000 * 20908 / 29307.6, rel=1e-12)
    assert coefficient(REF.energy_types["natural_gas"], 35544) == pytest.approx(35544 / 29307.6e3)


# --- deductions (contract v2: only from the regional count, and only from the 2022 version) ---
def test_renewable_and_feedstock_leave_only_the_counted_figure():
    result = energy_of(
        energy=[
            {"type": "electricity", "quantity": 10_000_000, "unit": "kWh"},
            {"type": "other_tce", "quantity": 3000, "unit": "tce"},
        ],
        renewable_electricity_kwh=4_000_000,
        feedstock_tce=500,
    )
    assert result.equivalent_tce == pytest.approx(1229 + 3000)
    assert result.review_tce == pytest.approx(1229 + 3000)
    assert result.new_tce == pytest.approx(1229 + 3000)
    assert result.renewable_tce == pytest.approx(491.6)
    assert result.feedstock_tce == 500
    assert result.counted_tce == pytest.approx(1229 + 3000 - 491.6 - 500)
    # The exemption test uses the electricity listed, not net of renewables.
    assert result.electricity_kwh == 10_000_000


@pytest.mark.parametrize(
    ("version", "deducted"), [("2016", False), ("2021", False), ("2022", True), ("2023", True)]
)
def test_regional_deductions_date_from_the_2022_version(version, deducted):
    result = energy_of(
        version,
        energy=[{"type": "other_tce", "quantity": 3000, "unit": "tce"}],
        feedstock_tce=500,
    )
    assert result.counted_tce == (2500.0 if deducted else 3000.0)
    assert result.review_tce == 3000.0


def test_counted_never_below_zero():
    result = energy_of(
        energy=[
            {"type": "other_tce", "quantity": 100, "unit": "tce"},
            {"type": "electricity", "quantity": 1_000_000, "unit": "kWh"},
        ],
        feedstock_tce=100,
        renewable_electricity_kwh=1_000_000,
    )
    assert result.counted_tce == 0.0
    assert result.equivalent_tce == pytest.approx(222.9)


# --- exported energy (GB/T 2589-2020) -----------------------------------------------------------
def test_exported_energy_is_netted_out_of_both_figures():
    result = energy_of(
        energy=[
            {"type": "raw_coal", "quantity": 10000, "unit": "t"},
            {"type": "electricity", "quantity": 1_000_000, "unit": "kWh"},
        ],
        exported_energy=[{"type": "electricity", "quantity": 2_000_000, "unit": "kWh"}],
    )
    gross = 10000 * 0.7143 + 1_000_000 * 0.0001229
    assert result.exported_tce == pytest.approx(2_000_000 * 0.0001229)
    assert result.equivalent_tce == pytest.approx(gross - 245.8)
    equal_value = 10000 * 0.7143 + (1_000_000 - 2_000_000) * 0.3007 / 1000
    assert result.equal_value_tce == pytest.approx(equal_value)
    # The exemption test counts the electricity the project consumes.
    assert result.electricity_kwh == 1_000_000


# --- increments by version (2016: 改扩建; 2023: unchanged renovation only) -----------------------
RENOVATION = {
    "energy": [
        {"type": "other_tce", "quantity": 30000, "unit": "tce"},
        {"type": "electricity", "quantity": 8_000_000, "unit": "kWh"},
    ],
    "baseline_energy": [
        {"type": "other_tce", "quantity": 10000, "unit": "tce"},
        {"type": "electricity", "quantity": 2, "unit": "MWh"},
    ],
}
ENERGY_EQ = 30000 + 8_000_000 * 0.0001229
BASELINE_EQ = 10000 + 2000 * 0.0001229


@pytest.mark.parametrize(
    ("version", "kind", "unchanged", "increment"),
    [
        ("2016", "expansion", False, True),
        ("2016", "renovation", False, True),
        ("2021", "expansion", False, True),
        ("2022", "renovation", False, True),
        ("2023", "expansion", False, False),
        ("2023", "expansion", True, False),
        ("2023", "renovation", False, False),
        ("2023", "renovation", True, True),
        ("2016", "new", False, False),
        ("2023", "new", True, False),
    ],
)
def test_increment_follows_the_version(version, kind, unchanged, increment):
    result = energy_of(
        version,
        construction_type=kind,
        unchanged_site_process_equipment=unchanged,
        **RENOVATION,
    )
    assert result.on_increment is increment
    assert result.equivalent_tce == pytest.approx(ENERGY_EQ)
    baseline = 0.0 if kind == "new" else BASELINE_EQ
    assert result.baseline_tce == pytest.approx(baseline)
    # The new figure (window guidance) is the increment for every expansion and renovation.
    assert result.new_tce == pytest.approx(ENERGY_EQ - baseline)
    if increment:
        assert result.review_tce == pytest.approx(ENERGY_EQ - BASELINE_EQ)
        assert result.electricity_kwh == 8_000_000 - 2000
    else:
        assert result.review_tce == pytest.approx(ENERGY_EQ)
        assert result.electricity_kwh == 8_000_000


def test_increment_clamped_at_zero():
    result = energy_of(
        construction_type="renovation",
        unchanged_site_process_equipment=True,
        energy=[{"type": "electricity", "quantity": 1_000_000, "unit": "kWh"}],
        baseline_energy=[{"type": "electricity", "quantity": 9_000_000, "unit": "kWh"}],
    )
    assert result.review_tce == 0.0
    assert result.new_tce == 0.0
    assert result.counted_tce == 0.0
    assert result.electricity_kwh == 0.0


def test_unchanged_renovation_increment_decides_the_tier():
    # 30,000 tce in total but only 900 tce and 4.9 million kWh more than before: exempt.
    payload = example_payload(
        industry="3011",
        construction_type="renovation",
        unchanged_site_process_equipment=True,
        products=[],
        energy=[
            {"type": "other_tce", "quantity": 30000, "unit": "tce"},
            {"type": "electricity", "quantity": 5_900_000, "unit": "kWh"},
        ],
        baseline_energy=[
            {"type": "other_tce", "quantity": 29100 + 4_900_000 * 0.0001229, "unit": "tce"},
            {"type": "electricity", "quantity": 1_000_000, "unit": "kWh"},
        ],
    )
    result = assess_payload(payload, reference=REF, today=TODAY)
    assert result.energy.electricity_kwh == 4_900_000
    assert result.energy.review_tce == pytest.approx(900)
    assert result.route == "exempt"
    assert result.as_dict()["energy"]["baseline_tce"] == round(
        29100 + 4_900_000 * 0.0001229 + 1_000_000 * 0.0001229, 2
    )
    # The same renovation with a changed site or process is counted on its total.
    payload["unchanged_site_process_equipment"] = False
    changed = assess_payload(payload, reference=REF, today=TODAY)
    assert changed.energy.review_tce == pytest.approx(30000 + 5_900_000 * 0.0001229)
    assert changed.review_level == "provincial"
