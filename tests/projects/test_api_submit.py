"""The applicant API from submission on: submit with the pledge, status, a correction round, the
assessment endpoint, and the project list's filters and keyset pages."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from projects.models import ProjectStatus
from review import services as review_services

from ._helpers import LIST, counts, patch_json, post_json
from .conftest import MID_FACTORY, SMALL_WORKSHOP, pdf_upload

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# Submit, status, assessment
# --------------------------------------------------------------------------------------------
def test_submit_through_the_api_opens_a_case_and_status_reports_it(
    alice, alice_client, make_project
):
    project = make_project(alice, MID_FACTORY)
    alice_client.post(reverse("api-project-attachments", args=[project.pk]), {"file": pdf_upload()})
    response = post_json(
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
    response = post_json(
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
    before = counts()
    response = post_json(alice_client, reverse("api-project-submit", args=[project.pk]), body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == fields
    assert counts() == before


def test_submitting_an_incomplete_draft_names_every_gap(alice, alice_client):
    project = post_json(
        alice_client, LIST, {"name": "缺项", "construction_type": "renovation"}
    ).json()
    before = counts()
    response = post_json(
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
    assert counts() == before


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
    assert patch_json(alice_client, url, {"description": "补充了设备清单"}).status_code == 200
    submit_url = reverse("api-project-submit", args=[project.pk])
    refused = post_json(alice_client, submit_url, {"pledge": True})
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
    response = post_json(alice_client, submit_url, {"pledge": True})
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
