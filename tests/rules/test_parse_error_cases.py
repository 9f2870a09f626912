"""parse_facts: the table of error paths, one invalid field at a time, each with the error code it
must give at its path."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rules.engine.examples import example_payload
from tests.rules._helpers import errors_of, line

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
