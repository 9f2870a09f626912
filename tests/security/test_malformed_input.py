"""Every text and list has a limit and every malformed body is a 400 (never a 500): oversized
descriptions and lists, numbers that overflow to infinity, NaN/Infinity literals, deep nesting
and ids beyond 64 bits."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from projects import limits
from projects.models import EnergyLine, Project

pytestmark = pytest.mark.django_db

LIST = "/api/v1/projects/"
HUGE_ID = "99999999999999999999999"


def _post(client: Client, body: object) -> object:
    return client.post(LIST, json.dumps(body), content_type="application/json")


def _raw(client: Client, text: str, method: str = "post", url: str = LIST) -> object:
    return getattr(client, method)(url, text, content_type="application/json")


def _errors(response) -> dict:
    return response.json()["errors"]


def test_description_beyond_the_limit_is_refused(alice_client):
    response = _post(alice_client, {"name": "长文", "description": "字" * 100_000})
    assert response.status_code == 400
    assert "description" in _errors(response)
    assert not Project.objects.filter(name="长文").exists()
    ok = _post(alice_client, {"name": "短文", "description": "字" * limits.DESCRIPTION_MAX})
    assert ok.status_code == 201, ok.content


def test_too_many_energy_lines_are_refused(alice_client):
    lines = [{"type": "raw_coal", "quantity": 1, "unit": "t"}] * (limits.ENERGY_LINES_MAX + 1)
    response = _post(alice_client, {"name": "多行", "energy": lines})
    assert response.status_code == 400
    assert "energy" in _errors(response)
    assert EnergyLine.objects.count() == 0


def test_too_many_sources_and_products_are_refused(alice_client):
    sources = [{"description": "来源", "saved_tce": 1}] * (limits.SOURCES_MAX + 1)
    products = [{"product": "cement_clinker", "annual_output": 1, "unit_energy": 1}] * (
        limits.PRODUCTS_MAX + 1
    )
    response = _post(alice_client, {"name": "多行", "substitution_sources": sources})
    assert response.status_code == 400
    assert "substitution_sources" in _errors(response)
    response = _post(alice_client, {"name": "多行", "products": products})
    assert response.status_code == 400
    assert "products" in _errors(response)


def test_limits_hold_in_the_service_too():
    from projects.checks import validate_change
    from projects.services import ProjectInvalid

    with pytest.raises(ProjectInvalid) as info:
        validate_change(None, {"name": "x", "description": "字" * (limits.DESCRIPTION_MAX + 1)})
    assert "description" in info.value.errors


@pytest.mark.parametrize("quantity", [1e308, -1e308, 1e14, "1e308"])
def test_quantities_that_overflow_are_400(alice_client, quantity):
    body = {"name": "溢出", "energy": [{"type": "raw_coal", "quantity": quantity, "unit": "t"}]}
    response = _post(alice_client, body)
    assert response.status_code == 400, response.content
    assert "energy" in json.dumps(_errors(response))


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "x", "feedstock_tce": Infinity}',
        '{"name": "x", "feedstock_tce": -Infinity}',
        '{"name": "x", "feedstock_tce": NaN}',
        '{"name": "x", "feedstock_tce": 1e400}',
        '{"name": "x", "energy": [{"type": "raw_coal", "quantity": 1e999, "unit": "t"}]}',
        "[" * 5000,
        "[" * 5000 + "]" * 5000,
        '{"name": ' + "[" * 100 + "]" * 100 + "}",
        '{"name": "x", "feedstock_tce": 1' + "0" * 5000 + "}",
    ],
)
def test_malformed_json_is_400(alice_client, text):
    response = _raw(alice_client, text)
    assert response.status_code == 400, response.content[:300]
    assert Project.objects.count() == 0


def test_deep_nesting_is_400_on_the_assessment_api_too(alice_client):
    response = _raw(alice_client, "[" * 5000, url="/api/v1/assessments/")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/projects/{HUGE_ID}/",
        f"/api/v1/projects/{HUGE_ID}/submissions/{HUGE_ID}/",
        f"/api/v1/cases/{HUGE_ID}/",
        f"/projects/{HUGE_ID}/",
        f"/review/cases/{HUGE_ID}/",
    ],
)
def test_ids_beyond_64_bits_in_urls_are_404(alice_client, bob_client, url):
    client = bob_client if "case" in url else alice_client
    assert client.get(url).status_code == 404


def test_ids_beyond_64_bits_in_bodies_are_400(alice_client):
    created = _post(alice_client, {"name": "来源"})
    assert created.status_code == 201
    url = reverse("api-project-detail", args=[created.json()["id"]])
    body = {"substitution_sources": [{"id": int(HUGE_ID), "description": "x", "saved_tce": 1}]}
    response = alice_client.patch(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400


def test_openapi_documents_the_limits(alice_client):
    schema = alice_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    components = schema.json()["components"]["schemas"]
    project = components["ProjectCreateInputRequest"]["properties"]
    assert project["description"]["maxLength"] == limits.DESCRIPTION_MAX
    assert project["energy"]["maxItems"] == limits.ENERGY_LINES_MAX
    assert project["substitution_sources"]["maxItems"] == limits.SOURCES_MAX
    line = components["ProjectEnergyLineInputRequest"]["properties"]
    assert line["quantity"]["maximum"] == limits.NUMBER_MAX


@pytest.mark.parametrize("value", [{"a": 1}, [1], "AAA", True])
@pytest.mark.parametrize(
    "field", ["renewable_electricity_kwh", "feedstock_tce", "national_major_relief_share"]
)
def test_scalar_numbers_that_are_not_numbers_are_400(alice_client, field, value):
    response = _post(alice_client, {"name": "非数字", field: value})
    assert response.status_code == 400, response.content[:300]
    assert field in _errors(response)
    assert not Project.objects.filter(name="非数字").exists()
