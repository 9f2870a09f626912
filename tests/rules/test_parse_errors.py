"""parse_facts on invalid input beyond the table: the payload's shape, missing fields, all errors
in one pass, the renewable check against valid electricity lines, the policy-date bound and the
error messages in both languages."""

from __future__ import annotations

import pytest

from rules.engine import InvalidFacts, parse_facts
from rules.engine.examples import example_payload
from tests.rules._helpers import REF, TODAY, errors_of, line, parse


# --- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", [[], "x", None, 5, ["region"]])
def test_payload_must_be_an_object(payload):
    assert errors_of(payload) == {"non_field_errors": ["not_object"]}


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
