"""assess(): regions behind target and substitution, regional deductions, national major project
relief, suspended regions and coal substitution in the key regions."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from rules.engine.types import CoalRegion
from tests.rules._helpers import ON_TRACK, REF, behind, coal, codes, finding, run, tce


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
