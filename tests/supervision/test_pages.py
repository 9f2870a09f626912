"""Supervision pages end to end through the client, per persona: owner, other organization,
reviewer in scope, reviewer of another province, national reviewer, admin."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from supervision.models import Acceptance, AcceptanceState, Rectification, RectificationState
from supervision.services import acceptance as svc

from .conftest import acceptance_data, pdf_upload

TODAY = date(2026, 11, 2)
# A deadline after the real today (the services date their checks by the clock).
LATER = (timezone.localdate() + timedelta(days=45)).isoformat()


@pytest.fixture
def filed(approved_case, started, alice):
    case = started(approved_case())
    svc.acceptance_file(
        case=case, by=alice, data=acceptance_data(case), report=pdf_upload(), today=TODAY
    )
    return case


def _status(client: Client, name: str, *args: int) -> int:
    return client.get(reverse(name, args=args)).status_code


@pytest.mark.parametrize(
    ("persona", "case_page", "file_page", "check_page", "dashboard"),
    [
        ("alice", 200, 302, 403, 403),  # owner: filed already → redirected to the case
        ("carol", 404, 404, 404, 403),
        ("bob", 200, 403, 200, 200),
        ("frank", 404, 404, 404, 200),
        ("erin", 404, 404, 404, 403),
        ("dana", 200, 302, 200, 200),
    ],
)
def test_page_permissions_by_persona(
    filed, request, persona, case_page, file_page, check_page, dashboard
):
    client = request.getfixturevalue(f"{persona}_client")
    assert _status(client, "supervision:case", filed.pk) == case_page
    assert _status(client, "supervision:acceptance_file", filed.pk) == file_page
    assert _status(client, "supervision:acceptance_check", filed.pk) == check_page
    assert _status(client, "supervision:dashboard") == dashboard
    assert _status(client, "supervision:acceptance_report", filed.pk) == (
        200 if case_page == 200 else 404
    )


def test_anonymous_is_sent_to_login(filed):
    response = Client().get(reverse("supervision:case", args=[filed.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_alice_starts_construction_and_files_the_acceptance_through_the_form(
    approved_case, alice_client
):
    case = approved_case()
    page = alice_client.get(reverse("supervision:case", args=[case.pk]))
    assert 'data-testid="start-link"' in page.content.decode()
    response = alice_client.post(
        reverse("supervision:start", args=[case.pk]), {"started_on": "2026-03-02"}
    )
    assert response.status_code == 302
    form_page = alice_client.get(reverse("supervision:acceptance_file", args=[case.pk]))
    assert form_page.content.decode().count('data-testid="condition-row"') == 2
    data = {
        "completed_on": "2026-10-30",
        "actual_capacity": "熟料4500吨/日",
        "energy_0_type": "raw_coal",
        "energy_0_quantity": "10500",
        "energy_0_unit": "t",
        "condition_0_done": "on",
        "condition_0_evidence": "余热发电已投运",
        "condition_1_evidence": "",
        "committee_conclusion": "基本落实",
        "report": pdf_upload(),
    }
    response = alice_client.post(reverse("supervision:acceptance_file", args=[case.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    acceptance = Acceptance.objects.get(case=case)
    assert acceptance.energy_lines == [{"type": "raw_coal", "quantity": 10500.0, "unit": "t"}]
    assert acceptance.conditions[0] == {
        "text": "投产前完成余热发电系统建设",
        "done": True,
        "evidence": "余热发电已投运",
    }
    assert acceptance.actual_capacity == "熟料4500吨/日"
    assert acceptance.committee_conclusion == "基本落实"
    page = alice_client.get(reverse("supervision:case", args=[case.pk])).content.decode()
    assert 'data-testid="comparison"' in page
    assert "5.0%" in page


def test_bad_form_keeps_every_value_and_names_the_fields(approved_case, started, alice_client):
    case = started(approved_case())
    data = {
        "completed_on": "2026-10-30",
        "actual_capacity": "熟料4500吨/日",
        "energy_0_type": "raw_coal",
        "energy_0_quantity": "10500",
        "energy_0_unit": "t",
        "condition_0_done": "on",
        "condition_0_evidence": "",
        "committee_conclusion": "基本落实",
    }
    response = alice_client.post(reverse("supervision:acceptance_file", args=[case.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="熟料4500吨/日"' in html
    assert 'value="10500' in html
    assert "请上传节能验收报告" in html
    assert not Acceptance.objects.exists()


def test_bob_orders_rectification_and_closes_it_through_the_pages(filed, alice_client, bob_client):
    response = bob_client.post(
        reverse("supervision:acceptance_check", args=[filed.pk]),
        {
            "outcome": "rectification",
            "note": "第2项未落实",
            "items": "更换一级能效电机\n",
            "deadline": LATER,
        },
    )
    assert response.status_code == 302
    acceptance = Acceptance.objects.get(case=filed)
    assert acceptance.state == AcceptanceState.RECTIFICATION
    rect = Rectification.objects.get(case=filed)
    assert rect.items == ["更换一级能效电机"]
    assert str(rect.deadline) == LATER
    # alice reports; bob closes
    assert (
        bob_client.get(reverse("supervision:rectification_report", args=[rect.pk])).status_code
        == 403
    )
    alice_client.post(
        reverse("supervision:rectification_report", args=[rect.pk]), {"report": "已更换"}
    )
    assert (
        alice_client.get(reverse("supervision:rectification_close", args=[rect.pk])).status_code
        == 403
    )
    response = bob_client.post(
        reverse("supervision:rectification_close", args=[rect.pk]), {"note": "核查到位"}
    )
    assert response.status_code == 302
    rect.refresh_from_db()
    acceptance.refresh_from_db()
    assert rect.state == RectificationState.CLOSED
    assert acceptance.state == AcceptanceState.RECORDED


def test_check_without_items_is_refused_and_changes_nothing(filed, bob_client):
    response = bob_client.post(
        reverse("supervision:acceptance_check", args=[filed.pk]),
        {"outcome": "rectification", "note": "", "items": "", "deadline": ""},
    )
    assert response.status_code == 400
    assert Acceptance.objects.get(case=filed).state == AcceptanceState.FILED
    assert not Rectification.objects.exists()
