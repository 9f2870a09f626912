"""Validation of the fields added in contract version 2, and the limits on every list and text."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules.engine import InvalidFacts, load_reference, parse_facts
from rules.engine.examples import example_payload
from rules.engine.parse import MAX_LINES, MAX_NUMBER, MAX_TEXT

REF = load_reference()
TODAY = date(2026, 11, 20)


def parse(**overrides: Any):
    return parse_facts(example_payload(**overrides), reference=REF, today=TODAY)


def errors_of(**overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(InvalidFacts) as info:
        parse(**overrides)
    return {path: [m.code for m in messages] for path, messages in info.value.errors.items()}


def test_defaults_of_the_new_fields():
    facts = parse()
    assert (facts.project_type, facts.unchanged_site_process_equipment) == ("", False)
    assert (facts.national_major_document, facts.national_major_relief_share) == ("", 0.0)
    assert facts.exported_energy == ()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"project_type": "airport"}, {"project_type": ["project_type_unknown"]}),
        ({"project_type": 3}, {"project_type": ["not_string"]}),
        (
            {"unchanged_site_process_equipment": "yes"},
            {"unchanged_site_process_equipment": ["not_boolean"]},
        ),
        ({"national_major_project": 1}, {"national_major_project": ["not_boolean"]}),
        (
            {"national_major_project": True, "national_major_relief_share": 0.5},
            {"national_major_document": ["document_required"]},
        ),
        (
            {
                "national_major_project": True,
                "national_major_document": "  ",
                "national_major_relief_share": 0.5,
            },
            {"national_major_document": ["document_required"]},
        ),
        (
            {"national_major_project": True, "national_major_document": "国函〔2025〕1号"},
            {"national_major_relief_share": ["relief_share_range"]},
        ),
        (
            {
                "national_major_project": True,
                "national_major_document": "国函〔2025〕1号",
                "national_major_relief_share": 1.0001,
            },
            {"national_major_relief_share": ["relief_share_range"]},
        ),
        (
            {
                "national_major_project": True,
                "national_major_document": "国函〔2025〕1号",
                "national_major_relief_share": -0.1,
            },
            {"national_major_relief_share": ["relief_share_range"]},
        ),
        (
            {
                "national_major_project": True,
                "national_major_document": "国函〔2025〕1号",
                "national_major_relief_share": "half",
            },
            {"national_major_relief_share": ["not_number"]},
        ),
        (
            {"exported_energy": [{"type": "electricity", "quantity": -1, "unit": "kWh"}]},
            {"exported_energy.0.quantity": ["negative"]},
        ),
        (
            {"exported_energy": [{"type": "electricity", "quantity": 1e12, "unit": "kWh"}]},
            {"exported_energy": ["exported_exceeds"]},
        ),
        ({"feedstock_tce": 120277.67}, {"feedstock_tce": ["feedstock_exceeds"]}),
        (
            {"renewable_electricity_kwh": 95_000_001},
            {"renewable_electricity_kwh": ["renewable_exceeds"]},
        ),
    ],
)
def test_new_field_errors_at_their_paths(overrides, errors):
    assert errors_of(**overrides) == errors


@pytest.mark.parametrize("share", [1e-9, 0.3, 1, "1.0"])
def test_relief_shares_in_range(share):
    facts = parse(
        national_major_project=True,
        national_major_document=" 国函〔2025〕1号 ",
        national_major_relief_share=share,
    )
    assert facts.national_major_relief_share == float(share)
    assert facts.national_major_document == "国函〔2025〕1号"


def test_relief_fields_ignored_when_not_a_national_major_project():
    facts = parse(national_major_document=12, national_major_relief_share="x")
    assert (facts.national_major_document, facts.national_major_relief_share) == ("", 0.0)


def test_feedstock_up_to_the_equivalent_figure_net_of_exports():
    exported = [{"type": "electricity", "quantity": 1_000_000, "unit": "kWh"}]
    facts = parse(exported_energy=exported, feedstock_tce=120277.66 - 122.9 - 0.01)
    assert facts.feedstock_tce > 0
    assert errors_of(exported_energy=exported, feedstock_tce=120277.66 - 122.9 + 0.01) == {
        "feedstock_tce": ["feedstock_exceeds"]
    }


def test_exported_energy_equal_to_consumption_is_accepted():
    energy = [{"type": "other_tce", "quantity": 100, "unit": "tce"}]
    facts = parse(energy=energy, exported_energy=energy, products=[])
    assert len(facts.exported_energy) == 1


@pytest.mark.parametrize("key", ["energy", "exported_energy", "baseline_energy", "products"])
def test_lists_are_limited(key):
    item = (
        {"product": "cement_clinker", "unit_energy": 100}
        if key == "products"
        else {"type": "other_tce", "quantity": 0, "unit": "tce"}
    )
    assert errors_of(**{key: [item] * (MAX_LINES + 1)}) == {key: ["too_many"]}
    parse(**{key: [item] * MAX_LINES})


def test_texts_are_limited():
    assert errors_of(name="x" * (MAX_TEXT + 1)) == {"name": ["too_long"]}
    sources = [{"description": "x" * 501, "saved_tce": 1}]
    assert errors_of(substitution_sources=sources) == {
        "substitution_sources.0.description": ["too_long"]
    }


@pytest.mark.parametrize("value", [1e308, MAX_NUMBER * 10, -1e300])
def test_huge_numbers_are_refused_not_overflowed(value):
    line = {"type": "raw_coal", "quantity": value, "unit": "wan_t"}
    assert errors_of(energy=[line]) == {"energy.0.quantity": ["too_large"]}


def test_every_error_message_in_both_languages():
    with pytest.raises(InvalidFacts) as info:
        parse(project_type="airport", feedstock_tce=1e9)
    zh = info.value.as_dict("zh")["errors"]
    en = info.value.as_dict("en")["errors"]
    assert set(zh) == set(en) == {"project_type", "feedstock_tce"}
    assert "airport" in zh["project_type"][0]
