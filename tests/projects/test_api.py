"""The applicant API: every operation, and every bad input answers 400 naming the field while
storing nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from projects.models import (
    Attachment,
    EnergyLine,
    ProductLine,
    Project,
    ProjectStatus,
    Submission,
    SubstitutionSource,
)
from review import services as review_services
from review.models import ReviewCase

from .conftest import BIG_CEMENT, MID_FACTORY, SMALL_WORKSHOP, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

LIST = reverse("api-project-list")


def _counts() -> tuple[int, ...]:
    return (
        Project.objects.count(),
        EnergyLine.objects.count(),
        ProductLine.objects.count(),
        SubstitutionSource.objects.count(),
        Attachment.objects.count(),
        Submission.objects.count(),
        ReviewCase.objects.count(),
    )


def _files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


# --------------------------------------------------------------------------------------------
# Create, read, update, delete
# --------------------------------------------------------------------------------------------
def test_create_a_complete_draft_and_read_it_back(alice, alice_client):
    response = _post(alice_client, LIST, {**BIG_CEMENT, "total_investment_wan": "86000"})
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
    response = _post(alice_client, LIST, {"name": "仅名称"})
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
    before = _counts()
    response = _post(alice_client, LIST, body)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert _counts() == before


def test_malformed_json_is_a_400_in_the_error_shape(alice_client):
    before = _counts()
    response = alice_client.post(LIST, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "errors" in response.json()
    assert _counts() == before


def test_errors_follow_accept_language(alice_client):
    body = {"name": "x", "energy": [{**GOOD_ENERGY, "quantity": "abc"}]}
    response = alice_client.post(
        LIST, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["errors"]["energy.0.quantity"] == ["Must be a number."]


def test_update_changes_only_what_is_sent(alice, alice_client, make_project):
    project = make_project(alice)
    url = reverse("api-project-detail", args=[project.pk])
    response = _patch(
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
    response = _patch(alice_client, url, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert alice_client.get(url).json() == before


def test_a_submitted_project_answers_409_to_changes(alice, alice_client, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    url = reverse("api-project-detail", args=[project.pk])
    response = _patch(alice_client, url, {"name": "改"})
    assert response.status_code == 409
    assert "status" in response.json()["errors"]
    assert alice_client.delete(url).status_code == 409
    response = _post(
        alice_client, reverse("api-project-submit", args=[project.pk]), {"pledge": True}
    )
    assert response.status_code == 409
    project.refresh_from_db()
    assert project.name == MID_FACTORY["name"]


def test_delete_a_draft(alice, alice_client, make_project):
    project = make_project(alice)
    assert alice_client.delete(reverse("api-project-detail", args=[project.pk])).status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()


# --------------------------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("collection", "row", "field"),
    [
        ("energy", {"type": "diesel", "quantity": 30, "unit": "t"}, "type"),
        ("baseline-energy", {"type": "diesel", "quantity": 3, "unit": "t"}, "type"),
        (
            "products",
            {"product": "cement_clinker", "annual_output": 5, "unit_energy": 98},
            "product",
        ),
        ("substitution-sources", {"description": "节能改造", "saved_tce": 500}, "description"),
    ],
)
def test_add_and_remove_a_line(alice, alice_client, make_project, collection, row, field):
    project = make_project(alice)
    response = _post(alice_client, reverse("api-project-lines", args=[project.pk, collection]), row)
    assert response.status_code == 201, response.json()
    line = response.json()
    assert line[field] == row[field]
    url = reverse("api-project-line", args=[project.pk, collection, line["id"]])
    assert alice_client.delete(url).status_code == 204
    assert alice_client.delete(url).status_code == 400


@pytest.mark.parametrize(
    ("collection", "row", "field"),
    [
        ("energy", {"type": "diesel", "quantity": -1, "unit": "t"}, "energy.3.quantity"),
        ("energy", {"type": "diesel", "quantity": 1, "unit": "t", "x": 1}, "x"),
        ("energy", ["diesel"], "non_field_errors"),
        ("products", {"product": "cement_clinker"}, "products.1.unit_energy"),
        ("substitution-sources", {"saved_tce": 1}, "description"),
    ],
)
def test_adding_a_bad_line_is_a_400_and_adds_nothing(
    alice, alice_client, make_project, collection, row, field
):
    project = make_project(alice)
    before = _counts()
    response = _post(alice_client, reverse("api-project-lines", args=[project.pk, collection]), row)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert _counts() == before


def test_an_unknown_collection_is_404(alice, alice_client, make_project):
    project = make_project(alice)
    url = reverse("api-project-lines", args=[project.pk, "wishes"])
    assert _post(alice_client, url, {"x": 1}).status_code == 404


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def test_upload_list_download_and_delete_an_attachment(alice, alice_client, make_project):
    project = make_project(alice)
    url = reverse("api-project-attachments", args=[project.pk])
    content = pdf_bytes()
    response = alice_client.post(
        url, {"file": pdf_upload("节能报告.pdf", content), "kind": "energy_report"}
    )
    assert response.status_code == 201, response.json()
    attachment = response.json()
    assert attachment["original_name"] == "节能报告.pdf"
    assert attachment["submitted"] is False
    assert [a["id"] for a in alice_client.get(url).json()] == [attachment["id"]]
    download = alice_client.get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert alice_client.delete(attachment["download_url"]).status_code == 204
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "file"),
        ({"file": "not a file"}, "file"),
        ({"file": "PDF", "kind": "selfie"}, "kind"),
        ({"file": "GIF"}, "file"),
        ({"file": "BROKEN"}, "file"),
        ({"file": "PDF", "extra": "1"}, "extra"),
    ],
)
def test_each_bad_upload_is_a_400_and_leaves_no_row_and_no_file(
    alice, alice_client, make_project, data, field
):
    project = make_project(alice)
    uploads = {
        "PDF": lambda: pdf_upload(),
        "GIF": lambda: pdf_upload("x.pdf", b"GIF89a......"),
        "BROKEN": lambda: pdf_upload("x.pdf", b"%PDF-1.4 truncated"),
    }
    payload = {k: uploads[v]() if k == "file" and v in uploads else v for k, v in data.items()}
    before, files = _counts(), _files()
    response = alice_client.post(reverse("api-project-attachments", args=[project.pk]), payload)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert _counts() == before
    assert _files() == files


def test_an_upload_over_the_limit_is_a_400(alice, alice_client, make_project, settings):
    settings.ATTACHMENT_MAX_BYTES = 300
    project = make_project(alice)
    response = alice_client.post(
        reverse("api-project-attachments", args=[project.pk]), {"file": pdf_upload()}
    )
    assert response.status_code == 400
    assert "文件过大" in response.json()["errors"]["file"][0]
    assert not Attachment.objects.exists()


def test_evidence_upload_and_its_errors(alice, alice_client, make_project):
    project = make_project(alice)
    source = project.substitution_sources.get()
    url = reverse("api-project-evidence", args=[project.pk, source.pk])
    bad = alice_client.post(url, {"file": pdf_upload("e.pdf", b"not a pdf")})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["file"]
    source.refresh_from_db()
    assert not source.evidence
    good = alice_client.post(url, {"file": pdf_upload("e.pdf")})
    assert good.status_code == 200
    assert good.json()["evidence_url"] == url
    assert alice_client.get(url).status_code == 200
    other = reverse("api-project-evidence", args=[project.pk, 999999])
    assert alice_client.post(other, {"file": pdf_upload()}).status_code == 404


# --------------------------------------------------------------------------------------------
# Submit, status, assessment
# --------------------------------------------------------------------------------------------
def test_submit_through_the_api_opens_a_case_and_status_reports_it(
    alice, alice_client, make_project
):
    project = make_project(alice, MID_FACTORY)
    alice_client.post(reverse("api-project-attachments", args=[project.pk]), {"file": pdf_upload()})
    response = _post(
        alice_client, reverse("api-project-submit", args=[project.pk]), {"pledge": True}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == 1
    assert body["status"] == "submitted"
    assert body["assessment"]["review_level"] == "provincial"
    assert body["case"]["state"] == "submitted"
    status = alice_client.get(reverse("api-project-status", args=[project.pk])).json()
    assert status["status"] == "submitted"
    assert status["editable"] is False
    assert status["case"]["deadline"] == body["case"]["deadline"]
    assert [s["number"] for s in status["submissions"]] == [1]
    assert status["assessment"] == body["assessment"]
    frozen = alice_client.get(status["submissions"][0]["url"]).json()
    assert frozen["facts"]["region"] == "320505"
    assert frozen["attachments"][0]["submitted"] is True


def test_exempt_submission_through_the_api(alice, alice_client, make_project):
    project = make_project(alice, SMALL_WORKSHOP)
    response = _post(
        alice_client, reverse("api-project-submit", args=[project.pk]), {"pledge": True}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "exempt"
    assert response.json()["case"] is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"pledge"}),
        ({"pledge": False}, {"pledge"}),
        ({"pledge": True, "force": True}, {"force"}),
    ],
)
def test_submit_without_the_pledge_is_a_400(alice, alice_client, make_project, body, fields):
    project = make_project(alice, SMALL_WORKSHOP)
    before = _counts()
    response = _post(alice_client, reverse("api-project-submit", args=[project.pk]), body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == fields
    assert _counts() == before


def test_submitting_an_incomplete_draft_names_every_gap(alice, alice_client):
    project = _post(alice_client, LIST, {"name": "缺项", "construction_type": "renovation"}).json()
    before = _counts()
    response = _post(
        alice_client, reverse("api-project-submit", args=[project["id"]]), {"pledge": True}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "region",
        "industry",
        "project_code",
        "energy",
        "baseline_energy",
    }
    assert _counts() == before


def test_correction_round_through_the_api(alice, bob, alice_client, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    review_services.case_return_for_correction(
        case=project.cases.get(), by=bob, items=["补充用能设备清单"]
    )
    status_url = reverse("api-project-status", args=[project.pk])
    status = alice_client.get(status_url).json()
    assert status["status"] == "correction"
    assert status["editable"] is True
    assert status["correction_items"] == ["补充用能设备清单"]
    assert status["case"]["state"] == "returned"
    url = reverse("api-project-detail", args=[project.pk])
    assert _patch(alice_client, url, {"description": "补充了设备清单"}).status_code == 200
    submit_url = reverse("api-project-submit", args=[project.pk])
    refused = _post(alice_client, submit_url, {"pledge": True})
    assert refused.status_code == 400
    assert refused.json()["errors"]["correction_answers"] == [
        "请先逐项答复全部补正事项后再提交。尚未答复：第1项「补充用能设备清单」。"
    ]
    item = status["case"]["correction"]["unanswered"][0]
    answer_url = reverse("api-project-correction-answer", args=[project.pk, item["id"]])
    answered = alice_client.put(
        answer_url,
        json.dumps({"answer": "已补充设备清单（附表3）。", "changed": "basics"}),
        content_type="application/json",
    )
    assert answered.status_code == 200, answered.content
    response = _post(alice_client, submit_url, {"pledge": True})
    assert response.status_code == 201
    assert response.json()["number"] == 2
    status = alice_client.get(status_url).json()
    assert status["status"] == ProjectStatus.SUBMITTED
    assert status["case"]["state"] == "submitted"
    assert [s["number"] for s in status["submissions"]] == [2, 1]


def test_assessment_endpoint_assesses_the_current_facts(alice, alice_client, make_project):
    project = make_project(alice)
    body = alice_client.get(reverse("api-project-assessment", args=[project.pk])).json()
    assert body["valid"] is True
    assert body["assessment"]["route"] == "national_window_guidance"
    draft = make_project(alice, {"name": "缺地区"})
    body = alice_client.get(reverse("api-project-assessment", args=[draft.pk])).json()
    assert body["valid"] is False
    assert set(body["errors"]) == {"region", "industry"}


def test_list_filters_and_search(alice, alice_client, make_project, make_submitted):
    make_project(alice, {"name": "甲草稿", "construction_type": "renovation"})
    make_submitted(alice, MID_FACTORY)
    names = lambda **q: [p["name"] for p in alice_client.get(LIST, q).json()["results"]]  # noqa: E731
    assert names(status="submitted") == [MID_FACTORY["name"]]
    assert names(case_state="submitted") == [MID_FACTORY["name"]]
    assert names(case_state="none") == ["甲草稿"]
    assert names(q="100002") == [MID_FACTORY["name"]]
    assert names(construction_type="renovation") == ["甲草稿"]
    assert names(region="32") == [MID_FACTORY["name"]]
    bad = alice_client.get(LIST, {"status": "lost"})
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


def test_list_is_paginated_by_keyset(alice, alice_client, make_project):
    """Keyset pages (issue 14): newest change first, `next` carries an opaque cursor, no count."""
    for index in range(23):
        make_project(alice, {"name": f"p{index}"})
    first = alice_client.get(LIST).json()
    assert "count" not in first
    assert len(first["results"]) == 20
    assert "cursor=" in first["next"]
    second = alice_client.get(first["next"]).json()
    assert second["next"] is None
    names = [p["name"] for p in first["results"] + second["results"]]
    assert sorted(names) == sorted(f"p{index}" for index in range(23))
    assert names[0] == "p22"  # the newest change first
    bad = alice_client.get(LIST, {"cursor": "not-a-cursor"})
    assert bad.status_code == 400
    assert "cursor" in bad.json()["errors"]


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
    response = _patch(alice_client, url, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert alice_client.get(url).json() == before


def test_organization_update(alice_client):
    url = reverse("api-organization")
    response = _patch(alice_client, url, {"contact_phone": "0512-12345678"})
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
