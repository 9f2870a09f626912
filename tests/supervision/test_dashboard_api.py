"""The dashboard's figures match the lists they link to; exports escape formulas; list pages and
endpoints take a constant number of queries; every endpoint checked per persona."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from projects.models import Organization
from supervision import selectors
from supervision.models import FlagKind, MonthlyEnergy, Rectification, SupervisionFlag
from supervision.services import acceptance as svc

from .conftest import acceptance_data, pdf_upload

TODAY = date(2026, 11, 2)
# A deadline after the real today (the services date their checks by the clock).
LATER = (timezone.localdate() + timedelta(days=45)).isoformat()


@pytest.fixture
def portfolio(approved_case, started, alice, bob, carol):
    """Seven approved cases in different stages and with different flags, one in Zhejiang."""
    plain = approved_case()
    building = started(approved_case())
    accepted = started(approved_case())
    a = svc.acceptance_file(
        case=accepted, by=alice, data=acceptance_data(accepted), report=pdf_upload(), today=TODAY
    )
    svc.acceptance_check(acceptance=a, by=bob, outcome="recorded", today=TODAY)
    to_check = started(approved_case(owner=carol), by=carol)
    svc.acceptance_file(
        case=to_check, by=carol, data=acceptance_data(to_check), report=pdf_upload(), today=TODAY
    )
    operating = approved_case()
    MonthlyEnergy.objects.create(project=operating.project, month=date(2026, 9, 1), tce=10)
    SupervisionFlag.objects.create(
        case=operating, kind=FlagKind.MONITORING_EXCESS, period=date(2026, 9, 1), message="x"
    )
    overdue = approved_case(planned_completion=date(2026, 1, 31))
    svc.acceptance_overdue_flag(today=TODAY)
    Rectification.objects.create(
        case=building, items=["x"], deadline=date(2027, 1, 1), ordered_by=bob
    )
    approved_case(region="330106")  # another province
    return {"plain": plain, "overdue": overdue}


def test_dashboard_counts_match_the_lists(portfolio, bob_client, bob):
    counts = selectors.dashboard_counts(user=bob)
    assert counts["total"] == 6
    assert counts == {
        "total": 6,
        "approved": 2,
        "under_construction": 2,
        "accepted": 1,
        "operating": 1,
        "acceptance_overdue": 1,
        "monitoring_excess": 1,
        "open_rectification": 1,
        "acceptance_to_check": 1,
    }
    page = bob_client.get(reverse("supervision:dashboard")).content.decode()
    for key in selectors.LIST_FILTERS:
        shown = re.search(rf'data-count="{key}">(\d+)<', page)
        assert shown, key
        listed = bob_client.get(reverse("supervision:cases") + f"?key={key}")
        assert listed.status_code == 200
        rows = listed.content.decode().count("data-case=")
        assert int(shown.group(1)) == rows == counts[key], key


def test_unknown_list_key_is_404(bob_client):
    assert bob_client.get(reverse("supervision:cases") + "?key=nope").status_code == 404


def test_list_page_takes_a_constant_number_of_queries(
    approved_case, bob_client, django_assert_num_queries
):
    approved_case()
    bob_client.get(reverse("supervision:cases"))  # warm the session and caches
    with django_assert_num_queries(_queries(bob_client)) as first:
        bob_client.get(reverse("supervision:cases"))
    for _ in range(5):
        approved_case()
    with django_assert_num_queries(len(first.captured_queries)):
        bob_client.get(reverse("supervision:cases"))


def _queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("supervision:cases"))
    return len(ctx.captured_queries)


def test_exports_escape_formulas(approved_case, bob_client):
    case = approved_case()
    Organization.objects.filter(pk=case.project.organization_id).update(
        name='=HYPERLINK("http://evil","点此")'
    )
    body = bob_client.get(reverse("supervision:cases_export", args=["csv"])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][3] == '\'=HYPERLINK("http://evil","点此")'
    from openpyxl import load_workbook

    xlsx = bob_client.get(reverse("supervision:cases_export", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.cell(row=2, column=4).value.startswith("'=")
    assert bob_client.get(reverse("supervision:dashboard_export", args=["xlsx"])).status_code == 200
    assert bob_client.get(reverse("supervision:cases_export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "dashboard", "case", "split", "rectify"),
    [
        ("alice", 403, 200, 404, 403),
        ("carol", 403, 404, 404, 404),
        ("bob", 200, 200, 200, 201),
        ("erin", 403, 404, 404, 404),
        ("dana", 200, 200, 200, 201),
    ],
)
def test_api_permissions_by_persona(portfolio, request, persona, dashboard, case, split, rectify):
    api = APIClient()
    api.force_authenticate(request.getfixturevalue(persona))
    pk = portfolio["plain"].pk
    assert api.get(reverse("api-sv-dashboard")).status_code == dashboard
    assert api.get(reverse("api-sv-cases")).status_code == dashboard
    assert api.get(reverse("api-sv-case", args=[pk])).status_code == case
    assert api.get(reverse("api-sv-split-warnings", args=[pk])).status_code == split
    assert api.get(reverse("api-sv-inspections")).status_code == dashboard
    response = api.post(
        reverse("api-sv-rectify", args=[pk]),
        {"items": ["x"], "deadline": LATER},
        format="json",
    )
    assert response.status_code == rectify
    assert Rectification.objects.filter(case_id=pk).count() == (1 if rectify == 201 else 0)


def test_api_rejects_anonymous(portfolio):
    api = APIClient()
    assert api.get(reverse("api-sv-dashboard")).status_code in (401, 403)
    assert api.get(reverse("api-sv-case", args=[portfolio["plain"].pk])).status_code in (401, 403)


def test_api_walk_acceptance_and_check(approved_case, started, alice, bob):
    import json

    case = started(approved_case())
    api = APIClient()
    api.force_authenticate(alice)
    data = acceptance_data(case)
    payload = {
        "completed_on": "2026-10-30",
        "actual_capacity": data["actual_capacity"],
        "energy_lines": json.dumps(data["energy_lines"]),
        "conditions": json.dumps(data["conditions"]),
        "committee_conclusion": data["committee_conclusion"],
        "report": pdf_upload(),
    }
    response = api.post(reverse("api-sv-acceptance", args=[case.pk]), payload, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["comparison"]["unmet_conditions"] == 1
    again = api.post(
        reverse("api-sv-acceptance-check", args=[case.pk]), {"outcome": "recorded"}, format="json"
    )
    assert again.status_code == 403
    api.force_authenticate(bob)
    bad = api.post(
        reverse("api-sv-acceptance-check", args=[case.pk]),
        {"outcome": "rectification", "items": []},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"items", "deadline"}
    ok = api.post(
        reverse("api-sv-acceptance-check", args=[case.pk]),
        {"outcome": "rectification", "items": ["更换电机"], "deadline": LATER},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["state"] == "rectification"
    detail = api.get(reverse("api-sv-case", args=[case.pk])).json()
    assert detail["rectifications"][0]["items"] == ["更换电机"]


def test_openapi_documents_the_supervision_endpoints(dana_client):
    schema = dana_client.get(reverse("schema"), HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/supervision/monitoring/", "/api/v1/supervision/cases/{id}/acceptance/"):
        assert path in schema
