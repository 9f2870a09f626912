"""Reference tables under rules/data: read completely, consistent with each other and the
shared domain tables."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from rules.data import build_regions
from rules.engine import load_reference
from rules.engine.reference import DATA_DIR, ReferenceDataError, build_reference

REF = load_reference()


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    for row in rows:
        assert None not in row, f"{name}: a row has more cells than the header: {row}"
    return rows


@pytest.mark.parametrize(
    "name",
    [
        "energy_coefficients.csv",
        "units.csv",
        "policy_versions.csv",
        "two_high_industries.csv",
        "efficiency_benchmarks.csv",
        "gb2260_regions.csv",
        "gbt4754_2017_classes.csv",
    ],
)
def test_every_csv_row_has_exactly_the_header_cells(name):
    assert read_csv(name)


def test_load_reference_is_cached():
    assert load_reference() is REF


def test_policy_versions_are_sorted_and_carry_the_v2_columns():
    versions = REF.policy_versions
    assert [v.version for v in versions] == ["2016", "2021", "2022", "2023"]
    assert [v.effective_from for v in versions] == [
        date(2017, 1, 1),
        date(2021, 9, 11),
        date(2022, 11, 16),
        date(2023, 6, 1),
    ]
    assert [v.measures_edition for v in versions] == ["2016", "2016", "2016", "2023"]
    assert [v.provincial_threshold_tce for v in versions] == [5000, 5000, 5000, 10000]
    assert [v.substitution_rules for v in versions] == [False, True, True, True]
    assert [v.two_high_window_guidance_tce for v in versions] == [None, 50000, 50000, 50000]
    assert [v.equal_value_kgce_per_kwh for v in versions] == [0.3150, 0.3055, 0.3055, 0.3007]
    assert [v.increment_basis for v in versions] == [
        "expansion_and_renovation",
        "expansion_and_renovation",
        "expansion_and_renovation",
        "unchanged_renovation",
    ]
    assert [v.regional_deducts_renewable for v in versions] == [False, False, True, True]
    assert [v.regional_deducts_feedstock for v in versions] == [False, False, True, True]


def test_policy_versions_match_the_shared_table_apart_from_the_added_column():
    ours = read_csv("policy_versions.csv")
    shared = Path(__file__).resolve().parents[2].parent / "shared/domain/policy_versions.csv"
    if not shared.exists():
        pytest.skip("shared/ not beside the project")
    with shared.open(encoding="utf-8", newline="") as fh:
        theirs = list(csv.DictReader(fh))
    assert len(ours) == len(theirs)
    for row, other in zip(ours, theirs, strict=True):
        assert {k: row[k] for k in other} == other


@pytest.mark.parametrize(
    "name",
    [
        "energy_coefficients.csv",
        "two_high_industries.csv",
        "efficiency_benchmarks.csv",
        "exempt_industries.csv",
        "exempt_project_types.csv",
        "coal_control_regions.csv",
        "units.csv",
    ],
)
def test_reference_tables_are_copies_of_the_shared_ones(name):
    shared = Path(__file__).resolve().parents[2].parent / "shared/domain" / name
    if not shared.exists():
        pytest.skip("shared/ not beside the project")
    assert read_csv(name) == list(csv.DictReader(shared.open(encoding="utf-8", newline="")))


def test_v2_tables_are_loaded():
    assert REF.exempt_industries["4415"].list_item == "风电站"
    assert REF.exempt_project_types["railway"].name_zh.startswith("铁路")
    assert REF.energy_types["raw_coal"].coal_family
    assert REF.energy_types["coal_gangue"].coal_family
    assert not REF.energy_types["natural_gas"].coal_family
    hebei_2023 = [r for r in REF.coal_regions if r.code == "1303"]
    assert [(r.effective_from, r.effective_to) for r in hebei_2023] == [(date(2023, 11, 30), None)]
    assert hebei_2023[0].applies_to == ("new", "expansion", "renovation")
    steel = REF.benchmarks["blast_furnace"]
    assert steel.benchmark_mandatory_from == date(2024, 5, 27)
    assert steel.mandatory_basis.startswith("《钢铁行业节能降碳专项行动计划》")
    assert REF.benchmark_editions["cement_clinker"][0].edition == "2021"
    assert REF.benchmarks["coal_to_olefins"].industries == ("2614", "2651")


def test_every_basis_is_a_full_citation():
    bases = [r.basis for r in REF.exempt_industries.values()]
    bases += [r.basis for r in REF.exempt_project_types.values()]
    bases += [r.basis for r in REF.coal_regions]
    bases += [b.source for b in REF.benchmarks.values()]
    for basis in bases:
        assert basis.startswith("《"), basis
        assert "》（" in basis, basis


@pytest.mark.parametrize("row", read_csv("energy_coefficients.csv"), ids=lambda r: r["type"])
def test_every_energy_type_is_loaded(row):
    energy_type = REF.energy_types[row["type"]]
    assert energy_type.tce_per_base_unit == float(row["tce_per_base_unit"])
    assert energy_type.base_unit == row["base_unit"]
    assert energy_type.name_zh == row["name_zh"]


@pytest.mark.parametrize("row", read_csv("units.csv"), ids=lambda r: r["unit"])
def test_every_unit_is_found_by_code_and_by_chinese_name(row):
    unit = REF.unit_for(row["unit"])
    assert unit is not None
    assert unit.factor == float(row["factor"])
    assert unit.base_unit == row["base_unit"]
    assert REF.unit_for(row["unit_zh"]) is unit


def test_every_unit_base_is_the_base_of_some_energy_type():
    bases = {t.base_unit for t in REF.energy_types.values()}
    assert {u.base_unit for u in REF.units.values()} <= bases


def test_electricity_coefficient_comes_from_the_table():
    assert REF.electricity_tce_per_kwh == 0.0001229


def test_catalogue_two_high_classes_and_high_energy_divisions():
    two_high = {c for c, row in REF.catalogue.items() if row.two_high}
    assert {"3011", "4411", "4412", "2511", "3216"} <= two_high
    divisions = {c for c, row in REF.catalogue.items() if row.level == "division"}
    assert divisions == {"25", "26", "30", "31", "32", "44"}
    # Division 44 is no longer high-energy as a whole: only its fossil classes are.
    assert {d for d in divisions if REF.catalogue[d].high_energy} == divisions - {"44"}
    assert REF.catalogue["4430"].high_energy
    assert not REF.catalogue["4430"].two_high
    assert REF.catalogue["4411"].condition == "coal_fired"
    assert REF.catalogue["3011"].condition is None
    assert REF.catalogue["3011"].sector == "building_materials"


def test_benchmarks_include_the_negative_converter_row():
    converter = REF.benchmarks["converter"]
    assert (converter.benchmark, converter.baseline) == (-30.0, -10.0)
    assert REF.benchmarks["cement_clinker"].unit == "kgce/t"
    assert len(REF.benchmarks) == len(read_csv("efficiency_benchmarks.csv"))


# --- GB/T 4754-2017 classes --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("0111", "稻谷种植"),
        ("3011", "水泥制造"),
        ("4411", "火力发电"),
        ("6513", "应用软件开发"),
        ("2511", "原油加工及石油制品制造"),
        ("9700", "国际组织"),
    ],
)
def test_known_industry_classes(code, name):
    assert REF.industries[code] == name


@pytest.mark.parametrize("code", ["9900", "0110", "01", "301", "30111", "6510"])
def test_not_classes(code):
    assert code not in REF.industries


def test_industry_class_list_is_complete_enough():
    assert 1370 <= len(REF.industries) <= 1390
    assert all(len(c) == 4 and c.isdigit() for c in REF.industries)
    assert len({c[:2] for c in REF.industries}) == 97


def test_catalogue_and_benchmark_classes_are_known_classes():
    classes = {c for c, row in REF.catalogue.items() if row.level == "class"}
    assert classes <= REF.industries.keys()
    assert {b.industry for b in REF.benchmarks.values()} <= REF.industries.keys()
    for code in classes:
        assert REF.catalogue[code].name_zh == REF.industries[code]


# --- GB/T 2260 regions -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("110000", "北京市"),
        ("320000", "江苏省"),
        ("320500", "苏州市"),
        ("320505", "虎丘区"),
        ("130502", "襄都区"),  # renamed: the latest name
        ("320583", "昆山市"),
    ],
)
def test_known_regions(code, name):
    assert REF.regions[code] == name


def test_abolished_regions_are_kept_apart_for_display_only():
    assert "110103" not in REF.regions
    assert REF.region_name("110103") == "崇文区"  # merged into 东城区 in 2010
    assert "320523" not in REF.regions
    assert REF.region_name("320523") == "昆山县"


def test_regions_file_is_what_build_regions_generates():
    rows = build_regions.regions()
    assert {code: name for code, name, in_use in rows if in_use == "yes"} == REF.regions
    assert len(REF.regions) > 3000
    assert REF.province_name("32") == "江苏省"


def test_build_regions_latest_name():
    assert build_regions.latest_name("[1983-2019]桥东区,[2020-]襄都区") == "襄都区"
    assert build_regions.latest_name("北京市") == "北京市"


def test_malformed_csv_is_refused(tmp_path):
    for path in DATA_DIR.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "units.csv").write_text(
        "unit,unit_zh,base_unit,factor\nt,吨,t,1,extra\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match="units.csv line 2"):
        build_reference(tmp_path)
