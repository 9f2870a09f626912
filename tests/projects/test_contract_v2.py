"""Contract v2 facts through the applicant's form and API: project type, unchanged site/process/
equipment, exported energy, the national major project's filing and relief share; regions in
use; the figures each rule uses on the project and case pages; frozen v1 assessments."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from django.urls import reverse

from projects import selectors, services
from projects.models import EnergyLine, Project, Submission

from .conftest import BIG_CEMENT

pytestmark = pytest.mark.django_db

V2_FACTS: dict[str, Any] = {
    **BIG_CEMENT,
    "construction_type": "renovation",
    "unchanged_site_process_equipment": True,
    "national_major_project": True,
    "national_major_document": "国办函〔2026〕12号",
    "national_major_relief_share": 0.5,
    "baseline_energy": [{"type": "raw_coal", "quantity": 100000, "unit": "t"}],
    "exported_energy": [{"type": "electricity", "quantity": 1000000, "unit": "kWh"}],
}
WIND_FARM: dict[str, Any] = {
    "name": "某风电场项目",
    "project_code": "2611-320505-04-01-200001",
    "region": "320505",
    "industry": "4415",
    "construction_type": "new",
    "energy": [{"type": "electricity", "quantity": 2e7, "unit": "kWh"}],
}


def detail_api(pk: int) -> str:
    return reverse("api-project-detail", args=[pk])


# ------------------------------------------------------------------------------------------
# Services and payload
# ------------------------------------------------------------------------------------------
def test_the_new_facts_round_trip_into_the_engine_payload(alice, make_project) -> None:
    project = make_project(alice, copy.deepcopy(V2_FACTS))
    project = Project.objects.prefetch_related(*selectors.LINE_PREFETCHES).get(pk=project.pk)

    payload = selectors.project_payload(project)

    assert payload["unchanged_site_process_equipment"] is True
    assert payload["national_major_document"] == "国办函〔2026〕12号"
    assert payload["national_major_relief_share"] == 0.5
    assert payload["exported_energy"] == [
        {"type": "electricity", "quantity": 1000000.0, "unit": "kWh"}
    ]
    kinds = sorted(EnergyLine.objects.filter(project=project).values_list("kind", flat=True))
    assert kinds == ["baseline", "energy", "energy", "energy", "exported"]
    energy = project.draft_assessment["energy"]
    assert project.draft_assessment["contract_version"] == 2
    assert energy["on_increment"] is True
    # 1,000,000 kWh exported at 当量值 0.1229 kgce/kWh = 122.9 tce netted out.
    assert energy["equivalent_tce"] == pytest.approx(120277.66 - 122.9, abs=0.01)
    assert energy["new_tce"] == pytest.approx(energy["equivalent_tce"] - 71430.0, abs=0.01)
    assert "NATIONAL_MAJOR_RELIEF" in {f["code"] for f in project.draft_assessment["findings"]}


def test_project_type_makes_the_project_exempt(alice, make_project) -> None:
    project = make_project(alice, {**BIG_CEMENT, "industry": "4811", "products": []})
    services.project_update(project=project, by=alice, data={"project_type": "railway"})
    project.refresh_from_db()

    assert project.project_type == "railway"
    assert project.draft_assessment["route"] == "exempt"
    assert project.draft_assessment["recommendation"] == "not_required"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"national_major_relief_share": 0}, "national_major_relief_share"),
        ({"national_major_relief_share": 1.5}, "national_major_relief_share"),
        ({"national_major_relief_share": -0.1}, "national_major_relief_share"),
        ({"national_major_document": ""}, "national_major_document"),
        ({"project_type": "spaceport"}, "project_type"),
        (
            {"exported_energy": [{"type": "electricity", "quantity": -5, "unit": "kWh"}]},
            "exported_energy.0.quantity",
        ),
    ],
)
def test_bad_new_facts_are_refused_at_their_path_and_nothing_changes(
    alice, make_project, changes: dict[str, Any], path: str
) -> None:
    project = make_project(alice, copy.deepcopy(V2_FACTS))
    before = (project.national_major_relief_share, project.national_major_document)

    with pytest.raises(services.ProjectInvalid) as info:
        services.project_update(project=project, by=alice, data=changes)

    assert path in info.value.errors
    project.refresh_from_db()
    assert (project.national_major_relief_share, project.national_major_document) == before
    assert project.energy_lines.filter(kind="exported").count() == 1


def test_a_share_of_exactly_one_is_accepted(alice, make_project) -> None:
    project = make_project(alice, copy.deepcopy(V2_FACTS))
    services.project_update(project=project, by=alice, data={"national_major_relief_share": 1})
    project.refresh_from_db()

    assert project.national_major_relief_share == 1.0
    assert project.draft_assessment["energy"]["counted_tce"] == 0.0


# ------------------------------------------------------------------------------------------
# API
# ------------------------------------------------------------------------------------------
def test_api_round_trips_the_new_facts(alice_client) -> None:
    body = copy.deepcopy(V2_FACTS)
    body["project_type"] = ""
    response = alice_client.post(reverse("api-project-list"), body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]

    data = alice_client.get(detail_api(pk)).json()

    assert data["unchanged_site_process_equipment"] is True
    assert data["national_major_document"] == "国办函〔2026〕12号"
    assert data["national_major_relief_share"] == 0.5
    assert data["project_type"] == ""
    assert [(x["type"], x["quantity"]) for x in data["exported_energy"]] == [
        ("electricity", 1000000.0)
    ]
    assert data["assessment"]["contract_version"] == 2


def test_api_refuses_a_share_above_one_at_its_path(alice, alice_client, make_project) -> None:
    project = make_project(alice, copy.deepcopy(V2_FACTS))
    response = alice_client.patch(
        detail_api(project.pk),
        {"national_major_relief_share": 2},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "national_major_relief_share" in response.json()["errors"]


def test_api_exported_energy_collection(alice, alice_client, make_project) -> None:
    project = make_project(alice)
    url = reverse("api-project-lines", args=[project.pk, "exported-energy"])
    response = alice_client.post(
        url, {"type": "heat", "quantity": 100, "unit": "GJ"}, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert project.energy_lines.filter(kind="exported").count() == 1


def test_another_organization_cannot_add_exported_energy(alice, carol_client, make_project):
    project = make_project(alice)
    url = reverse("api-project-lines", args=[project.pk, "exported-energy"])
    response = carol_client.post(
        url, {"type": "heat", "quantity": 1, "unit": "GJ"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert not project.energy_lines.filter(kind="exported").exists()


def test_the_live_panel_shows_the_figures(alice, alice_client, make_project) -> None:
    project = make_project(alice)
    response = alice_client.post(reverse("projects:assess_live", args=[project.pk]), {"step": "5"})

    assert response.status_code == 200
    html = response.json()["html"]
    assert 'data-testid="new-tce"' in html
    assert "评估契约第2版" in html


def test_api_refuses_an_abolished_region(alice_client) -> None:
    body = {**copy.deepcopy(BIG_CEMENT), "region": "320523"}
    response = alice_client.post(reverse("api-project-list"), body, content_type="application/json")

    assert response.status_code == 400
    message = response.json()["errors"]["region"][0]
    assert "320523" in message
    assert "撤销" in message
    assert not Project.objects.exists()


# ------------------------------------------------------------------------------------------
# The web form
# ------------------------------------------------------------------------------------------
def test_step_one_round_trips_the_new_fields(alice, alice_client, make_project) -> None:
    project = make_project(alice)
    url = reverse("projects:edit", args=[project.pk, 1])
    response = alice_client.post(
        url,
        {
            "name": project.name,
            "project_code": project.project_code,
            "region": "320505",
            "industry": "3011",
            "construction_type": "renovation",
            "unchanged_site_process_equipment": "on",
            "project_type": "",
            "national_major_project": "on",
            "national_major_document": "国办函〔2026〕12号",
            "national_major_relief_share": "0.25",
            "action": "save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.unchanged_site_process_equipment is True
    assert project.national_major_relief_share == 0.25

    html = alice_client.get(url).content.decode()
    assert re.search(
        r'<input type="checkbox" name="unchanged_site_process_equipment"[^>]*checked', html
    )
    assert 'value="国办函〔2026〕12号"' in html
    assert 'value="0.25"' in html
    assert '<option value="railway">' in html


def test_step_one_shows_a_bad_share_at_its_field(alice, alice_client, make_project) -> None:
    project = make_project(alice)
    response = alice_client.post(
        reverse("projects:edit", args=[project.pk, 1]),
        {
            "name": project.name,
            "region": "320505",
            "industry": "3011",
            "construction_type": "new",
            "national_major_project": "on",
            "national_major_document": "国办函〔2026〕12号",
            "national_major_relief_share": "1.2",
            "action": "save",
        },
    )

    assert response.status_code == 400
    assert "national_major_relief_share" in response.context["forms"].basics.errors
    project.refresh_from_db()
    assert project.national_major_project is False


def test_step_one_refuses_an_abolished_region_with_a_clear_error(alice_client) -> None:
    response = alice_client.post(
        reverse("projects:create"),
        {"name": "x", "region": "320523", "construction_type": "new", "action": "save"},
    )

    assert response.status_code == 400
    errors = response.context["forms"].basics.errors["region"]
    assert any("320523" in e and "撤销" in e for e in errors)
    assert not Project.objects.exists()


def test_step_two_round_trips_exported_energy(alice, alice_client, make_project) -> None:
    project = make_project(alice)
    url = reverse("projects:edit", args=[project.pk, 2])
    data = {
        "energy-TOTAL_FORMS": "1",
        "energy-INITIAL_FORMS": "0",
        "energy-0-type": "raw_coal",
        "energy-0-quantity": "2000",
        "energy-0-unit": "t",
        "baseline-TOTAL_FORMS": "0",
        "baseline-INITIAL_FORMS": "0",
        "exported-TOTAL_FORMS": "1",
        "exported-INITIAL_FORMS": "0",
        "exported-0-type": "steam",
        "exported-0-quantity": "100",
        "exported-0-unit": "t",
        "renewable_electricity_kwh": "",
        "feedstock_tce": "",
        "action": "save",
    }
    response = alice_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    lines = list(project.energy_lines.filter(kind="exported"))
    assert [(x.energy_type, x.quantity, x.unit) for x in lines] == [("steam", 100.0, "t")]

    html = alice_client.get(url).content.decode()
    assert 'name="exported-0-quantity" value="100"' in html


def test_step_two_maps_an_exported_error_to_its_row(alice, alice_client, make_project) -> None:
    project = make_project(alice)
    data = {
        "energy-TOTAL_FORMS": "1",
        "energy-INITIAL_FORMS": "0",
        "energy-0-type": "raw_coal",
        "energy-0-quantity": "10",
        "energy-0-unit": "t",
        "baseline-TOTAL_FORMS": "0",
        "baseline-INITIAL_FORMS": "0",
        "exported-TOTAL_FORMS": "1",
        "exported-INITIAL_FORMS": "0",
        "exported-0-type": "electricity",
        "exported-0-quantity": "-5",
        "exported-0-unit": "kWh",
        "action": "save",
    }
    response = alice_client.post(reverse("projects:edit", args=[project.pk, 2]), data)

    assert response.status_code == 400
    form = response.context["forms"].formsets["exported_energy"].forms[0]
    assert "quantity" in form.errors
    assert project.energy_lines.filter(kind="exported").count() == 0


# ------------------------------------------------------------------------------------------
# Regions in use
# ------------------------------------------------------------------------------------------
def test_region_lookup_offers_only_codes_in_use(alice_client) -> None:
    response = alice_client.get(reverse("projects:lookup", args=["region"]), {"q": "昆山"})

    codes = [r["code"] for r in response.json()["results"]]
    assert codes == ["320583"]


def test_region_lookup_by_code_prefix_skips_abolished_codes(alice_client) -> None:
    response = alice_client.get(reverse("projects:lookup", args=["region"]), {"q": "32052"})

    codes = [r["code"] for r in response.json()["results"]]
    assert "320523" not in codes


# ------------------------------------------------------------------------------------------
# Pages: the figures each rule uses, the contract version, the exempt industry
# ------------------------------------------------------------------------------------------
def test_project_page_shows_the_three_figures_and_which_rule_uses_which(
    alice, alice_client, make_project
) -> None:
    project = make_project(alice, copy.deepcopy(V2_FACTS))
    html = alice_client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    assert 'data-testid="review-tce"' in html
    assert 'data-testid="new-tce"' in html
    assert 'data-testid="counted-tce-figure"' in html
    assert "两高项目窗口指导按新增能耗判断" in html
    assert "评估契约第2版" in html
    assert "国办函〔2026〕12号" in html
    assert 'data-testid="exported-energy"' in html


def test_a_wind_farm_is_not_reviewed_separately(alice, alice_client, make_project) -> None:
    project = make_project(alice, copy.deepcopy(WIND_FARM))
    html = alice_client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    assert project.draft_assessment["route"] == "exempt"
    assert "不单独进行节能审查" in html
    assert "风电站" in html


def test_a_submitted_wind_farm_is_confirmed_as_not_reviewed_separately(
    alice, alice_client, make_project
) -> None:
    project = make_project(alice, copy.deepcopy(WIND_FARM))
    response = alice_client.post(reverse("projects:submit", args=[project.pk]), {"pledge": "on"})
    project.refresh_from_db()

    assert response.status_code == 302
    assert project.status == "exempt"
    html = alice_client.get(response.url).content.decode()
    assert 'data-testid="exempt-industry"' in html
    assert "风电站" in html
    assert "均低于单独节能审查的标准" not in html


def test_case_page_shows_the_figures_and_contract_version(bob, bob_client, alice, make_submitted):
    from review.models import ReviewCase

    project = make_submitted(alice)
    case = ReviewCase.objects.get(project=project)
    html = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()

    assert 'data-testid="review-tce"' in html
    assert "能耗等量减量替代和用能预算按计入能耗双控的数量计算" in html
    assert "评估契约第2版" in html


def test_a_frozen_v1_assessment_still_displays_labelled(alice, alice_client, make_submitted):
    project = make_submitted(alice)
    submission = Submission.objects.get(project=project)
    frozen = copy.deepcopy(submission.assessment)
    frozen.pop("contract_version", None)
    for key in ("review_tce", "new_tce", "baseline_tce", "renewable_tce", "on_increment"):
        frozen["energy"].pop(key, None)
    Submission.objects.filter(pk=submission.pk).update(assessment=frozen)

    url = reverse("projects:submission", args=[project.pk, submission.number])
    html = alice_client.get(url).content.decode()
    listing = alice_client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    assert "评估契约第1版" in html
    assert 'data-testid="review-tce"' not in html
    assert "契约第1版" in listing


def test_an_abolished_code_is_still_named_for_historical_projects() -> None:
    from projects import labels

    assert labels.region_label("320523").endswith("昆山县")
    assert labels.region_label("320583").endswith("昆山市")


def test_the_case_page_names_an_abolished_region_of_a_historical_submission() -> None:
    from review.selectors import submission_display

    shown = submission_display(facts={"region": "320523"}, assessment={})

    assert shown["region"] == "江苏省苏州市昆山县（320523）"


def test_a_benchmark_product_added_by_an_admin_is_offered_and_accepted(
    alice, alice_client, make_project
) -> None:
    from datetime import date

    from rules.models import EfficiencyBenchmark

    EfficiencyBenchmark.objects.create(
        product="cement_grinding",
        name_zh="水泥粉磨单位产品综合电耗",
        unit="kgce/t",
        output_unit="t",
        benchmark=3.0,
        baseline=4.0,
        sector="building_materials",
        industries="3011",
        edition="2023",
        effective_from=date(2024, 1, 1),
        source="《工业重点领域能效标杆水平和基准水平（2023年版）》（发改产业〔2023〕723号）",
    )
    project = make_project(alice)
    url = reverse("projects:edit", args=[project.pk, 3])

    html = alice_client.get(url).content.decode()
    assert 'value="cement_grinding"' in html

    response = alice_client.post(
        url,
        {
            "products-TOTAL_FORMS": "1",
            "products-INITIAL_FORMS": "0",
            "products-0-product": "cement_grinding",
            "products-0-annual_output": "1000",
            "products-0-unit_energy": "3.5",
            "action": "save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert [p.product for p in project.product_lines.all()] == ["cement_grinding"]
    levels = {e["product"]: e["level"] for e in project.draft_assessment["efficiency"]}
    assert levels == {"cement_grinding": "baseline"}
