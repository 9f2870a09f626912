"""parse_facts: every field's validation, every error path, all errors in one pass."""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from rules.engine import (
    EnergyLine,
    Facts,
    InvalidFacts,
    ProductLine,
    SubstitutionSource,
    facts_to_payload,
    load_reference,
    parse_facts,
)
from rules.engine.examples import CONTRACT_EXAMPLE_INPUT, example_payload

REF = load_reference()
TODAY = date(2026, 11, 20)


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


# --- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", [[], "x", None, 5, ["region"]])
def test_payload_must_be_an_object(payload):
    assert errors_of(payload) == {"non_field_errors": ["not_object"]}


CASES: list[tuple[str, dict[str, Any], dict[str, list[str]]]] = [
    # identity
    ("project_code not string", {"project_code": 123}, {"project_code": ["not_string"]}),
    ("name not string", {"name": ["x"]}, {"name": ["not_string"]}),
    # region
    ("region missing", {"region": None}, {"region": ["required"]}),
    ("region 5 digits", {"region": "32050"}, {"region": ["region_format"]}),
    ("region 7 digits", {"region": "3205050"}, {"region": ["region_format"]}),
    ("region letters", {"region": "3205a5"}, {"region": ["region_format"]}),
    ("region fullwidth digits", {"region": "３２０５０５"}, {"region": ["region_format"]}),
    ("region number", {"region": 320505}, {"region": ["not_string"]}),
    ("region unknown", {"region": "999999"}, {"region": ["region_unknown"]}),
    ("region unknown county", {"region": "320599"}, {"region": ["region_unknown"]}),
    # industry
    ("industry missing", {"industry": None}, {"industry": ["required"]}),
    ("industry division", {"industry": "30"}, {"industry": ["industry_format"]}),
    ("industry group", {"industry": "301"}, {"industry": ["industry_format"]}),
    ("industry 5 digits", {"industry": "30111"}, {"industry": ["industry_format"]}),
    ("industry with letter", {"industry": "C3011"}, {"industry": ["industry_format"]}),
    ("industry number", {"industry": 3011}, {"industry": ["not_string"]}),
    ("industry 9900", {"industry": "9900"}, {"industry": ["industry_unknown"]}),
    ("industry 2011 code", {"industry": "6510"}, {"industry": ["industry_unknown"]}),
    # construction type, flags, date
    ("construction missing", {"construction_type": None}, {"construction_type": ["required"]}),
    (
        "construction bad",
        {"construction_type": "build"},
        {"construction_type": ["construction_type"]},
    ),
    (
        "construction zh",
        {"construction_type": "新建"},
        {"construction_type": ["construction_type"]},
    ),
    (
        "national major str",
        {"national_major_project": "yes"},
        {"national_major_project": ["not_boolean"]},
    ),
    (
        "national major int",
        {"national_major_project": 1},
        {"national_major_project": ["not_boolean"]},
    ),
    ("date slashes", {"submitted_on": "2026/11/20"}, {"submitted_on": ["date_format"]}),
    ("date invalid", {"submitted_on": "2026-13-01"}, {"submitted_on": ["date_format"]}),
    ("date compact", {"submitted_on": "20261120"}, {"submitted_on": ["date_format"]}),
    ("date number", {"submitted_on": 20261120}, {"submitted_on": ["date_format"]}),
    (
        "date before policies",
        {"submitted_on": "2016-12-31"},
        {"submitted_on": ["date_before_policy"]},
    ),
    # energy lists
    ("energy not list", {"energy": {"type": "raw_coal"}}, {"energy": ["not_list"]}),
    ("energy string", {"energy": "raw_coal"}, {"energy": ["not_list"]}),
    ("energy item not object", {"energy": [line(), "x"]}, {"energy.1": ["not_object"]}),
    ("type missing", {"energy": [line(type=None)]}, {"energy.0.type": ["required"]}),
    ("type unknown", {"energy": [line(type="coal")]}, {"energy.0.type": ["energy_type_unknown"]}),
    ("type not string", {"energy": [line(type=5)]}, {"energy.0.type": ["not_string"]}),
    ("quantity missing", {"energy": [line(quantity=None)]}, {"energy.0.quantity": ["required"]}),
    ("quantity negative", {"energy": [line(quantity=-1)]}, {"energy.0.quantity": ["negative"]}),
    ("quantity neg str", {"energy": [line(quantity="-0.5")]}, {"energy.0.quantity": ["negative"]}),
    ("quantity text", {"energy": [line(quantity="abc")]}, {"energy.0.quantity": ["not_number"]}),
    ("quantity empty", {"energy": [line(quantity="")]}, {"energy.0.quantity": ["not_number"]}),
    (
        "quantity grouped",
        {"energy": [line(quantity="1,000")]},
        {"energy.0.quantity": ["not_number"]},
    ),
    (
        "quantity underscore",
        {"energy": [line(quantity="1_000")]},
        {"energy.0.quantity": ["not_number"]},
    ),
    ("quantity bool", {"energy": [line(quantity=True)]}, {"energy.0.quantity": ["not_number"]}),
    ("quantity false", {"energy": [line(quantity=False)]}, {"energy.0.quantity": ["not_number"]}),
    ("quantity list", {"energy": [line(quantity=[1])]}, {"energy.0.quantity": ["not_number"]}),
    (
        "quantity NaN",
        {"energy": [line(quantity=float("nan"))]},
        {"energy.0.quantity": ["not_finite"]},
    ),
    (
        "quantity inf",
        {"energy": [line(quantity=float("inf"))]},
        {"energy.0.quantity": ["not_finite"]},
    ),
    ("quantity 'NaN'", {"energy": [line(quantity="NaN")]}, {"energy.0.quantity": ["not_finite"]}),
    (
        "quantity 'Infinity'",
        {"energy": [line(quantity="Infinity")]},
        {"energy.0.quantity": ["not_finite"]},
    ),
    (
        "quantity '-Infinity'",
        {"energy": [line(quantity="-Infinity")]},
        {"energy.0.quantity": ["not_finite"]},
    ),
    ("quantity 'inf'", {"energy": [line(quantity="inf")]}, {"energy.0.quantity": ["not_finite"]}),
    (
        "quantity Decimal NaN",
        {"energy": [line(quantity=Decimal("NaN"))]},
        {"energy.0.quantity": ["not_finite"]},
    ),
    ("quantity huge", {"energy": [line(quantity=10**400)]}, {"energy.0.quantity": ["not_finite"]}),
    (
        "quantity overflow str",
        {"energy": [line(quantity="1e400")]},
        {"energy.0.quantity": ["not_finite"]},
    ),
    ("unit missing", {"energy": [line(unit=None)]}, {"energy.0.unit": ["required"]}),
    ("unit unknown", {"energy": [line(unit="bbl")]}, {"energy.0.unit": ["unit_unknown"]}),
    (
        "unit mismatch",
        {"energy": [line(type="electricity", unit="t")]},
        {"energy.0.unit": ["unit_mismatch"]},
    ),
    ("unit zh mismatch", {"energy": [line(unit="千瓦时")]}, {"energy.0.unit": ["unit_mismatch"]}),
    (
        "lhv electricity",
        {"energy": [line(type="electricity", unit="kWh", low_heat_value_kj=1)]},
        {"energy.0.low_heat_value_kj": ["low_heat_not_applicable"]},
    ),
    (
        "lhv heat",
        {"energy": [line(type="heat", unit="GJ", low_heat_value_kj=1)]},
        {"energy.0.low_heat_value_kj": ["low_heat_not_applicable"]},
    ),
    (
        "lhv other_tce",
        {"energy": [line(type="other_tce", unit="tce", low_heat_value_kj=1)]},
        {"energy.0.low_heat_value_kj": ["low_heat_not_applicable"]},
    ),
    (
        "lhv zero",
        {"energy": [line(low_heat_value_kj=0)]},
        {"energy.0.low_heat_value_kj": ["not_positive"]},
    ),
    (
        "lhv negative",
        {"energy": [line(low_heat_value_kj=-20000)]},
        {"energy.0.low_heat_value_kj": ["not_positive"]},
    ),
    (
        "lhv NaN",
        {"energy": [line(low_heat_value_kj="NaN")]},
        {"energy.0.low_heat_value_kj": ["not_finite"]},
    ),
    (
        "lhv bool",
        {"energy": [line(low_heat_value_kj=True)]},
        {"energy.0.low_heat_value_kj": ["not_number"]},
    ),
    ("baseline not list", {"baseline_energy": 5}, {"baseline_energy": ["not_list"]}),
    (
        "baseline quantity",
        {"baseline_energy": [line(quantity=-1)]},
        {"baseline_energy.0.quantity": ["negative"]},
    ),
    (
        "baseline unit",
        {"baseline_energy": [line(), line(unit="MWh")]},
        {"baseline_energy.1.unit": ["unit_mismatch"]},
    ),
    # renewable and feedstock
    (
        "renewable negative",
        {"renewable_electricity_kwh": -1},
        {"renewable_electricity_kwh": ["negative"]},
    ),
    (
        "renewable bool",
        {"renewable_electricity_kwh": True},
        {"renewable_electricity_kwh": ["not_number"]},
    ),
    (
        "renewable NaN",
        {"renewable_electricity_kwh": "NaN"},
        {"renewable_electricity_kwh": ["not_finite"]},
    ),
    (
        "renewable exceeds",
        {"renewable_electricity_kwh": 95000001},
        {"renewable_electricity_kwh": ["renewable_exceeds"]},
    ),
    (
        "renewable without electricity",
        {"energy": [line()], "renewable_electricity_kwh": 1},
        {"renewable_electricity_kwh": ["renewable_exceeds"]},
    ),
    ("feedstock negative", {"feedstock_tce": -0.01}, {"feedstock_tce": ["negative"]}),
    ("feedstock text", {"feedstock_tce": "x"}, {"feedstock_tce": ["not_number"]}),
    ("feedstock inf", {"feedstock_tce": "Infinity"}, {"feedstock_tce": ["not_finite"]}),
    # products
    ("products not list", {"products": "cement_clinker"}, {"products": ["not_list"]}),
    ("product not object", {"products": [3]}, {"products.0": ["not_object"]}),
    ("product missing", {"products": [{"unit_energy": 1}]}, {"products.0.product": ["required"]}),
    (
        "product unknown",
        {"products": [{"product": "cement", "unit_energy": 1}]},
        {"products.0.product": ["product_unknown"]},
    ),
    (
        "unit_energy missing",
        {"products": [{"product": "cement_clinker"}]},
        {"products.0.unit_energy": ["required"]},
    ),
    (
        "unit_energy text",
        {"products": [{"product": "cement_clinker", "unit_energy": "low"}]},
        {"products.0.unit_energy": ["not_number"]},
    ),
    (
        "unit_energy NaN",
        {"products": [{"product": "cement_clinker", "unit_energy": "NaN"}]},
        {"products.0.unit_energy": ["not_finite"]},
    ),
    (
        "unit_energy bool",
        {"products": [{"product": "cement_clinker", "unit_energy": False}]},
        {"products.0.unit_energy": ["not_number"]},
    ),
    (
        "annual_output negative",
        {"products": [{"product": "cement_clinker", "unit_energy": 1, "annual_output": -1}]},
        {"products.0.annual_output": ["negative"]},
    ),
    # substitution sources
    ("sources not list", {"substitution_sources": {}}, {"substitution_sources": ["not_list"]}),
    (
        "source not object",
        {"substitution_sources": [None]},
        {"substitution_sources.0": ["not_object"]},
    ),
    (
        "saved missing",
        {"substitution_sources": [{"description": "x"}]},
        {"substitution_sources.0.saved_tce": ["required"]},
    ),
    (
        "saved negative",
        {"substitution_sources": [{"saved_tce": -5}]},
        {"substitution_sources.0.saved_tce": ["negative"]},
    ),
    (
        "saved inf",
        {"substitution_sources": [{"saved_tce": "-Infinity"}]},
        {"substitution_sources.0.saved_tce": ["not_finite"]},
    ),
    (
        "description not string",
        {"substitution_sources": [{"description": 5, "saved_tce": 1}]},
        {"substitution_sources.0.description": ["not_string"]},
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_error_paths(overrides, expected):
    assert errors_of(example_payload(**overrides)) == expected


def test_missing_field_is_required_like_null():
    payload = example_payload()
    del payload["region"], payload["construction_type"]
    assert errors_of(payload) == {"region": ["required"], "construction_type": ["required"]}


def test_every_error_is_collected_in_one_pass():
    payload = example_payload(
        region="1",
        industry="9900",
        construction_type="x",
        submitted_on="2000-01-01",
        energy=[line(quantity="NaN", unit="bbl"), line(type="electricity", unit="kWh"), "x"],
        products=[{"product": "zz", "unit_energy": "x"}],
        substitution_sources=[{"saved_tce": -1}],
        feedstock_tce=-1,
    )
    assert errors_of(payload) == {
        "region": ["region_format"],
        "industry": ["industry_unknown"],
        "construction_type": ["construction_type"],
        "submitted_on": ["date_before_policy"],
        "energy.0.quantity": ["not_finite"],
        "energy.0.unit": ["unit_unknown"],
        "energy.2": ["not_object"],
        "feedstock_tce": ["negative"],
        "products.0.product": ["product_unknown"],
        "products.0.unit_energy": ["not_number"],
        "substitution_sources.0.saved_tce": ["negative"],
    }


def test_renewable_is_not_compared_when_an_electricity_line_is_invalid():
    payload = example_payload(
        energy=[line(type="electricity", quantity="x", unit="kWh")], renewable_electricity_kwh=10
    )
    assert errors_of(payload) == {"energy.0.quantity": ["not_number"]}


def test_renewable_is_compared_with_the_valid_electricity_lines():
    payload = example_payload(
        energy=[line(quantity=-1), line(type="electricity", quantity=10, unit="kWh")],
        renewable_electricity_kwh=11,
    )
    assert errors_of(payload) == {
        "energy.0.quantity": ["negative"],
        "renewable_electricity_kwh": ["renewable_exceeds"],
    }


def test_renewable_counts_electricity_in_any_unit():
    payload = example_payload(
        energy=[line(type="electricity", quantity=1, unit="MWh")], renewable_electricity_kwh=1001
    )
    assert errors_of(payload) == {"renewable_electricity_kwh": ["renewable_exceeds"]}


def test_policy_versions_argument_bounds_submitted_on():
    later = REF.policy_versions[1:]
    with pytest.raises(InvalidFacts) as info:
        parse_facts(
            example_payload(submitted_on="2020-01-01"),
            reference=REF,
            today=TODAY,
            policy_versions=later,
        )
    assert info.value.as_dict("en") == {
        "errors": {
            "submitted_on": ["Date precedes the first policy version in force (2021-09-11)."]
        }
    }


# --- messages of errors ------------------------------------------------------------------------
def test_error_messages_in_chinese_and_english():
    with pytest.raises(InvalidFacts) as info:
        parse(example_payload(energy=[line(), line(quantity=-3)], industry="9900"))
    exc = info.value
    assert exc.as_dict() == {
        "errors": {
            "industry": ["未知的国民经济行业小类代码：9900。"],
            "energy.1.quantity": ["不得为负数。"],
        }
    }
    assert exc.as_dict(lang="en") == {
        "errors": {
            "industry": ["Unknown GB/T 4754-2017 industry class: 9900."],
            "energy.1.quantity": ["Must not be negative."],
        }
    }
    assert exc.as_dict(lang="en-US") == exc.as_dict(lang="en")
    assert exc.as_dict(lang="zh-hans") == exc.as_dict()
    assert "industry" in str(exc)


def test_every_error_code_has_both_languages():
    from rules.engine.messages import ERRORS

    for code, (zh, en) in ERRORS.items():
        assert zh, code
        assert en, code
        assert zh != en, code


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
