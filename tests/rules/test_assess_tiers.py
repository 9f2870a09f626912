"""assess(): the review tier on the review figure, the increment rule of each policy version and
the exempt list (1975号) of industries and project types."""

from __future__ import annotations

import pytest

from tests.rules._helpers import REF, behind, coal, codes, kwh, product, run, tce


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
