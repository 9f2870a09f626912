"""parse_facts on valid input: the contract's example, the round trip through facts_to_payload,
the defaults and every accepted form of a field, and Facts built directly (from the database)."""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from rules.engine import EnergyLine, Facts, ProductLine, SubstitutionSource, facts_to_payload
from rules.engine.examples import CONTRACT_EXAMPLE_INPUT, example_payload
from tests.rules._helpers import TODAY, errors_of, line, parse


# --- the example ---------------------------------------------------------------------------------
def test_contract_example_parses():
    facts = parse(CONTRACT_EXAMPLE_INPUT)
    assert facts.region == "320505"
    assert facts.province == "32"
    assert facts.industry == "3011"
    assert facts.construction_type == "new"
    assert facts.submitted_on == date(2026, 11, 20)
    assert facts.energy == (
        EnergyLine("raw_coal", 150000.0, "t"),
        EnergyLine("electricity", 9.5e7, "kWh"),
        EnergyLine("natural_gas", 120.0, "wan_m3"),
    )
    assert facts.products == (ProductLine("cement_clinker", 1200000.0, 100.0),)
    assert facts.substitution_sources == (SubstitutionSource("关停2条2500t/d熟料线", 40000.0),)
    assert facts.project_code == "2611-320500-04-01-381276"
    assert facts.name == "某水泥熟料生产线技改项目"


def test_parse_does_not_change_the_payload():
    payload = example_payload()
    before = copy.deepcopy(payload)
    parse(payload)
    assert payload == before


def test_round_trip_through_facts_to_payload():
    facts = parse(
        example_payload(
            energy=[line(unit="吨", low_heat_value_kj=21000), line(type="electricity", unit="MWh")],
            baseline_energy=[line(quantity="50")],
            construction_type="renovation",
            renewable_electricity_kwh="1000",
        )
    )
    payload = facts_to_payload(facts)
    assert payload["energy"][0] == {
        "type": "raw_coal",
        "quantity": 100.0,
        "unit": "t",
        "low_heat_value_kj": 21000.0,
    }
    assert parse(payload) == facts


# --- defaults and accepted forms -----------------------------------------------------------------
def test_minimal_payload_defaults():
    facts = parse({"region": "320505", "industry": "6513", "construction_type": "expansion"})
    assert facts.submitted_on == TODAY
    assert facts.energy == facts.baseline_energy == facts.products == ()
    assert facts.substitution_sources == ()
    assert facts.renewable_electricity_kwh == 0.0
    assert facts.feedstock_tce == 0.0
    assert facts.national_major_project is False
    assert facts.project_code == facts.name == ""


def test_nulls_mean_defaults():
    facts = parse(
        example_payload(
            submitted_on=None,
            energy=None,
            products=None,
            renewable_electricity_kwh=None,
            national_major_project=None,
            project_code=None,
        )
    )
    assert facts.submitted_on == TODAY
    assert facts.energy == ()
    assert facts.products == ()
    assert facts.project_code == ""


def test_unknown_keys_are_ignored():
    facts = parse(example_payload(extra="x", energy=[line(comment="c")]))
    assert facts.energy == (EnergyLine("raw_coal", 100.0, "t"),)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (150000, 150000.0),
        (1.5, 1.5),
        ("150000", 150000.0),
        (" 1.5e3 ", 1500.0),
        ("0", 0.0),
        (".5", 0.5),
        ("+2", 2.0),
        (Decimal("12.25"), 12.25),
        (0, 0.0),
    ],
)
def test_numbers_and_numeric_strings(raw, expected):
    facts = parse(example_payload(energy=[line(quantity=raw)]))
    assert facts.energy[0].quantity == expected


@pytest.mark.parametrize(
    ("unit", "canonical"),
    [("吨", "t"), ("千克", "kg"), ("万吨", "wan_t"), (" t ", "t")],
)
def test_units_by_chinese_name(unit, canonical):
    assert parse(example_payload(energy=[line(unit=unit)])).energy[0].unit == canonical


def test_submitted_on_accepts_date_objects():
    assert parse(example_payload(submitted_on=date(2022, 1, 1))).submitted_on == date(2022, 1, 1)
    at = datetime(2022, 1, 1, 12, 0)
    assert parse(example_payload(submitted_on=at)).submitted_on == date(2022, 1, 1)


def test_submitted_on_first_policy_day_is_accepted():
    assert parse(example_payload(submitted_on="2017-01-01")).submitted_on == date(2017, 1, 1)


def test_abolished_region_codes_are_refused():
    # 110103 崇文区 was merged into 东城区 in 2010; 320523 昆山县 became 320583 昆山市.
    for code in ("110103", "320523"):
        errors = errors_of(example_payload(region=code))
        assert errors == {"region": ["region_abolished"]}
    assert parse(example_payload(region="320583")).province == "32"


def test_negative_unit_energy_is_accepted():
    facts = parse(example_payload(products=[{"product": "converter", "unit_energy": -25}]))
    assert facts.products == (ProductLine("converter", 0.0, -25.0),)


def test_low_heat_value_is_kept_for_types_in_t_and_m3():
    facts = parse(
        example_payload(
            energy=[
                line(low_heat_value_kj="21000"),
                line(type="natural_gas", unit="m3", low_heat_value_kj=35000),
                line(type="steam", unit="t", low_heat_value_kj=2800),
            ]
        )
    )
    assert [e.low_heat_value_kj for e in facts.energy] == [21000.0, 35000.0, 2800.0]


def test_renewable_equal_to_electricity_listed_is_accepted():
    facts = parse(
        example_payload(
            energy=[line(type="electricity", quantity=2, unit="wan_kWh")],
            renewable_electricity_kwh=20000,
        )
    )
    assert facts.renewable_electricity_kwh == 20000.0


# --- Facts built directly (from the database) ----------------------------------------------------
def test_facts_province_is_derived_from_the_region_or_checked_against_it():
    fields: dict[str, Any] = {
        "region": "320505",
        "industry": "3011",
        "construction_type": "new",
        "submitted_on": date(2026, 1, 1),
    }
    assert Facts(**fields).province == "32"
    assert Facts(**fields, province="32") == Facts(**fields)
    with pytest.raises(ValueError, match="province 11"):
        Facts(**fields, province="11")
