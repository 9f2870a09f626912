"""The applicant API on drafts: create, read, update and delete a project, and every bad input
answering 400 naming the field while storing nothing (or 409 once submitted)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from projects.models import Project

from ._helpers import LIST, counts, patch_json, post_json
from .conftest import BIG_CEMENT, MID_FACTORY

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# Create, read, update, delete
# --------------------------------------------------------------------------------------------
def test_create_a_complete_draft_and_read_it_back(alice, alice_client):
    response = post_json(alice_client, LIST, {**BIG_CEMENT, "total_investment_wan": "86000"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["organization"]["credit_code"] == "91320505MA1XY2KP3R"
    assert [line["type"] for line in body["energy"]] == ["raw_coal", "electricity", "natural_gas"]
    assert body["energy"][2]["unit_label"] == "万立方米"
    assert body["products"][0]["product_label"] == "水泥熟料单位产品综合能耗"
    assert body["assessment"]["energy"]["counted_tce"] == 120277.66
    assert body["counted_tce"] == 120277.66
    assert body["route"] == "national_window_guidance"
    assert body["editable"] is True
    assert body["total_investment_wan"] == "86000.00"
    again = alice_client.get(reverse("api-project-detail", args=[body["id"]])).json()
    assert again == body


def test_a_draft_may_start_with_a_name_only(alice_client):
    response = post_json(alice_client, LIST, {"name": "仅名称"})
    assert response.status_code == 201
    assert response.json()["assessment"] is None


GOOD_ENERGY = {"type": "raw_coal", "quantity": 1, "unit": "t"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"name": "x"}], "non_field_errors"),
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "x", "enrgy": []}, "enrgy"),
        ({"name": "x", "project_code": "2611-320505"}, "project_code"),
        ({"name": "x", "project_code": "2611-320505-04-01-3812761"}, "project_code"),
        ({"name": "x", "region": "32050"}, "region"),
        ({"name": "x", "region": "999999"}, "region"),
        ({"name": "x", "industry": "9999"}, "industry"),
        ({"name": "x", "construction_type": "demolition"}, "construction_type"),
        ({"name": "x", "national_major_project": "maybe"}, "national_major_project"),
        ({"name": "x", "planned_start": "2027-02-30"}, "planned_start"),
        (
            {"name": "x", "planned_start": "2027-05-01", "planned_completion": "2027-01-01"},
            "planned_completion",
        ),
        ({"name": "x", "total_investment_wan": "-1"}, "total_investment_wan"),
        ({"name": "x", "total_investment_wan": "lots"}, "total_investment_wan"),
        ({"name": "x", "renewable_electricity_kwh": "abc"}, "renewable_electricity_kwh"),
        (
            {
                "name": "x",
                "energy": [{"type": "electricity", "quantity": 10, "unit": "kWh"}],
                "renewable_electricity_kwh": 11,
            },
            "renewable_electricity_kwh",
        ),
        ({"name": "x", "feedstock_tce": -3}, "feedstock_tce"),
        ({"name": "x", "energy": {"type": "raw_coal"}}, "energy"),
        ({"name": "x", "energy": ["raw_coal"]}, "energy.0"),
        ({"name": "x", "energy": [GOOD_ENERGY, {**GOOD_ENERGY, "colour": 1}]}, "energy.1.colour"),
        (
            {"name": "x", "energy": [GOOD_ENERGY, {**GOOD_ENERGY, "type": "uranium"}]},
            "energy.1.type",
        ),
        ({"name": "x", "energy": [{**GOOD_ENERGY, "quantity": "abc"}]}, "energy.0.quantity"),
        ({"name": "x", "energy": [{**GOOD_ENERGY, "quantity": -1}]}, "energy.0.quantity"),
        ({"name": "x", "energy": [{**GOOD_ENERGY, "quantity": "NaN"}]}, "energy.0.quantity"),
        ({"name": "x", "energy": [{**GOOD_ENERGY, "quantity": True}]}, "energy.0.quantity"),
        ({"name": "x", "energy": [{"type": "raw_coal", "unit": "t"}]}, "energy.0.quantity"),
        ({"name": "x", "energy": [{**GOOD_ENERGY, "unit": "kWh"}]}, "energy.0.unit"),
        ({"name": "x", "energy": [{**GOOD_ENERGY, "unit": "桶"}]}, "energy.0.unit"),
        (
            {
                "name": "x",
                "energy": [
                    {
                        "type": "electricity",
                        "quantity": 1,
                        "unit": "kWh",
                        "low_heat_value_kj": 20000,
                    }
                ],
            },
            "energy.0.low_heat_value_kj",
        ),
        (
            {"name": "x", "baseline_energy": [{**GOOD_ENERGY, "quantity": "x"}]},
            "baseline_energy.0.quantity",
        ),
        ({"name": "x", "products": [{"product": "gold", "unit_energy": 1}]}, "products.0.product"),
        ({"name": "x", "products": [{"product": "cement_clinker"}]}, "products.0.unit_energy"),
        (
            {
                "name": "x",
                "products": [{"product": "cement_clinker", "unit_energy": 1, "annual_output": -5}],
            },
            "products.0.annual_output",
        ),
        (
            {"name": "x", "substitution_sources": [{"saved_tce": 1}]},
            "substitution_sources.0.description",
        ),
        (
            {"name": "x", "substitution_sources": [{"description": "x" * 301, "saved_tce": 1}]},
            "substitution_sources.0.description",
        ),
        (
            {"name": "x", "substitution_sources": [{"description": "关停", "saved_tce": -1}]},
            "substitution_sources.0.saved_tce",
        ),
        (
            {
                "name": "x",
                "substitution_sources": [{"id": 999999, "description": "a", "saved_tce": 1}],
            },
            "substitution_sources.0.id",
        ),
    ],
)
def test_create_with_each_bad_input_is_a_400_naming_the_field_and_stores_nothing(
    alice, alice_client, body, field
):
    before = counts()
    response = post_json(alice_client, LIST, body)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert counts() == before


def test_malformed_json_is_a_400_in_the_error_shape(alice_client):
    before = counts()
    response = alice_client.post(LIST, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "errors" in response.json()
    assert counts() == before


def test_errors_follow_accept_language(alice_client):
    body = {"name": "x", "energy": [{**GOOD_ENERGY, "quantity": "abc"}]}
    response = alice_client.post(
        LIST, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["errors"]["energy.0.quantity"] == ["Must be a number."]


def test_update_changes_only_what_is_sent(alice, alice_client, make_project):
    project = make_project(alice)
    url = reverse("api-project-detail", args=[project.pk])
    response = patch_json(
        alice_client,
        url,
        {
            "name": "改名后的项目",
            "energy": [{"type": "electricity", "quantity": 2000, "unit": "wan_kWh"}],
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "改名后的项目"
    assert [(e["type"], e["quantity"]) for e in body["energy"]] == [("electricity", 2000.0)]
    assert len(body["products"]) == 1
    assert body["project_code"] == BIG_CEMENT["project_code"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"region": "abc"}, "region"),
        (
            {"energy": [GOOD_ENERGY, {"type": "electricity", "quantity": "1e999", "unit": "kWh"}]},
            "energy.1.quantity",
        ),
        (
            {"products": [{"product": "cement_clinker", "unit_energy": "x"}]},
            "products.0.unit_energy",
        ),
        ({"status": "submitted"}, "status"),
        ({"organization": 2}, "organization"),
    ],
)
def test_update_with_bad_input_is_a_400_and_changes_nothing(
    alice, alice_client, make_project, body, field
):
    project = make_project(alice)
    url = reverse("api-project-detail", args=[project.pk])
    before = alice_client.get(url).json()
    response = patch_json(alice_client, url, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert alice_client.get(url).json() == before


def test_a_submitted_project_answers_409_to_changes(alice, alice_client, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    url = reverse("api-project-detail", args=[project.pk])
    response = patch_json(alice_client, url, {"name": "改"})
    assert response.status_code == 409
    assert "status" in response.json()["errors"]
    assert alice_client.delete(url).status_code == 409
    response = post_json(
        alice_client, reverse("api-project-submit", args=[project.pk]), {"pledge": True}
    )
    assert response.status_code == 409
    project.refresh_from_db()
    assert project.name == MID_FACTORY["name"]


def test_delete_a_draft(alice, alice_client, make_project):
    project = make_project(alice)
    assert alice_client.delete(reverse("api-project-detail", args=[project.pk])).status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()
