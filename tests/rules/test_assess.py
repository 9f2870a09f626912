"""assess(): every rule and code of the contract, its scope, boundaries and the recommendation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules.engine import (
    Assessment,
    Context,
    InventoryEntry,
    RegionStatus,
    assess,
    load_reference,
    parse_facts,
    policy_in_force,
)
from rules.engine.codes import ALL_CODES, BASIS
from rules.engine.examples import CONTRACT_EXAMPLE_INPUT, CONTRACT_EXAMPLE_OUTPUT, example_payload
from rules.engine.messages import FINDINGS

REF = load_reference()
TODAY = date(2026, 11, 20)
DATES = {"2016": "2020-03-01", "2021": "2022-03-01", "2023": "2026-11-20"}


def tce(quantity: float) -> list[dict[str, Any]]:
    return [{"type": "other_tce", "quantity": quantity, "unit": "tce"}]


def kwh(quantity: float) -> dict[str, Any]:
    return {"type": "electricity", "quantity": quantity, "unit": "kWh"}


def product(name: str, unit_energy: float) -> dict[str, Any]:
    return {"product": name, "annual_output": 1000, "unit_energy": unit_energy}


def run(
    *,
    version: str = "2023",
    region_status: RegionStatus | None = None,
    inventory: InventoryEntry | None = None,
    **overrides: Any,
) -> Assessment:
    fields: dict[str, Any] = {
        "submitted_on": DATES[version],
        "industry": "6513",
        "energy": tce(20000),
        "products": [],
        "substitution_sources": [],
    }
    fields.update(overrides)
    facts = parse_facts(example_payload(**fields), reference=REF, today=TODAY)
    policy = policy_in_force(REF.policy_versions, facts.submitted_on)
    assert policy.version == version
    return assess(facts, policy=policy, context=Context(region_status, inventory), reference=REF)


def codes(result: Assessment) -> list[str]:
    return [f.code for f in result.findings]


def behind(ratio: float = 1.0, province: str = "32", year: int = 2026) -> RegionStatus:
    return RegionStatus(
        province=province,
        year=year,
        basic_target_pct=3.0,
        incentive_target_pct=3.5,
        progress_pct=1.0,
        behind_basic_target=True,
        substitution_ratio=ratio,
        warning_level="red",
    )


ON_TRACK = RegionStatus("32", 2026, 3.0, 3.5, 3.2, False, 1.0, "green")


def entry(disposal: str = "continue", status: str = "in_construction", industry: str = "3011"):
    return InventoryEntry(
        project_code="2611-320500-04-01-381276",
        project_name="某水泥熟料生产线技改项目",
        region="320505",
        industry=industry,
        status=status,
        disposal=disposal,
        annual_tce=123456.789,
    )


# --- the contract's example -----------------------------------------------------------------
def test_contract_example_gives_the_contract_output():
    facts = parse_facts(CONTRACT_EXAMPLE_INPUT, reference=REF, today=TODAY)
    policy = policy_in_force(REF.policy_versions, facts.submitted_on)
    result = assess(facts, policy=policy, context=Context(), reference=REF).as_dict()
    expected = CONTRACT_EXAMPLE_OUTPUT
    for key in (
        "policy_version",
        "review_required",
        "review_level",
        "two_high",
        "high_energy",
        "route",
        "substitution",
        "recommendation",
    ):
        assert result[key] == expected[key], key
    for key, value in expected["energy"].items():
        assert result["energy"][key] == value, key
    assert [{k: e[k] for k in expected["efficiency"][0]} for e in result["efficiency"]] == (
        expected["efficiency"]
    )
    assert [{k: f[k] for k in ("code", "severity", "basis")} for f in result["findings"]] == (
        expected["findings"]
    )
    assert all(f["message"] for f in result["findings"])
    assert result["efficiency"][0]["unit"] == "kgce/t"
    assert result["efficiency"][0]["name_zh"] == "水泥熟料单位产品综合能耗"
    assert result["findings"][3]["product"] == "cement_clinker"
    assert result["province"] == "32"
    assert result["submitted_on"] == "2026-11-20"
    assert result["region_status"] is None
    assert result["policy"]["provincial_threshold_tce"] == 10000


def test_assessment_attributes():
    result = run(industry="3011", energy=CONTRACT_EXAMPLE_INPUT["energy"])
    assert result.recommendation == "defer"
    assert result.route == "national_window_guidance"
    assert result.review_level == "provincial"
    assert result.review_required is True
    assert result.policy_version == "2023"
    assert result.two_high.is_two_high is True
    assert result.counted_tce == pytest.approx(120277.66, abs=0.005)
    assert round(result.counted_tce, 2) == 120277.66
    assert result.has("NATIONAL_WINDOW_GUIDANCE")
    assert result.findings[0].message("en").startswith("Annual energy use of 120,277.66 tce")


# --- tiers (《办法》) --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("version", "energy", "tier", "level"),
    [
        ("2023", tce(999.99), "TIER_EXEMPT", "none"),
        ("2023", tce(1000), "TIER_DELEGATED", "delegated"),
        ("2023", tce(0), "TIER_EXEMPT", "none"),
        ("2023", [kwh(4_999_999)], "TIER_EXEMPT", "none"),
        ("2023", [kwh(5_000_000)], "TIER_DELEGATED", "delegated"),
        ("2023", [*tce(999.99), kwh(4_999_999)], "TIER_DELEGATED", "delegated"),  # 1614.5 tce
        ("2023", [*tce(385), kwh(4_999_999)], "TIER_EXEMPT", "none"),  # 999.4999 tce
        ("2021", tce(4999.99), "TIER_DELEGATED", "delegated"),
        ("2021", tce(5000), "TIER_PROVINCIAL", "provincial"),
        ("2016", tce(4999.99), "TIER_DELEGATED", "delegated"),
        ("2016", tce(5000), "TIER_PROVINCIAL", "provincial"),
        ("2023", tce(5000), "TIER_DELEGATED", "delegated"),
        ("2023", tce(9999.99), "TIER_DELEGATED", "delegated"),
        ("2023", tce(10000), "TIER_PROVINCIAL", "provincial"),
        ("2016", tce(999.99), "TIER_EXEMPT", "none"),
        ("2016", tce(1000), "TIER_DELEGATED", "delegated"),
    ],
)
def test_tier_boundaries(version, energy, tier, level):
    result = run(version=version, energy=energy)
    assert result.tier == tier
    assert result.findings[0].code == tier
    assert result.review_level == level
    assert result.review_required is (level != "none")
    assert result.as_dict()["review_level"] == level


@pytest.mark.parametrize(
    ("version", "basis"),
    [("2016", "《办法》(2016)"), ("2021", "《办法》(2016)"), ("2023", "《办法》(2023)")],
)
@pytest.mark.parametrize("quantity", [10, 3000, 20000])
def test_tier_basis_names_the_measures_edition(version, basis, quantity):
    finding = run(version=version, energy=tce(quantity)).findings[0]
    assert finding.basis == basis
    assert finding.severity == "info"


def test_exemption_needs_both_figures_under_the_limits():
    result = run(energy=[kwh(6_000_000)], renewable_electricity_kwh=6_000_000)
    assert result.counted_tce == 0.0
    assert result.tier == "TIER_DELEGATED"


def test_renewable_and_feedstock_deductions_can_make_a_project_exempt():
    result = run(energy=[*tce(1500), kwh(4_000_000)], renewable_electricity_kwh=4_000_000)
    assert result.counted_tce == pytest.approx(1500)
    result = run(energy=tce(1500), feedstock_tce=500.01)
    assert result.tier == "TIER_EXEMPT"


# --- two-high (方案（七）) -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("industry", "energy", "two_high", "sector"),
    [
        ("3011", tce(20000), True, "building_materials"),
        ("2511", tce(20000), True, "petrochemical"),
        ("3216", tce(20000), True, "nonferrous"),
        ("3120", tce(20000), True, "steel"),
        ("2614", tce(20000), True, "chemical"),
        ("4411", [{"type": "raw_coal", "quantity": 10000, "unit": "t"}], True, "coal_power"),
        ("4411", [{"type": "washed_coal", "quantity": 10000, "unit": "t"}], True, "coal_power"),
        ("4412", [{"type": "coke", "quantity": 10000, "unit": "t"}], True, "coal_power"),
        ("4411", [{"type": "natural_gas", "quantity": 2000, "unit": "wan_m3"}], False, None),
        ("4412", tce(20000), False, None),
        (
            "4411",
            [{"type": "raw_coal", "quantity": 0, "unit": "t"}, *tce(20000)],
            True,
            "coal_power",
        ),
        ("2524", tce(20000), False, None),  # high-energy division, not two-high
        ("6513", tce(20000), False, None),
    ],
)
def test_two_high_catalogue(industry, energy, two_high, sector):
    result = run(industry=industry, energy=energy)
    assert result.two_high.is_two_high is two_high
    assert result.two_high.sector == sector
    out = result.as_dict()["two_high"]
    assert out == {
        "is_two_high": two_high,
        "sector": sector,
        "basis": ["catalogue"] if two_high else [],
        "inventory": None,
    }
    assert ("TWO_HIGH_CATALOGUE" in codes(result)) is two_high


def test_coal_in_the_baseline_does_not_make_coal_power_two_high():
    result = run(
        industry="4411",
        construction_type="renovation",
        energy=[{"type": "natural_gas", "quantity": 5000, "unit": "wan_m3"}],
        baseline_energy=[{"type": "raw_coal", "quantity": 1000, "unit": "t"}],
    )
    assert result.two_high.is_two_high is False
    assert result.high_energy is True


@pytest.mark.parametrize(
    ("industry", "high_energy"),
    [
        ("3011", True),
        ("2524", True),
        ("2631", True),
        ("3031", True),
        ("3130", True),
        ("3240", True),
        ("4413", True),
        ("4430", True),
        ("4411", True),
        ("6513", False),
        ("1311", False),
        ("4511", False),
        ("2710", False),
    ],
)
def test_high_energy_divisions(industry, high_energy):
    result = run(industry=industry)
    assert result.high_energy is high_energy
    assert result.as_dict()["high_energy"] is high_energy


@pytest.mark.parametrize(
    ("disposal", "severity"), [("continue", "info"), ("rectify", "warning"), ("stop", "warning")]
)
def test_inventory_makes_a_project_two_high(disposal, severity):
    result = run(industry="6513", inventory=entry(disposal))
    assert result.two_high.is_two_high is True
    out = result.as_dict()["two_high"]
    assert out["basis"] == ["inventory"]
    assert out["sector"] == "building_materials"  # from the inventory entry's industry
    assert out["inventory"] == {
        "status": "in_construction",
        "disposal": disposal,
        "annual_tce": 123456.79,
    }
    finding = next(f for f in result.findings if f.code == "TWO_HIGH_INVENTORY")
    assert finding.severity == severity
    assert finding.basis == "方案（七）"
    assert result.route == "local_two_high"


def test_inventory_and_catalogue_basis_order_and_sector_from_the_project():
    result = run(industry="3011", inventory=entry(industry="2511"))
    assert result.as_dict()["two_high"]["basis"] == ["catalogue", "inventory"]
    assert result.two_high.sector == "building_materials"


def test_inventory_sector_null_when_neither_industry_is_in_the_catalogue():
    result = run(industry="6513", inventory=entry(industry="1311"))
    assert result.two_high.sector is None
    assert result.two_high.basis == ("inventory",)


def test_inventory_without_annual_tce():
    assert run().as_dict()["two_high"]["inventory"] is None
    item = InventoryEntry("c", "n", "320505", "3011", "planned", "continue")
    assert run(inventory=item).as_dict()["two_high"]["inventory"] == {
        "status": "planned",
        "disposal": "continue",
        "annual_tce": None,
    }


@pytest.mark.parametrize(
    ("status", "disposal", "zh", "en"),
    [
        ("in_construction", "continue", ("在建", "继续建设"), ("in construction", "continue")),
        ("planned", "rectify", ("拟建", "整改"), ("planned", "rectify")),
        ("existing", "stop", ("存量", "停建/淘汰"), ("existing", "stop")),
    ],
)
def test_inventory_message_states_status_and_disposal(status, disposal, zh, en):
    result = run(inventory=entry(disposal, status))
    finding = next(f for f in result.findings if f.code == "TWO_HIGH_INVENTORY")
    assert all(word in finding.message() for word in zh)
    assert all(word in finding.message("en") for word in en)
    assert "2611-320500-04-01-381276" in finding.message()


# --- routing (方案（七）) --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("quantity", "route", "code", "severity"),
    [
        (49999.99, "local_two_high", "LOCAL_STRICT", "warning"),
        (50000, "national_window_guidance", "NATIONAL_WINDOW_GUIDANCE", "blocking"),
        (1000, "local_two_high", "LOCAL_STRICT", "warning"),
        (250000, "national_window_guidance", "NATIONAL_WINDOW_GUIDANCE", "blocking"),
    ],
)
@pytest.mark.parametrize("version", ["2021", "2023"])
def test_two_high_routing(quantity, route, code, severity, version):
    result = run(version=version, industry="3011", energy=tce(quantity))
    assert result.route == route
    finding = next(f for f in result.findings if f.code == code)
    assert finding.severity == severity
    assert finding.basis == "方案（七）"
    assert codes(result)[:3] == [result.tier, "TWO_HIGH_CATALOGUE", code]


def test_non_two_high_projects_are_routed_standard():
    for quantity in (1000, 49999.99, 50000, 500000):
        result = run(industry="2524", energy=tce(quantity))
        assert result.route == "standard"
        assert not {"LOCAL_STRICT", "NATIONAL_WINDOW_GUIDANCE"} & set(codes(result))


def test_window_guidance_counts_the_counted_figure_after_deductions():
    result = run(industry="3011", energy=tce(50500), feedstock_tce=501)
    assert result.route == "local_two_high"


def test_exempt_two_high_project_is_not_routed():
    result = run(industry="3011", energy=tce(999.99))
    assert result.route == "exempt"
    assert codes(result) == ["TIER_EXEMPT", "TWO_HIGH_CATALOGUE"]


# --- efficiency (1609号, 方案（十二）) --------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "unit_energy", "level"),
    [
        ("cement_clinker", 99.9, "benchmark"),
        ("cement_clinker", 100, "benchmark"),
        ("cement_clinker", 100.01, "baseline"),
        ("cement_clinker", 117, "baseline"),
        ("cement_clinker", 117.01, "below_baseline"),
        ("converter", -35, "benchmark"),
        ("converter", -30, "benchmark"),
        ("converter", -29.9, "baseline"),
        ("converter", -10, "baseline"),
        ("converter", -9.99, "below_baseline"),
        ("converter", 5, "below_baseline"),
        ("electrolytic_aluminium", 13000, "benchmark"),
        ("electrolytic_aluminium", 13350.5, "below_baseline"),
    ],
)
def test_efficiency_levels(name, unit_energy, level):
    result = run(products=[product(name, unit_energy)])
    row = REF.benchmarks[name]
    assert result.as_dict()["efficiency"] == [
        {
            "product": name,
            "unit_energy": float(unit_energy),
            "level": level,
            "benchmark": row.benchmark,
            "baseline": row.baseline,
            "unit": row.unit,
            "name_zh": row.name_zh,
        }
    ]
    finding = next(f for f in result.findings if f.code == "EFFICIENCY_LEVEL")
    assert (finding.severity, finding.basis, finding.product) == (
        "info",
        "发改产业〔2021〕1609号",
        name,
    )


def test_one_efficiency_entry_and_level_finding_per_product_in_input_order():
    products = [
        product("flat_glass_over_800tpd", 13),
        product("cement_clinker", 100),
        product("cement_clinker", 110),
    ]
    result = run(products=products)
    assert [(e.product, e.level) for e in result.efficiency] == [
        ("flat_glass_over_800tpd", "below_baseline"),
        ("cement_clinker", "benchmark"),
        ("cement_clinker", "baseline"),
    ]
    levels = [f for f in result.findings if f.code == "EFFICIENCY_LEVEL"]
    assert [f.product for f in levels] == [p["product"] for p in products]


@pytest.mark.parametrize(
    ("industry", "construction_type", "unit_energy", "not_advanced", "below"),
    [
        ("3011", "new", 100, False, False),
        ("3011", "new", 110, True, False),
        ("3011", "new", 120, True, True),
        ("3011", "expansion", 110, True, False),
        ("3011", "expansion", 120, True, True),
        ("3011", "renovation", 110, False, False),
        ("3011", "renovation", 120, False, True),
        ("2524", "new", 110, False, False),  # high-energy but not two-high
        ("2524", "new", 120, False, True),
        ("6513", "new", 120, False, True),
    ],
)
def test_efficiency_blocking_rules(industry, construction_type, unit_energy, not_advanced, below):
    result = run(
        industry=industry,
        construction_type=construction_type,
        energy=tce(20000),
        baseline_energy=tce(1000) if construction_type == "renovation" else [],
        products=[product("cement_clinker", unit_energy)],
    )
    found = codes(result)
    assert ("EFFICIENCY_NOT_ADVANCED" in found) is not_advanced
    assert ("EFFICIENCY_BELOW_BASELINE" in found) is below
    for finding in result.findings:
        if finding.code == "EFFICIENCY_NOT_ADVANCED":
            assert (finding.severity, finding.basis) == ("blocking", "方案（十二）")
            assert finding.product == "cement_clinker"
        if finding.code == "EFFICIENCY_BELOW_BASELINE":
            assert (finding.severity, finding.basis) == ("blocking", "1609号")
    assert (result.recommendation == "reject") is (not_advanced or below)


def test_inventory_two_high_project_must_reach_the_benchmark_too():
    result = run(industry="6513", inventory=entry(), products=[product("cement_clinker", 110)])
    assert "EFFICIENCY_NOT_ADVANCED" in codes(result)


def test_one_blocking_finding_per_product():
    result = run(
        industry="3011",
        products=[
            product("cement_clinker", 130),
            product("flat_glass_over_800tpd", 8),
            product("flat_glass_over_800tpd", 9),
        ],
    )
    assert [(f.code, f.product) for f in result.findings if f.severity == "blocking"] == [
        ("EFFICIENCY_NOT_ADVANCED", "cement_clinker"),
        ("EFFICIENCY_NOT_ADVANCED", "flat_glass_over_800tpd"),
        ("EFFICIENCY_BELOW_BASELINE", "cement_clinker"),
    ]


# --- region (方案（十二）, 方案（六）) and substitution ------------------------------------------
def test_region_behind_target_requires_substitution_at_the_ratio():
    result = run(
        industry="3011",
        energy=tce(20000),
        region_status=behind(1.5),
        substitution_sources=[{"saved_tce": 12000}, {"description": "改造", "saved_tce": "8000"}],
    )
    assert codes(result) == [
        "TIER_PROVINCIAL",
        "TWO_HIGH_CATALOGUE",
        "LOCAL_STRICT",
        "REGION_BEHIND_TARGET",
        "SUBSTITUTION_SHORTFALL",
    ]
    region = next(f for f in result.findings if f.code == "REGION_BEHIND_TARGET")
    assert (region.severity, region.basis) == ("warning", "方案（十二）")
    assert "江苏省" in region.message()
    shortfall = next(f for f in result.findings if f.code == "SUBSTITUTION_SHORTFALL")
    assert (shortfall.severity, shortfall.basis) == ("blocking", "方案（十二）")
    assert "10,000.00" in shortfall.message()
    assert result.as_dict()["substitution"] == {
        "required": True,
        "ratio": 1.5,
        "required_tce": 30000.0,
        "provided_tce": 20000.0,
        "shortfall_tce": 10000.0,
    }
    assert result.recommendation == "defer"
    assert result.as_dict()["region_status"]["warning_level"] == "red"


def test_equal_substitution_fully_provided_has_no_shortfall():
    result = run(
        industry="3011",
        energy=tce(20000),
        region_status=behind(1.0),
        substitution_sources=[{"saved_tce": 20000}],
    )
    assert result.as_dict()["substitution"] == {
        "required": True,
        "ratio": 1.0,
        "required_tce": 20000.0,
        "provided_tce": 20000.0,
        "shortfall_tce": 0.0,
    }
    assert "SUBSTITUTION_SHORTFALL" not in codes(result)
    assert "REGION_BEHIND_TARGET" in codes(result)
    assert result.recommendation == "approve"


def test_ratio_one_with_partial_sources_falls_short():
    result = run(
        industry="2524", energy=tce(20000), region_status=behind(1.0), substitution_sources=[]
    )
    assert result.substitution.shortfall_tce == 20000.0
    assert result.recommendation == "defer"
    assert result.route == "standard"


@pytest.mark.parametrize(
    ("industry", "status", "applies"),
    [
        ("3011", behind(), True),
        ("2524", behind(), True),
        ("4430", behind(), True),
        ("6513", behind(), False),  # not high-energy
        ("3011", ON_TRACK, False),
        ("3011", None, False),
    ],
)
def test_region_behind_target_scope(industry, status, applies):
    result = run(industry=industry, region_status=status, substitution_sources=[{"saved_tce": 5}])
    assert ("REGION_BEHIND_TARGET" in codes(result)) is applies
    sub = result.as_dict()["substitution"]
    assert sub["required"] is applies
    assert sub["provided_tce"] == 5.0
    if not applies:
        assert sub == {
            "required": False,
            "ratio": None,
            "required_tce": 0.0,
            "provided_tce": 5.0,
            "shortfall_tce": 0.0,
        }


def test_national_major_project_needs_no_substitution():
    result = run(industry="3011", national_major_project=True, region_status=behind(2.0))
    assert codes(result) == [
        "TIER_PROVINCIAL",
        "TWO_HIGH_CATALOGUE",
        "LOCAL_STRICT",
        "REGION_BEHIND_TARGET",
        "NATIONAL_MAJOR_EXEMPT",
    ]
    major = result.findings[-1]
    assert (major.severity, major.basis) == ("info", "方案（六）")
    assert result.substitution.required is False
    assert result.recommendation == "approve"


@pytest.mark.parametrize("status", [None, ON_TRACK, behind()])
def test_national_major_exempt_whatever_the_region(status):
    result = run(industry="6513", national_major_project=True, region_status=status)
    assert codes(result)[-1] == "NATIONAL_MAJOR_EXEMPT"


# --- inventory disposal (方案（七）) -----------------------------------------------------------
@pytest.mark.parametrize("version", ["2016", "2021", "2023"])
def test_inventory_stop_rejects_under_every_version(version):
    result = run(version=version, industry="3011", inventory=entry("stop"))
    assert codes(result)[-1] == "INVENTORY_DISPOSAL_STOP"
    stop = result.findings[-1]
    assert (stop.severity, stop.basis) == ("blocking", "方案（七）")
    assert result.recommendation == "reject"


@pytest.mark.parametrize("disposal", ["continue", "rectify"])
def test_other_disposals_do_not_stop(disposal):
    result = run(industry="3011", inventory=entry(disposal))
    assert "INVENTORY_DISPOSAL_STOP" not in codes(result)
    assert result.recommendation == "approve"


# --- 2016 scope -------------------------------------------------------------------------------
def test_2016_reports_two_high_but_applies_none_of_the_2021_rules():
    result = run(
        version="2016",
        industry="3011",
        energy=tce(80000),
        products=[product("cement_clinker", 130)],
        region_status=behind(2.0, year=2020),
        national_major_project=True,
        inventory=entry("rectify"),
    )
    assert result.route == "standard"
    assert result.two_high.is_two_high is True
    assert codes(result) == [
        "TIER_PROVINCIAL",
        "TWO_HIGH_CATALOGUE",
        "TWO_HIGH_INVENTORY",
        "EFFICIENCY_LEVEL",
    ]
    assert result.substitution.required is False
    assert result.recommendation == "approve"
    assert result.findings[0].basis == "《办法》(2016)"


# --- exempt scope -----------------------------------------------------------------------------
def test_exempt_project_gets_only_informational_findings():
    result = run(
        industry="3011",
        energy=tce(500),
        products=[product("cement_clinker", 130)],
        region_status=behind(1.5),
        national_major_project=True,
        inventory=entry("stop"),
        substitution_sources=[{"saved_tce": 7}],
    )
    assert codes(result) == [
        "TIER_EXEMPT",
        "TWO_HIGH_CATALOGUE",
        "TWO_HIGH_INVENTORY",
        "EFFICIENCY_LEVEL",
    ]
    assert result.findings[2].severity == "warning"
    out = result.as_dict()
    assert out["route"] == "exempt"
    assert out["review_level"] == "none"
    assert out["review_required"] is False
    assert out["recommendation"] == "not_required"
    assert out["substitution"] == {
        "required": False,
        "ratio": None,
        "required_tce": 0.0,
        "provided_tce": 7.0,
        "shortfall_tce": 0.0,
    }
    assert out["efficiency"][0]["level"] == "below_baseline"


# --- recommendation ---------------------------------------------------------------------------
RECOMMENDATIONS: list[tuple[str, dict[str, Any], str]] = [
    ("exempt", {"energy": tce(10)}, "not_required"),
    (
        "exempt two-high stop",
        {"energy": tce(10), "industry": "3011", "inventory": entry("stop")},
        "not_required",
    ),
    ("plain", {}, "approve"),
    ("local strict", {"industry": "3011"}, "approve"),
    ("window guidance", {"industry": "3011", "energy": tce(60000)}, "defer"),
    ("shortfall", {"industry": "2524", "region_status": behind()}, "defer"),
    (
        "window + shortfall",
        {"industry": "3011", "energy": tce(60000), "region_status": behind()},
        "defer",
    ),
    ("below baseline", {"products": [product("cement_clinker", 120)]}, "reject"),
    ("not advanced", {"industry": "3011", "products": [product("cement_clinker", 110)]}, "reject"),
    ("stop", {"inventory": entry("stop")}, "reject"),
    (
        "window + not advanced",
        {"industry": "3011", "energy": tce(60000), "products": [product("cement_clinker", 110)]},
        "reject",
    ),
    (
        "shortfall + stop",
        {"industry": "3011", "region_status": behind(), "inventory": entry("stop")},
        "reject",
    ),
    (
        "shortfall covered",
        {
            "industry": "2524",
            "region_status": behind(1.2),
            "substitution_sources": [{"saved_tce": 24000}],
        },
        "approve",
    ),
    ("rectify", {"industry": "3011", "inventory": entry("rectify")}, "approve"),
    ("2016 window-size", {"version": "2016", "industry": "3011", "energy": tce(60000)}, "approve"),
]


@pytest.mark.parametrize(
    ("kwargs", "recommendation"),
    [c[1:] for c in RECOMMENDATIONS],
    ids=[c[0] for c in RECOMMENDATIONS],
)
def test_recommendation(kwargs, recommendation):
    assert run(**kwargs).recommendation == recommendation


# --- findings: order, codes, bases, messages ----------------------------------------------------
def everything() -> Assessment:
    return run(
        industry="3011",
        energy=tce(60000),
        products=[product("cement_clinker", 110), product("converter", 0)],
        region_status=behind(1.2),
        inventory=entry("stop"),
        substitution_sources=[{"saved_tce": 1000}],
    )


def test_finding_order():
    assert codes(everything()) == [
        "TIER_PROVINCIAL",
        "TWO_HIGH_CATALOGUE",
        "TWO_HIGH_INVENTORY",
        "NATIONAL_WINDOW_GUIDANCE",
        "EFFICIENCY_LEVEL",
        "EFFICIENCY_LEVEL",
        "EFFICIENCY_NOT_ADVANCED",
        "EFFICIENCY_NOT_ADVANCED",
        "EFFICIENCY_BELOW_BASELINE",
        "REGION_BEHIND_TARGET",
        "SUBSTITUTION_SHORTFALL",
        "INVENTORY_DISPOSAL_STOP",
    ]


def test_every_code_has_its_basis_a_severity_and_both_messages():
    results = [
        everything(),
        run(industry="3011", energy=tce(20000), national_major_project=True),
        run(energy=tce(10)),
        run(energy=tce(2000)),
    ]
    seen: set[str] = set()
    for result in results:
        for finding in result.findings:
            seen.add(finding.code)
            assert finding.severity in {"info", "warning", "blocking"}
            if not finding.code.startswith("TIER_"):
                assert finding.basis == BASIS[finding.code]
            zh, en = finding.message(), finding.message("en")
            assert zh
            assert en
            assert zh != en
            assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
            assert finding.message("en-GB") == en
            assert finding.as_dict("en")["message"] == en
    assert seen == set(ALL_CODES)
    assert set(FINDINGS) == set(ALL_CODES)


def test_finding_dicts_have_the_contract_keys():
    out = everything().as_dict()
    for finding in out["findings"]:
        keys = {"code", "severity", "message", "basis"}
        if finding["code"].startswith("EFFICIENCY_"):
            keys.add("product")
        assert set(finding) == keys


def test_messages_carry_the_figures():
    result = everything()
    message: dict[str, str] = {}
    for finding in result.findings:
        message.setdefault(finding.code, finding.message())
    assert "60,000.00" in message["TIER_PROVINCIAL"]
    assert "10,000" in message["TIER_PROVINCIAL"]
    assert "50,000" in message["NATIONAL_WINDOW_GUIDANCE"]
    assert "水泥熟料" in message["EFFICIENCY_NOT_ADVANCED"]
    assert "1:1.2" in message["REGION_BEHIND_TARGET"]
    assert "71,000.00" in message["SUBSTITUTION_SHORTFALL"]  # 60,000 × 1.2 − 1,000
    assert "停建/淘汰" in message["INVENTORY_DISPOSAL_STOP"]
    exempt = run(energy=[*tce(10), kwh(1_000_000)]).findings[0]
    assert "132.90" in exempt.message()
    assert "1,000,000" in exempt.message("en")


# --- output ------------------------------------------------------------------------------------
def test_tce_rounded_to_two_decimals_only_in_as_dict():
    result = run(energy=tce(1234.5678), substitution_sources=[{"saved_tce": 0.005}])
    assert result.counted_tce == 1234.5678
    out = result.as_dict()
    assert out["energy"]["counted_tce"] == 1234.57
    assert out["energy"]["equivalent_tce"] == 1234.57
    assert out["energy"]["lines"] == [
        {
            "type": "other_tce",
            "quantity": 1234.5678,
            "unit": "tce",
            "equivalent_tce": 1234.57,
            "equal_value_tce": 1234.57,
        }
    ]


def test_as_dict_is_json_serialisable():
    import json

    text = json.dumps(everything().as_dict(), ensure_ascii=False)
    assert json.loads(text)["recommendation"] == "reject"


def test_assess_is_deterministic_and_pure():
    first = everything()
    second = everything()
    assert first == second
    assert first.as_dict() == second.as_dict()
