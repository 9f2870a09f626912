"""The applicant API on the organization (bad input is a 400 and changes nothing) and the OpenAPI
document of the project endpoints."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ._helpers import patch_json

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# Organization and documentation
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"credit_code": "91320505MA1XY2KP3S"}, "credit_code"),
        ({"credit_code": "91320000MA20ABC01K"}, "credit_code"),  # carol's organization's
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"members": []}, "members"),
    ],
)
def test_organization_bad_input_is_a_400(alice, carol, alice_client, body, field):
    url = reverse("api-organization")
    before = alice_client.get(url).json()
    response = patch_json(alice_client, url, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert alice_client.get(url).json() == before


def test_organization_update(alice_client):
    url = reverse("api-organization")
    response = patch_json(alice_client, url, {"contact_phone": "0512-12345678"})
    assert response.status_code == 200
    assert response.json()["contact_phone"] == "0512-12345678"


def test_openapi_documents_the_project_endpoints_with_examples(alice_client):
    schema = alice_client.get(reverse("schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/projects/",
        "/api/v1/projects/{id}/",
        "/api/v1/projects/{id}/submit/",
        "/api/v1/projects/{id}/status/",
        "/api/v1/projects/{id}/attachments/",
        "/api/v1/projects/{id}/{collection}/",
    ):
        assert path in paths, path
    create = paths["/api/v1/projects/"]["post"]
    assert "examples" in json.dumps(create["requestBody"])
    listing = paths["/api/v1/projects/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"q", "status", "case_state", "cursor"}
    assert "tokenAuth" in json.dumps(schema["components"]["securitySchemes"])
