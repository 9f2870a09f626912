"""assess(): efficiency levels against the benchmarks and their dates, the energy balance and
products against the industry."""

from __future__ import annotations

import pytest

from tests.rules._helpers import codes, finding, product, run, tce


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
