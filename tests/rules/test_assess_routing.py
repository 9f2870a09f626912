"""assess(): two-high and high-energy projects, the two-high inventory and the route on the new
figure (national window guidance or local two-high)."""

from __future__ import annotations

import pytest

from rules.engine import InventoryEntry
from rules.engine.codes import SEVERITIES
from tests.rules._helpers import behind, coal, codes, finding, product, run, tce


# --- two-high and high-energy -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("industry", "energy", "two_high", "high_energy"),
    [
        ("4411", [coal(100)], True, True),
        ("4411", [coal(100, "coal_gangue")], True, True),
        ("4412", [coal(100, "briquette")], True, True),
        ("4411", [coal(0), *tce(20000)], False, True),
        ("4411", [{"type": "natural_gas", "quantity": 9000, "unit": "wan_m3"}], False, True),
        ("4430", [{"type": "natural_gas", "quantity": 9000, "unit": "wan_m3"}], False, True),
        ("4430", [coal(30000)], False, True),
        ("3011", tce(20000), True, True),
        ("2524", tce(20000), False, True),
        ("6513", tce(20000), False, False),
    ],
)
def test_two_high_and_high_energy(industry, energy, two_high, high_energy):
    result = run(industry=industry, energy=energy)
    assert result.two_high.is_two_high is two_high
    assert result.high_energy is high_energy
    assert ("TWO_HIGH_CATALOGUE" in codes(result)) is two_high


def test_gas_power_plant_in_a_region_behind_target_owes_substitution():
    gas = [{"type": "natural_gas", "quantity": 5000, "unit": "wan_m3"}]
    result = run(industry="4411", energy=gas, region_status=behind(ratio=1.2))
    assert not result.two_high.is_two_high
    assert result.high_energy
    assert result.substitution.required
    assert result.substitution.required_tce == pytest.approx(5000e4 * 0.0012143 * 1.2)
    assert "SUBSTITUTION_SHORTFALL" in codes(result)


@pytest.mark.parametrize(
    ("disposal", "stop"), [("continue", False), ("rectify", False), ("stop", True)]
)
def test_inventory(disposal, stop):
    entry = InventoryEntry("X-1", "某项目", "320505", "3011", "planned", disposal, 1234.567)
    result = run(inventory=entry)
    assert result.two_high.basis == ("inventory",)
    assert finding(result, "TWO_HIGH_INVENTORY").severity == "info"
    assert ("INVENTORY_DISPOSAL_STOP" in codes(result)) is stop
    assert (result.recommendation == "reject") is stop
    out = result.as_dict()["two_high"]
    assert out["inventory"] == {"status": "planned", "disposal": disposal, "annual_tce": 1234.57}
    assert out["sector"] == "building_materials"


# --- routing on the new figure ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("baseline", "route", "code"),
    [
        (30000, "national_window_guidance", "NATIONAL_WINDOW_GUIDANCE"),
        (30000.01, "local_two_high", "LOCAL_STRICT"),
    ],
)
@pytest.mark.parametrize("version", ["2021", "2022", "2023"])
def test_window_guidance_at_exactly_50000_new_tce_for_an_expansion(baseline, route, code, version):
    result = run(
        version=version,
        industry="3011",
        construction_type="expansion",
        energy=tce(80000),
        baseline_energy=tce(baseline),
    )
    assert result.route == route
    assert SEVERITIES[code] == finding(result, code).severity
    assert ("NATIONAL_WINDOW_GUIDANCE" in codes(result)) is (route == "national_window_guidance")


def test_window_guidance_ignores_regional_deductions():
    result = run(
        industry="2614", energy=tce(50000), feedstock_tce=40000, renewable_electricity_kwh=0
    )
    assert result.energy.counted_tce == pytest.approx(10000)
    assert result.route == "national_window_guidance"
    assert result.recommendation == "defer"


def test_2016_reports_two_high_but_routes_standard_and_applies_no_2021_rule():
    result = run(
        version="2016",
        industry="3110",
        energy=[coal(200000)],
        products=[product("blast_furnace", 500)],
        region_status=behind(year=2020, suspended=True),
    )
    assert result.two_high.is_two_high
    assert result.route == "standard"
    assert codes(result) == [
        "TIER_PROVINCIAL",
        "TWO_HIGH_CATALOGUE",
        "COAL_SUBSTITUTION_REQUIRED",
    ]
    # No benchmark edition was in force in 2020.
    assert result.as_dict()["efficiency"][0]["level"] == "no_benchmark"
    assert result.recommendation == "approve"
