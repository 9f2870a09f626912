"""The remaining forms through the client (rectification order, penalty, inspection record,
construction start), the per-product comparison, and constant query counts of list pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import CaseEvent
from supervision.models import InspectionTarget, Penalty, Rectification
from supervision.services import acceptance as svc
from supervision.services import inspections

from .conftest import acceptance_data, pdf_upload

TODAY = date(2026, 11, 2)
LATER = (timezone.localdate() + timedelta(days=30)).isoformat()


def test_product_unit_energy_is_compared(approved_case, started, alice):
    case = started(approved_case())
    facts = dict(case.submission.facts)
    facts["products"] = [
        {"product": "cement_clinker", "annual_output": 1.5e6, "unit_energy": 100.0}
    ]
    case.submission.facts = facts
    case.submission.save(update_fields=["facts"])
    data = acceptance_data(
        case, products=[{"product": "cement_clinker", "annual_output": 1.4e6, "unit_energy": 105}]
    )
    acceptance = svc.acceptance_file(
        case=case, by=alice, data=data, report=pdf_upload(), today=TODAY
    )
    (row,) = acceptance.comparison["products"]
    assert row["approved_unit_energy"] == 100.0
    assert row["actual_unit_energy"] == 105.0
    assert row["change_pct"] == 5.0
    assert row["worse"] is True


def test_rectification_order_form_round_trips(approved_case, bob_client, alice_client):
    case = approved_case()
    url = reverse("supervision:rectify", args=[case.pk])
    assert alice_client.get(url).status_code == 403
    bad = bob_client.post(url, {"items": "", "deadline": ""})
    assert bad.status_code == 400
    assert not Rectification.objects.exists()
    ok = bob_client.post(url, {"items": "加装能源计量器具\n完善能源管理体系", "deadline": LATER})
    assert ok.status_code == 302
    rect = Rectification.objects.get()
    assert rect.items == ["加装能源计量器具", "完善能源管理体系"]
    assert rect.deadline.isoformat() == LATER


def test_penalty_form_round_trips(approved_case, bob_client, carol_client):
    case = approved_case()
    url = reverse("supervision:penalty", args=[case.pk])
    assert carol_client.get(url).status_code == 404
    page = bob_client.get(url).content.decode()
    assert "国家发展改革委令2023年第2号" in page
    bad = bob_client.post(
        url,
        {
            "basis": "m2023_unreviewed",
            "measure": "罚款",
            "amount_yuan": "150000",
            "decided_on": timezone.localdate().isoformat(),
            "description": "擅自投产",
        },
    )
    assert bad.status_code == 400
    assert "10万元" in bad.content.decode()
    assert not Penalty.objects.exists()
    ok = bob_client.post(
        url,
        {
            "basis": "m2023_unreviewed",
            "measure": "罚款并通报批评",
            "amount_yuan": "80000",
            "decided_on": timezone.localdate().isoformat(),
            "description": "擅自投产",
        },
    )
    assert ok.status_code == 302
    penalty = Penalty.objects.get()
    assert (penalty.basis, penalty.measure, str(penalty.amount_yuan)) == (
        "m2023_unreviewed",
        "罚款并通报批评",
        "80000.00",
    )
    assert CaseEvent.objects.filter(case=case, action="sv_penalty").exists()


def test_inspection_record_form(approved_case, bob, bob_client, bob2):
    approved_case()
    inspection = inspections.inspection_draw(by=bob, title="抽查", sample_size=1, seed=3)
    target = InspectionTarget.objects.get()
    url = reverse("supervision:target_record", args=[inspection.pk, target.pk])
    ok = bob_client.post(
        url,
        {
            "inspectors": "bob，bob2",
            "inspected_on": timezone.localdate().isoformat(),
            "compliant": "false",
            "findings": "能源计量器具配备不全",
        },
    )
    assert ok.status_code == 302
    target.refresh_from_db()
    assert target.findings == "能源计量器具配备不全"
    assert target.compliant is False
    assert {u.username for u in target.inspectors.all()} == {"bob", "bob2"}


def test_construction_start_form_refuses_a_future_date(approved_case, alice_client):
    case = approved_case()
    url = reverse("supervision:start", args=[case.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = alice_client.post(url, {"started_on": future})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.started_construction_on is None


@pytest.mark.parametrize(
    "page", ["supervision:mine", "supervision:dashboard", "supervision:inspections"]
)
def test_pages_take_a_constant_number_of_queries(
    page, approved_case, alice_client, bob_client, bob, django_assert_max_num_queries
):
    client = alice_client if page == "supervision:mine" else bob_client
    approved_case()
    inspections.inspection_draw(by=bob, title="抽查", sample_size=1, seed=1)
    client.get(reverse(page))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse(page)).status_code == 200
    for i in range(4):
        approved_case()
        inspections.inspection_draw(by=bob, title=f"抽查{i}", sample_size=2, seed=i)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse(page)).status_code == 200
