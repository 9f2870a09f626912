"""assess(): every rule and code of contract version 2, its scope, boundaries and recommendation."""

from __future__ import annotations

import dataclasses
import json
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
from rules.engine.codes import ALL_CODES, SEVERITIES
from rules.engine.examples import CONTRACT_EXAMPLE_INPUT, CONTRACT_EXAMPLE_OUTPUT, example_payload
from rules.engine.messages import FINDINGS
from rules.engine.types import CoalRegion

REF = load_reference()
TODAY = date(2026, 11, 20)
DATES = {"2016": "2020-03-01", "2021": "2022-03-01", "2022": "2023-03-01", "2023": "2026-11-20"}


def tce(quantity: float) -> list[dict[str, Any]]:
    return [{"type": "other_tce", "quantity": quantity, "unit": "tce"}]


def kwh(quantity: float) -> dict[str, Any]:
    return {"type": "electricity", "quantity": quantity, "unit": "kWh"}


def coal(quantity: float, kind: str = "raw_coal") -> dict[str, Any]:
    return {"type": kind, "quantity": quantity, "unit": "t"}


def product(name: str, unit_energy: float, output: float = 1000) -> dict[str, Any]:
    return {"product": name, "annual_output": output, "unit_energy": unit_energy}


def run(
    *,
    version: str | None = "2023",
    region_status: RegionStatus | None = None,
    inventory: InventoryEntry | None = None,
    reference: Any = REF,
    **overrides: Any,
) -> Assessment:
    fields: dict[str, Any] = {
        "industry": "6513",
        "energy": tce(20000),
        "products": [],
        "substitution_sources": [],
    }
    if version is not None:
        fields["submitted_on"] = DATES[version]
    fields.update(overrides)
    facts = parse_facts(example_payload(**fields), reference=reference, today=TODAY)
    policy = policy_in_force(reference.policy_versions, facts.submitted_on)
    if version is not None and "submitted_on" not in overrides:
        assert policy.version == version
    context = Context(region_status, inventory)
    return assess(facts, policy=policy, context=context, reference=reference)


def codes(result: Assessment) -> list[str]:
    return [f.code for f in result.findings]


def finding(result: Assessment, code: str):
    matches = [f for f in result.findings if f.code == code]
    assert len(matches) == 1, codes(result)
    return matches[0]


def behind(
    ratio: float = 1.0, province: str = "32", year: int = 2026, suspended: bool = False
) -> RegionStatus:
    return RegionStatus(
        province=province,
        year=year,
        basic_target_pct=3.0,
        incentive_target_pct=3.5,
        progress_pct=1.0,
        behind_basic_target=True,
        substitution_ratio=ratio,
        warning_level="red",
        two_high_suspended=suspended,
    )


ON_TRACK = RegionStatus("32", 2026, 3.0, 3.5, 3.2, False, 1.0, "green")


# --- the contract's example ---------------------------------------------------------------------
def test_contract_example_gives_the_contract_output():
    facts = parse_facts(CONTRACT_EXAMPLE_INPUT, reference=REF, today=TODAY)
    policy = policy_in_force(REF.policy_versions, facts.submitted_on)
    out = assess(facts, policy=policy, context=Context(), reference=REF).as_dict()
    expected = CONTRACT_EXAMPLE_OUTPUT
    assert out["contract_version"] == 2
    for key in ("policy_version", "review_required", "review_level", "two_high", "high_energy"):
        assert out[key] == expected[key], key
    for key in ("route", "substitution", "recommendation"):
        assert out[key] == expected[key], key
    assert {k: out["energy"][k] for k in expected["energy"]} == expected["energy"]
    assert [{k: e[k] for k in expected["efficiency"][0]} for e in out["efficiency"]] == (
        expected["efficiency"]
    )
    assert [{"code": f["code"], "severity": f["severity"]} for f in out["findings"]] == (
        expected["findings"]
    )
    assert out["findings"][0]["basis"].startswith("《固定资产投资项目节能审查办法》")
    assert "国家发展改革委令2023年第2号" in out["findings"][0]["basis"]
    json.dumps(out, ensure_ascii=False)


def test_version_1_body_is_still_valid():
    body = {
        k: v
        for k, v in CONTRACT_EXAMPLE_INPUT.items()
        if k
        not in {
            "project_type",
            "unchanged_site_process_equipment",
            "national_major_document",
            "national_major_relief_share",
            "exported_energy",
        }
    }
    facts = parse_facts(body, reference=REF, today=TODAY)
    assert facts.project_type == ""
    assert facts.exported_energy == ()
    assert facts.national_major_relief_share == 0.0


# --- tiers on the review figure -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("version", "energy", "tier", "level"),
    [
        ("2023", tce(999.99), "TIER_EXEMPT", "none"),
        ("2023", tce(1000), "TIER_DELEGATED", "delegated"),
        ("2023", [*tce(10), kwh(4_999_999)], "TIER_EXEMPT", "none"),
        ("2023", [*tce(10), kwh(5_000_000)], "TIER_DELEGATED", "delegated"),
        ("2023", tce(9999.99), "TIER_DELEGATED", "delegated"),
        ("2023", tce(10000), "TIER_PROVINCIAL", "provincial"),
        ("2022", tce(4999.99), "TIER_DELEGATED", "delegated"),
        ("2022", tce(5000), "TIER_PROVINCIAL", "provincial"),
        ("2016", tce(5000), "TIER_PROVINCIAL", "provincial"),
    ],
)
def test_tier_boundaries(version, energy, tier, level):
    result = run(version=version, energy=energy)
    assert (result.tier, result.review_level) == (tier, level)
    assert codes(result)[0] == tier


def test_tier_uses_the_gross_figure_whatever_the_feedstock_and_renewables():
    # 10,500 tce gross, of which 9,000 tce feedstock and 10 GWh renewable power: the tier, the
    # exemption and window guidance look at the gross figure; only the regional count is net.
    energy = [*tce(9271), kwh(10_000_000)]
    result = run(
        energy=energy,
        feedstock_tce=9000,
        renewable_electricity_kwh=10_000_000,
        region_status=behind(),
        industry="2614",
    )
    assert result.energy.review_tce == pytest.approx(10500)
    assert result.tier == "TIER_PROVINCIAL"
    assert result.energy.counted_tce == pytest.approx(10500 - 9000 - 1229)
    assert result.substitution.required_tce == pytest.approx(271)


@pytest.mark.parametrize(
    ("version", "basis"),
    [
        ("2016", "《固定资产投资项目节能审查办法》（国家发展改革委令2016年第44号）第五条"),
        ("2021", "《固定资产投资项目节能审查办法》（国家发展改革委令2016年第44号）第五条"),
        ("2023", "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）第八条"),
    ],
)
def test_tier_basis_names_the_measures_and_article(version, basis):
    assert run(version=version).findings[0].basis == basis
    exempt = run(version=version, energy=tce(10)).findings[0].basis
    assert exempt == basis.replace("第五条", "第六条").replace("第八条", "第九条")


# --- increments by version ----------------------------------------------------------------------
EXPANSION = {"energy": tce(80000), "baseline_energy": tce(70000)}


@pytest.mark.parametrize(
    ("version", "kind", "unchanged", "review_tce", "level"),
    [
        ("2016", "expansion", False, 10000, "provincial"),
        ("2016", "renovation", False, 10000, "provincial"),
        ("2021", "expansion", False, 10000, "provincial"),
        ("2021", "renovation", False, 10000, "provincial"),
        ("2023", "expansion", False, 80000, "provincial"),
        ("2023", "expansion", True, 80000, "provincial"),
        ("2023", "renovation", False, 80000, "provincial"),
        ("2023", "renovation", True, 10000, "provincial"),
    ],
)
def test_increment_rule_of_each_version(version, kind, unchanged, review_tce, level):
    result = run(
        version=version,
        construction_type=kind,
        unchanged_site_process_equipment=unchanged,
        **EXPANSION,
    )
    assert result.energy.review_tce == review_tce
    assert result.energy.new_tce == 10000
    assert result.review_level == level


def test_2023_unchanged_renovation_increment_can_be_delegated_or_exempt():
    small = run(
        construction_type="renovation",
        unchanged_site_process_equipment=True,
        energy=tce(80000),
        baseline_energy=tce(79500),
    )
    assert small.tier == "TIER_EXEMPT"
    changed = run(
        construction_type="renovation",
        unchanged_site_process_equipment=False,
        energy=tce(80000),
        baseline_energy=tce(79500),
    )
    assert changed.tier == "TIER_PROVINCIAL"


# --- exempt list (1975号): industries and project types -----------------------------------------
@pytest.mark.parametrize(
    "industry", ["4413", "4414", "4415", "4416", "4417", "4419", "4420", "5720"]
)
def test_exempt_industries_are_not_reviewed_whatever_their_consumption(industry):
    result = run(industry=industry, energy=[coal(500000)], region_status=behind(suspended=True))
    assert result.tier == "TIER_EXEMPT_INDUSTRY"
    assert (result.review_level, result.route, result.recommendation) == (
        "none",
        "exempt",
        "not_required",
    )
    assert result.review_required is False
    assert not result.substitution.required
    assert codes(result) == ["TIER_EXEMPT_INDUSTRY"]
    basis = result.findings[0].basis
    assert "第九条" in basis
    assert "《不单独进行节能审查的行业目录》（发改环资规〔2017〕1975号）" in basis
    assert REF.exempt_industries[industry].list_item in result.findings[0].message("zh")


def test_wind_farm_in_a_region_behind_target_owes_nothing():
    result = run(industry="4415", energy=[kwh(80_000_000)], region_status=behind(ratio=1.5))
    assert result.high_energy is False
    assert result.recommendation == "not_required"
    assert "REGION_BEHIND_TARGET" not in codes(result)
    assert result.substitution.required is False
    assert "风电站" in result.findings[0].message("zh")


@pytest.mark.parametrize("project_type", sorted(REF.exempt_project_types))
def test_exempt_project_types(project_type):
    result = run(project_type=project_type, energy=tce(90000))
    assert result.tier == "TIER_EXEMPT_INDUSTRY"
    assert result.recommendation == "not_required"
    assert "1975号" in result.findings[0].basis


def test_exempt_project_still_gets_the_level_and_the_data_checks():
    result = run(
        industry="4415",
        energy=tce(10),
        products=[product("cement_clinker", 130, output=100000)],
    )
    assert codes(result) == [
        "TIER_EXEMPT_INDUSTRY",
        "EFFICIENCY_LEVEL",
        "ENERGY_BALANCE_INCONSISTENT",
        "PRODUCT_INDUSTRY_MISMATCH",
    ]
    assert result.recommendation == "not_required"


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


# --- efficiency ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("unit_energy", "level"),
    [(99.99, "benchmark"), (100, "benchmark"), (117, "baseline"), (117.01, "below_baseline")],
)
def test_efficiency_levels(unit_energy, level):
    result = run(industry="3011", products=[product("cement_clinker", unit_energy)])
    entry = result.as_dict()["efficiency"][0]
    assert entry["level"] == level
    assert (entry["edition"], entry["mandatory"]) == ("2021", False)


def test_benchmarks_apply_from_their_edition_date():
    before = run(
        submitted_on="2021-11-14", industry="3011", products=[product("cement_clinker", 130)]
    )
    entry = before.as_dict()["efficiency"][0]
    assert entry["level"] == "no_benchmark"
    assert (entry["benchmark"], entry["baseline"], entry["edition"]) == (None, None, None)
    assert not {"EFFICIENCY_LEVEL", "EFFICIENCY_BELOW_BASELINE"} & set(codes(before))
    after = run(
        submitted_on="2021-11-15", industry="3011", products=[product("cement_clinker", 130)]
    )
    assert "EFFICIENCY_BELOW_BASELINE" in codes(after)


@pytest.mark.parametrize(
    ("kind", "day", "expected", "recommendation"),
    [
        ("new", "2024-05-26", "EFFICIENCY_NOT_ADVANCED", "approve"),
        ("expansion", "2024-05-26", "EFFICIENCY_NOT_ADVANCED", "approve"),
        ("renovation", "2024-05-26", None, "approve"),
        ("new", "2024-05-27", "EFFICIENCY_BENCHMARK_REQUIRED", "reject"),
        ("expansion", "2024-05-27", "EFFICIENCY_BENCHMARK_REQUIRED", "reject"),
        ("renovation", "2024-05-27", "EFFICIENCY_BENCHMARK_REQUIRED", "reject"),
    ],
)
def test_striving_before_the_mandatory_date_binding_from_it(kind, day, expected, recommendation):
    result = run(
        submitted_on=day,
        industry="3110",
        construction_type=kind,
        energy=tce(30000),
        products=[product("blast_furnace", 400)],
    )
    found = set(codes(result)) & {"EFFICIENCY_NOT_ADVANCED", "EFFICIENCY_BENCHMARK_REQUIRED"}
    assert found == ({expected} if expected else set())
    assert result.recommendation == recommendation
    if expected == "EFFICIENCY_BENCHMARK_REQUIRED":
        basis = finding(result, expected).basis
        assert basis.startswith("《钢铁行业节能降碳专项行动计划》（发改环资〔2024〕730号）")
        assert result.as_dict()["efficiency"][0]["mandatory"] is True
    if expected == "EFFICIENCY_NOT_ADVANCED":
        assert finding(result, expected).severity == "warning"


def test_benchmark_binding_for_electrolytic_aluminium_from_its_own_date():
    kwargs = {"industry": "3216", "products": [product("electrolytic_aluminium", 13200)]}
    assert "EFFICIENCY_NOT_ADVANCED" in codes(run(submitted_on="2024-05-22", **kwargs))
    assert "EFFICIENCY_BENCHMARK_REQUIRED" in codes(run(submitted_on="2024-05-23", **kwargs))


def test_non_two_high_project_only_gets_the_baseline_rule():
    result = run(industry="2524", products=[product("cement_clinker", 118)])
    assert "EFFICIENCY_BELOW_BASELINE" in codes(result)
    assert "EFFICIENCY_NOT_ADVANCED" not in codes(result)
    assert result.recommendation == "reject"


def test_below_baseline_two_high_product_gets_both_findings():
    result = run(industry="3011", products=[product("cement_clinker", 120)])
    assert codes(result).count("EFFICIENCY_NOT_ADVANCED") == 1
    assert codes(result).count("EFFICIENCY_BELOW_BASELINE") == 1


@pytest.mark.parametrize(("output", "flagged"), [(10510, False), (10510.1, True)])
def test_energy_balance_at_5_percent_plus_1_tce(output, flagged):
    result = run(
        industry="3011", energy=tce(1000), products=[product("cement_clinker", 100, output)]
    )
    assert ("ENERGY_BALANCE_INCONSISTENT" in codes(result)) is flagged
    if flagged:
        assert finding(result, "ENERGY_BALANCE_INCONSISTENT").severity == "warning"
        assert result.recommendation != "reject"


def test_energy_balance_counts_only_kgce_per_t_products():
    # Glass is per weight box: not comparable, not counted.
    result = run(
        industry="3041", energy=tce(10), products=[product("flat_glass_over_800tpd", 8, 1e9)]
    )
    assert "ENERGY_BALANCE_INCONSISTENT" not in codes(result)


@pytest.mark.parametrize(
    ("industry", "name", "mismatch"),
    [
        ("3011", "cement_clinker", False),
        ("3041", "cement_clinker", True),
        ("2651", "coal_to_olefins", False),
        ("2614", "coal_to_olefins", False),
        ("2611", "coal_to_olefins", True),
    ],
)
def test_product_against_industry(industry, name, mismatch):
    result = run(industry=industry, products=[product(name, 1)])
    assert ("PRODUCT_INDUSTRY_MISMATCH" in codes(result)) is mismatch


# --- regions, substitution, relief, suspension --------------------------------------------------
def test_region_behind_target_requires_substitution_at_the_ratio():
    result = run(
        industry="3011",
        region_status=behind(ratio=1.5),
        substitution_sources=[{"description": "关停", "saved_tce": 10000}],
    )
    sub = result.substitution
    assert (sub.required, sub.ratio) == (True, 1.5)
    assert sub.required_tce == pytest.approx(30000)
    assert sub.shortfall_tce == pytest.approx(20000)
    assert codes(result)[-2:] == ["REGION_BEHIND_TARGET", "SUBSTITUTION_SHORTFALL"]
    assert result.recommendation == "defer"


def test_substitution_fully_provided():
    result = run(
        industry="2524",
        region_status=behind(),
        substitution_sources=[{"description": "关停", "saved_tce": 20000}],
    )
    assert result.substitution.shortfall_tce == 0.0
    assert result.recommendation == "approve"


@pytest.mark.parametrize(
    ("day", "counted"), [("2022-11-15", 20000.0), ("2022-11-16", 15000.0), ("2026-11-20", 15000.0)]
)
def test_regional_deductions_date_from_2022_11_16(day, counted):
    result = run(
        version=None, submitted_on=day, industry="2614", feedstock_tce=5000, region_status=None
    )
    assert result.energy.counted_tce == counted
    assert result.energy.review_tce == 20000.0


@pytest.mark.parametrize(("share", "counted"), [(0.25, 15000.0), (1.0, 0.0)])
def test_national_major_relief_share(share, counted):
    result = run(
        industry="3011",
        national_major_project=True,
        national_major_document="国函〔2025〕88号",
        national_major_relief_share=share,
        region_status=behind(ratio=2.0, suspended=True),
    )
    assert result.energy.counted_tce == counted
    assert result.substitution.required
    assert result.substitution.required_tce == counted * 2.0
    relief = finding(result, "NATIONAL_MAJOR_RELIEF")
    assert "国函〔2025〕88号" in relief.basis
    assert "（六）" in relief.basis
    assert "国函〔2025〕88号" in relief.message("zh")
    assert "REGION_TWO_HIGH_SUSPENDED" not in codes(result)
    assert ("SUBSTITUTION_SHORTFALL" in codes(result)) is (counted > 0)


def test_national_major_relief_not_under_2016():
    result = run(
        version="2016",
        national_major_project=True,
        national_major_document="国函〔2019〕1号",
        national_major_relief_share=0.5,
    )
    assert result.energy.counted_tce == 20000.0
    assert "NATIONAL_MAJOR_RELIEF" not in codes(result)


@pytest.mark.parametrize(
    ("industry", "energy", "major", "suspended"),
    [
        ("3011", tce(20000), False, True),
        ("3011", tce(20000), True, False),
        ("2524", tce(20000), False, False),
        ("4411", [coal(10000)], False, True),
    ],
)
def test_suspended_regions(industry, energy, major, suspended):
    extra: dict[str, Any] = {}
    if major:
        extra = {"national_major_document": "国函〔2025〕1号", "national_major_relief_share": 0.1}
    status = dataclasses.replace(ON_TRACK, two_high_suspended=True)
    result = run(
        industry=industry,
        energy=energy,
        national_major_project=major,
        region_status=status,
        **extra,
    )
    assert ("REGION_TWO_HIGH_SUSPENDED" in codes(result)) is suspended
    if suspended:
        assert finding(result, "REGION_TWO_HIGH_SUSPENDED").basis.startswith("《")
        assert "发改办环资〔2021〕629号" in finding(result, "REGION_TWO_HIGH_SUSPENDED").basis
        assert result.recommendation == "defer"


# --- coal substitution in the key regions -------------------------------------------------------
@pytest.mark.parametrize(
    ("region", "kind", "day", "owed"),
    [
        ("320505", "new", "2023-11-29", True),
        ("320505", "renovation", "2023-11-29", False),
        ("320505", "renovation", "2023-11-30", True),
        ("330302", "new", "2023-11-29", True),  # 温州: in the 2018 regions (whole of Zhejiang)
        ("330302", "new", "2023-11-30", False),  # ... not in the 2023 ones
        ("330106", "new", "2023-11-30", True),  # 杭州 stays
        ("130302", "new", "2023-11-29", False),  # 秦皇岛 joined in 2023
        ("130302", "expansion", "2023-11-30", True),
        ("440305", "new", "2026-11-20", False),
        ("320505", "new", "2018-06-26", False),
    ],
)
def test_coal_key_regions_across_the_2023_redrawing(region, kind, day, owed):
    result = run(
        version=None,
        submitted_on=day,
        region=region,
        construction_type=kind,
        energy=[coal(1000), *tce(20000)],
        baseline_energy=tce(100) if kind != "new" else [],
    )
    assert ("COAL_SUBSTITUTION_REQUIRED" in codes(result)) is owed
    if owed:
        basis = finding(result, "COAL_SUBSTITUTION_REQUIRED").basis
        assert basis.startswith("《")
        assert "国发〔20" in basis


def test_coal_region_by_longest_prefix():
    rows = (
        CoalRegion("32", "江苏省", date(2023, 1, 1), None, ("new",), "《甲》（国发〔2023〕24号）"),
        CoalRegion(
            "3205", "苏州市", date(2023, 1, 1), None, ("renovation",), "《乙》（国发〔2023〕24号）"
        ),
    )
    reference = dataclasses.replace(REF, coal_regions=rows)
    kwargs = {"reference": reference, "energy": [coal(10), *tce(20000)]}
    suzhou_new = run(region="320505", construction_type="new", **kwargs)
    assert "COAL_SUBSTITUTION_REQUIRED" not in codes(suzhou_new)
    suzhou_renovation = run(region="320505", construction_type="renovation", **kwargs)
    assert finding(suzhou_renovation, "COAL_SUBSTITUTION_REQUIRED").basis.startswith("《乙》")
    nanjing_new = run(region="320102", construction_type="new", **kwargs)
    assert finding(nanjing_new, "COAL_SUBSTITUTION_REQUIRED").basis.startswith("《甲》")


@pytest.mark.parametrize(
    ("energy", "owed"),
    [
        ([coal(0), *tce(20000)], False),
        ([{"type": "natural_gas", "quantity": 1000, "unit": "wan_m3"}], False),
        ([coal(5, "coal_slime"), *tce(20000)], True),
        ([coal(5, "coke"), *tce(20000)], True),
    ],
)
def test_coal_family_decides_coal_substitution(energy, owed):
    assert ("COAL_SUBSTITUTION_REQUIRED" in codes(run(energy=energy))) is owed


def test_coal_substitution_follows_its_own_dates_under_2016_and_not_for_exempt_projects():
    assert "COAL_SUBSTITUTION_REQUIRED" in codes(run(version="2016", energy=[coal(9000)]))
    assert "COAL_SUBSTITUTION_REQUIRED" not in codes(run(energy=[coal(100)]))


# --- recommendation, order, citations, messages -------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "recommendation"),
    [
        ({}, "approve"),
        ({"energy": tce(10)}, "not_required"),
        ({"industry": "3011", "energy": tce(60000)}, "defer"),
        ({"industry": "3011", "region_status": behind()}, "defer"),
        (
            {
                "industry": "3011",
                "region_status": dataclasses.replace(ON_TRACK, two_high_suspended=True),
            },
            "defer",
        ),
        ({"industry": "3011", "products": [product("cement_clinker", 200)]}, "reject"),
        (
            {
                "industry": "3011",
                "energy": tce(60000),
                "products": [product("cement_clinker", 200)],
            },
            "reject",
        ),
        ({"industry": "3011", "products": [product("cement_clinker", 110)]}, "approve"),
    ],
)
def test_recommendation(kwargs, recommendation):
    assert run(**kwargs).recommendation == recommendation


def test_findings_follow_the_order_of_the_contract_table():
    result = run(
        industry="3011",
        energy=[coal(100000)],
        products=[product("cement_clinker", 120, 1e9), product("caustic_soda_30", 400)],
        region_status=behind(),
        inventory=InventoryEntry("X", "x", "320505", "3011", "planned", "stop"),
    )
    order = {code: i for i, code in enumerate(ALL_CODES)}
    found = codes(result)
    assert found == sorted(found, key=order.__getitem__)
    assert found.count("EFFICIENCY_LEVEL") == 2
    assert [f.product for f in result.findings if f.code == "EFFICIENCY_LEVEL"] == [
        "cement_clinker",
        "caustic_soda_30",
    ]


def test_every_code_has_a_severity_and_both_messages():
    assert set(SEVERITIES) == set(ALL_CODES) == set(FINDINGS)
    for templates in FINDINGS.values():
        assert set(templates) == {"zh", "en"}


def test_every_basis_is_a_full_citation():
    results = [
        run(
            industry="3011",
            energy=[coal(100000)],
            products=[product("cement_clinker", 120, 1e9), product("caustic_soda_30", 400)],
            region_status=behind(),
            inventory=InventoryEntry("X", "x", "320505", "3011", "planned", "stop"),
        ),
        run(
            submitted_on="2025-01-01",
            industry="3110",
            products=[product("blast_furnace", 500)],
            national_major_project=True,
            national_major_document="国函〔2024〕9号",
            national_major_relief_share=0.5,
            region_status=dataclasses.replace(ON_TRACK, two_high_suspended=True, year=2025),
        ),
        run(industry="4415"),
        run(energy=tce(10)),
        run(industry="3011", region_status=dataclasses.replace(ON_TRACK, two_high_suspended=True)),
        run(industry="3011", energy=tce(5000)),
    ]
    seen = set()
    for result in results:
        for f in result.findings:
            seen.add(f.code)
            assert f.basis.startswith("《"), (f.code, f.basis)
            assert "》（" in f.basis, (f.code, f.basis)
            assert f.basis not in {"方案（七）", "1609号"}
            assert f.message("zh")
            assert f.message("en")
    assert seen >= set(ALL_CODES) - {"TIER_DELEGATED", "TIER_PROVINCIAL"} - {"LOCAL_STRICT"}


def test_tce_rounded_to_two_decimals_only_in_as_dict():
    result = run(energy=tce(1234.5678))
    assert result.energy.equivalent_tce == 1234.5678
    assert result.as_dict()["energy"]["equivalent_tce"] == 1234.57


def test_english_messages():
    result = run(industry="3011", energy=tce(60000))
    en = result.as_dict("en")["findings"]
    assert "window guidance" in en[2]["message"]
    assert en[2]["basis"] == result.as_dict()["findings"][2]["basis"]


def test_assess_is_deterministic_and_pure():
    first = run(industry="3011", region_status=behind()).as_dict()
    second = run(industry="3011", region_status=behind()).as_dict()
    assert first == second
