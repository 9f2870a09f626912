"""Contract v2 reference data in the database: seeded from rules/data, maintained in the admin
(effective-dated, with history), and passed to the engine on the next assessment."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from rules.models import (
    CoalControlRegion,
    EfficiencyBenchmark,
    ExemptIndustry,
    ExemptProjectType,
    PolicyVersion,
    RegionStatus,
)
from rules.reference_data import maintained, reference_on
from rules.services import assessment_run, policy_data_load, policy_version_to_engine
from tests.rules_django.conftest import REGION_HEADER, csv_bytes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def wind_farm(payload: dict[str, Any], **over: Any) -> dict[str, Any]:
    facts = copy.deepcopy(payload)
    facts.update(
        industry="4415",
        products=[],
        energy=[{"type": "electricity", "quantity": 2e7, "unit": "kWh"}],
        submitted_on="2026-11-20",
    )
    facts.update(over)
    return facts


def codes(assessment: Any) -> set[str]:
    return {f.code for f in assessment.findings}


# ------------------------------------------------------------------------------------------
# Seeding (data migration 0005)
# ------------------------------------------------------------------------------------------
def test_policy_versions_carry_the_v2_columns_and_the_2022_version() -> None:
    rows = {v.version: v for v in PolicyVersion.objects.all()}

    assert list(rows) == ["2016", "2021", "2022", "2023"]
    assert rows["2022"].effective_from == date(2022, 11, 16)
    assert rows["2022"].published
    assert (rows["2021"].regional_deducts_renewable, rows["2021"].regional_deducts_feedstock) == (
        False,
        False,
    )
    assert rows["2022"].regional_deducts_renewable
    assert rows["2022"].regional_deducts_feedstock
    assert rows["2016"].increment_basis == "expansion_and_renovation"
    assert rows["2023"].increment_basis == "unchanged_renovation"
    engine_row = policy_version_to_engine(rows["2023"])
    assert engine_row.increment_basis == "unchanged_renovation"
    assert engine_row.regional_deducts_feedstock is True


def test_reference_tables_are_seeded_from_the_csvs() -> None:
    assert EfficiencyBenchmark.objects.count() == 20
    furnace = EfficiencyBenchmark.objects.get(product="blast_furnace", edition="2021")
    assert furnace.benchmark_mandatory_from == date(2024, 5, 27)
    assert "730号" in furnace.mandatory_basis
    assert EfficiencyBenchmark.objects.get(product="coal_to_olefins").industry_codes == (
        "2614",
        "2651",
    )
    assert ExemptIndustry.objects.get(code="4415").list_item == "风电站"
    assert ExemptProjectType.objects.filter(type="railway").exists()
    beijing = CoalControlRegion.objects.filter(code="11").order_by("effective_from")
    assert [r.applies_to_types for r in beijing] == [
        ("new", "expansion"),
        ("new", "expansion", "renovation"),
    ]


def test_the_engine_reference_is_built_from_the_database_rows() -> None:
    ref = reference_on(date(2026, 11, 20))

    assert set(ref.exempt_industries) == set(ExemptIndustry.objects.values_list("code", flat=True))
    assert ref.exempt_industries["4415"].list_item == "风电站"
    assert "railway" in ref.exempt_project_types
    assert len(ref.coal_regions) == CoalControlRegion.objects.count()
    editions = ref.benchmark_editions["cement_clinker"]
    assert [b.edition for b in editions] == ["2021"]
    assert editions[0].industries == ("3011",)


# ------------------------------------------------------------------------------------------
# Admin edits reach the next assessment
# ------------------------------------------------------------------------------------------
def test_a_benchmark_edit_applies_to_the_next_assessment(payload: dict[str, Any]) -> None:
    _, before = assessment_run(payload)
    assert before.efficiency[0].level == "benchmark"

    row = EfficiencyBenchmark.objects.get(product="cement_clinker")
    row.benchmark, row.baseline = 90.0, 99.0
    row.save()
    _, after = assessment_run(payload)

    assert after.efficiency[0].level == "below_baseline"
    assert "EFFICIENCY_BELOW_BASELINE" in codes(after)


def test_a_new_benchmark_edition_applies_from_its_date(payload: dict[str, Any]) -> None:
    EfficiencyBenchmark.objects.create(
        product="cement_clinker",
        name_zh="水泥熟料单位产品综合能耗",
        unit="kgce/t",
        output_unit="t",
        benchmark=95.0,
        baseline=105.0,
        sector="building_materials",
        industries="3011",
        edition="2026",
        effective_from=date(2026, 6, 1),
        source="测试版本",
    )
    early = {**payload, "submitted_on": "2026-05-31"}
    late = {**payload, "submitted_on": "2026-06-01"}

    assert assessment_run(early)[1].efficiency[0].level == "benchmark"
    assert assessment_run(late)[1].efficiency[0].level == "baseline"


def test_an_exempt_industry_applies_within_its_dates(payload: dict[str, Any]) -> None:
    row = ExemptIndustry.objects.get(code="4415")
    row.effective_to = date(2025, 12, 31)
    row.save()

    _, before = assessment_run(wind_farm(payload, submitted_on="2025-12-31"))
    _, after = assessment_run(wind_farm(payload, submitted_on="2026-01-02"))

    assert "TIER_EXEMPT_INDUSTRY" in codes(before)
    assert before.route == "exempt"
    assert "TIER_EXEMPT_INDUSTRY" not in codes(after)


def test_a_deleted_exempt_project_type_is_refused_as_input(payload: dict[str, Any]) -> None:
    from rules import engine

    ok = {**payload, "project_type": "railway"}
    assert assessment_run(ok)[1].route == "exempt"

    ExemptProjectType.objects.filter(type="railway").delete()

    with pytest.raises(engine.InvalidFacts) as info:
        assessment_run(ok)
    assert "project_type" in info.value.errors


def test_the_cache_is_reused_until_a_row_changes() -> None:
    first = maintained()
    assert maintained() is first

    CoalControlRegion.objects.filter(code="11").first().save()

    assert maintained() is not first


def test_batch_data_uses_the_same_reference(payload: dict[str, Any]) -> None:
    data = policy_data_load()

    day = date(2026, 11, 20)
    assert (
        data.reference_on(day).exempt_industries.keys()
        == reference_on(day).exempt_industries.keys()
    )


# ------------------------------------------------------------------------------------------
# The admin pages
# ------------------------------------------------------------------------------------------
MODELS = ["efficiencybenchmark", "exemptindustry", "exemptprojecttype", "coalcontrolregion"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_and_history_pages(dana_client: Client, model: str) -> None:
    response = dana_client.get(f"/admin/rules/{model}/")
    assert response.status_code == 200
    obj = {
        "efficiencybenchmark": EfficiencyBenchmark,
        "exemptindustry": ExemptIndustry,
        "exemptprojecttype": ExemptProjectType,
        "coalcontrolregion": CoalControlRegion,
    }[model].objects.first()
    assert dana_client.get(f"/admin/rules/{model}/{obj.pk}/history/").status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_make_a_bounded_number_of_queries(
    dana_client: Client, model: str, django_assert_max_num_queries
) -> None:
    dana_client.get(f"/admin/rules/{model}/")  # warm the session and permission caches

    with django_assert_max_num_queries(12):
        response = dana_client.get(f"/admin/rules/{model}/")

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) > 0


@pytest.mark.parametrize("model", MODELS)
def test_a_reviewer_cannot_change_reference_data(bob: User, model: str) -> None:
    client = Client()
    client.force_login(bob)
    response = client.get(f"/admin/rules/{model}/add/")
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("model", MODELS)
def test_applicants_cannot_open_the_admin_pages(alice: User, model: str) -> None:
    client = Client()
    client.force_login(alice)
    response = client.get(f"/admin/rules/{model}/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_change_records_the_reason_and_applies(dana_client: Client) -> None:
    row = ExemptIndustry.objects.get(code="4415")
    response = dana_client.post(
        f"/admin/rules/exemptindustry/{row.pk}/change/",
        {
            "code": "4415",
            "name_zh": "风力发电",
            "list_item": "风电站（含海上风电）",
            "basis": row.basis,
            "effective_from": "2017-01-01",
            "effective_to": "",
            "change_reason": "目录修订",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert reference_on(date(2026, 1, 1)).exempt_industries["4415"].list_item.endswith("海上风电）")
    latest = row.history.first()
    assert latest.history_change_reason == "目录修订"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "9999"}, "code"),
        ({"effective_to": "2016-01-01"}, "effective_to"),
    ],
)
def test_admin_refuses_bad_exempt_industry(dana_client: Client, data: dict, field: str) -> None:
    form = {
        "code": "4415",
        "name_zh": "风力发电",
        "list_item": "风电站",
        "basis": "《不单独进行节能审查的行业目录》（发改环资规〔2017〕1975号）",
        "effective_from": "2017-01-01",
        "effective_to": "",
        **data,
    }
    before = ExemptIndustry.objects.count()

    response = dana_client.post("/admin/rules/exemptindustry/add/", form)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert ExemptIndustry.objects.count() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "123"}, "code"),
        ({"code": "99"}, "code"),
        ({"applies_to": "new;demolition"}, "applies_to"),
    ],
)
def test_admin_refuses_bad_coal_region(dana_client: Client, data: dict, field: str) -> None:
    form = {
        "code": "3205",
        "name_zh": "苏州市",
        "effective_from": "2026-01-01",
        "effective_to": "",
        "applies_to": "new;expansion",
        "basis": "测试",
        **data,
    }
    response = dana_client.post("/admin/rules/coalcontrolregion/add/", form)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_admin_refuses_a_benchmark_above_its_baseline(dana_client: Client) -> None:
    form = {
        "product": "cement_clinker",
        "name_zh": "水泥熟料",
        "unit": "kgce/t",
        "output_unit": "t",
        "benchmark": "120",
        "baseline": "117",
        "sector": "building_materials",
        "industries": "3011;1234",
        "edition": "2027",
        "effective_from": "2027-01-01",
        "benchmark_mandatory_from": "2027-06-01",
        "mandatory_basis": "",
        "source": "测试",
    }
    response = dana_client.post("/admin/rules/efficiencybenchmark/add/", form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"benchmark", "industries", "mandatory_basis"} <= set(errors)
    assert not EfficiencyBenchmark.objects.filter(edition="2027").exists()


# ------------------------------------------------------------------------------------------
# Regional status: two_high_suspended
# ------------------------------------------------------------------------------------------
def test_region_status_import_reads_two_high_suspended(dana_client: Client) -> None:
    from rules.imports import REGION_STATUS, table_import

    header = [*REGION_HEADER, "two_high_suspended"]
    rows = [
        header,
        ["32", 2026, 3, 3.5, 2, "是", 1.5, "red", "是"],
        ["33", 2026, 3, 3.5, 2, "否", 1.0, "green", ""],
        ["34", 2026, 3, 3.5, 2, "否", 1.0, "green", "否"],
    ]
    table_import(REGION_STATUS, csv_bytes(rows), filename="s.csv", by=None, reason="t")

    flags = dict(RegionStatus.objects.values_list("province", "two_high_suspended"))
    assert flags == {"32": True, "33": False, "34": False}


def test_region_status_import_without_the_column_defaults_to_false() -> None:
    from rules.imports import REGION_STATUS, table_import

    rows = [REGION_HEADER, ["32", 2026, 3, 3.5, 2, "是", 1.5, "red"]]
    table_import(REGION_STATUS, csv_bytes(rows), filename="s.csv", by=None, reason="t")

    assert RegionStatus.objects.get(province="32").two_high_suspended is False


def test_region_status_import_refuses_a_bad_flag() -> None:
    from rules.imports import REGION_STATUS, ImportRejected, table_import

    rows = [
        [*REGION_HEADER, "two_high_suspended"],
        ["32", 2026, 3, 3.5, 2, "是", 1.5, "red", "也许"],
    ]
    with pytest.raises(ImportRejected) as info:
        table_import(REGION_STATUS, csv_bytes(rows), filename="s.csv", by=None, reason="t")

    assert info.value.rows == [2]
    assert not RegionStatus.objects.exists()


def test_a_suspended_region_blocks_two_high_projects(payload: dict[str, Any]) -> None:
    RegionStatus.objects.create(province="32", year=2026, two_high_suspended=True)

    _, result = assessment_run(payload)

    assert "REGION_TWO_HIGH_SUSPENDED" in codes(result)
    assert result.recommendation == "defer"


# ------------------------------------------------------------------------------------------
# `manage.py assess` on a database that is not migrated
# ------------------------------------------------------------------------------------------
def test_assess_on_an_unmigrated_database_says_so_in_one_line(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text("{}", encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }

    done = subprocess.run(
        [sys.executable, "manage.py", "assess", str(facts)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "数据库尚未迁移" in lines[0]
    assert "migrate" in lines[0]
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------------------------------
# Spreadsheet import and export of the reference data
# ------------------------------------------------------------------------------------------
def test_the_shipped_csvs_import_unchanged() -> None:
    from rules.imports import table_import
    from rules.imports_reference import REFERENCE_SPECS

    data_dir = ROOT / "rules" / "data"
    files = {
        "efficiency_benchmark": "efficiency_benchmarks.csv",
        "exempt_industry": "exempt_industries.csv",
        "exempt_project_type": "exempt_project_types.csv",
        "coal_control_region": "coal_control_regions.csv",
    }
    for spec in REFERENCE_SPECS:
        path = data_dir / files[spec.slug]
        result = table_import(spec, path.read_bytes(), filename=path.name, by=None)
        assert (result.created, result.updated) == (0, 0), spec.slug
        assert result.unchanged == spec.model.objects.count(), spec.slug


def test_a_coal_region_import_applies_to_the_next_assessment(payload: dict[str, Any]) -> None:
    from rules.imports import table_import
    from rules.imports_reference import COAL_CONTROL_REGION

    CoalControlRegion.objects.filter(code="32").delete()
    _, before = assessment_run(payload)
    assert "COAL_SUBSTITUTION_REQUIRED" not in codes(before)

    rows = [
        ["code", "name_zh", "effective_from", "effective_to", "applies_to", "basis"],
        ["3205", "苏州市", "2026-01-01", "", "new;expansion", "测试依据"],
    ]
    result = table_import(COAL_CONTROL_REGION, csv_bytes(rows), filename="c.csv", by=None)
    _, after = assessment_run(payload)

    assert result.created == 1
    assert "COAL_SUBSTITUTION_REQUIRED" in codes(after)


def test_a_bad_reference_import_lists_every_bad_row_and_changes_nothing() -> None:
    from rules.imports import ImportRejected, table_import
    from rules.imports_reference import COAL_CONTROL_REGION

    before = CoalControlRegion.objects.count()
    rows = [
        ["code", "name_zh", "effective_from", "effective_to", "applies_to", "basis"],
        ["3205", "苏州市", "2026-01-01", "", "new", "ok"],
        ["999", "坏", "2026-01-01", "", "new", "x"],
        ["3206", "南通市", "not a date", "", "demolition", "x"],
    ]
    with pytest.raises(ImportRejected) as info:
        table_import(COAL_CONTROL_REGION, csv_bytes(rows), filename="c.csv", by=None)

    assert sorted(set(info.value.rows)) == [3, 4]
    assert CoalControlRegion.objects.count() == before


@pytest.mark.parametrize("model", MODELS)
def test_admin_import_page_and_export(dana_client: Client, model: str) -> None:
    assert dana_client.get(f"/admin/rules/{model}/import/").status_code == 200
    response = dana_client.get(f"/admin/rules/{model}/export/csv/")
    assert response.status_code == 200
    assert len(response.content.decode("utf-8-sig").splitlines()) > 1


@pytest.mark.parametrize("slug", ["efficiency_benchmark", "exempt_industry", "coal_control_region"])
def test_an_export_reimports_unchanged(slug: str) -> None:
    from rules.imports import table_export_csv, table_import
    from rules.imports_reference import REFERENCE_SPECS

    spec = next(s for s in REFERENCE_SPECS if s.slug == slug)
    exported = table_export_csv(spec, spec.model.objects.order_by(*spec.key))

    result = table_import(spec, exported, filename=f"{slug}.csv", by=None)

    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == spec.model.objects.count()
