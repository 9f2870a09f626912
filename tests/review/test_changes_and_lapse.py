"""Change applications from the applicant's page, the lapse of an approval with the construction
start recorded with evidence, and the new endpoints' permissions across organizations and
authorities (issue 10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from projects import services as project_services
from review import services
from review.models import CaseState, EvaluationBody, ExtensionRequest, ReviewCase
from tests.projects.conftest import MID_FACTORY, pdf_upload

from .conftest import decidable, under_review

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _approved_project(alice, bob):
    project = project_services.project_create(
        organization=alice.profile.organization, by=alice, data=dict(MID_FACTORY)
    )
    project_services.attachment_add(project=project, by=alice, upload=pdf_upload())
    project_services.project_submit(project=project, by=alice)
    case = decidable(project.cases.get(), by=bob)
    services.case_approve(case=case, by=bob, reason="符合要求")
    return project


def test_the_applicant_states_the_change_on_the_submit_page(alice, bob, alice_client):
    project = _approved_project(alice, bob)
    assert project.cases.get().authority.code == "32"
    page = alice_client.get(reverse("projects:edit", args=[project.pk, 5])).content.decode()
    assert 'name="change_triggers"' in page
    url = reverse("projects:submit", args=[project.pk])
    # nothing changed and nothing stated: refused, in words, and nothing kept
    response = alice_client.post(url, {"pledge": "on"}, follow=True)
    assert "无需申请变更" in response.content.decode()
    assert project.submissions.count() == 1
    # the applicant states a larger construction scale
    response = alice_client.post(url, {"pledge": "on", "change_triggers": ["content"]})
    assert response.status_code == 302
    case = ReviewCase.objects.get(project=project)
    assert (case.state, case.change_triggers) == (CaseState.CHANGE_REQUESTED, ["content"])
    detail = api(bob).get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["change_trigger_labels"] == ["建设内容或建设规模变更"]


def test_the_construction_start_is_recorded_with_evidence_and_the_approval_then_stays(
    make_case, alice, bob, carol
):
    case = decidable(make_case(), by=bob)
    services.case_approve(case=case, by=bob, reason="同意")
    url = f"/api/v1/cases/{case.pk}/construction-start/"
    today = timezone.localdate().isoformat()
    evidence = SimpleUploadedFile("施工许可证.pdf", b"%PDF-1.4 permit", "application/pdf")
    assert api(carol).post(url, {"started_on": today}, format="multipart").status_code == 404
    r = api(alice).post(url, {"started_on": today, "evidence": evidence}, format="multipart")
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.construction_evidence.name.endswith(".pdf")
    assert case.events.get(action="record_construction_start").data["evidence"] is True
    ReviewCase.objects.filter(pk=case.pk).update(decided_at=timezone.now() - timedelta(days=800))
    assert services.case_expire_stale(today=timezone.localdate()) == 0


def test_a_lapse_is_a_recorded_move_with_a_notice(make_case, alice, bob, bob_client):
    case = decidable(make_case(), by=bob)
    services.case_approve(case=case, by=bob, reason="同意")
    decided = timezone.make_aware(timezone.datetime(2024, 3, 1, 10))
    ReviewCase.objects.filter(pk=case.pk).update(decided_at=decided)
    assert services.case_expire_stale(today=date(2026, 3, 2)) == 1
    case.refresh_from_db()
    assert (case.state, case.lapsed_on) == (CaseState.EXPIRED, date(2026, 3, 2))
    assert alice.notices.filter(case=case, message__contains="2026-03-02").exists()
    html = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert "逾期未开工，审查意见失效" in html
    assert "失效日期" in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [("alice", 404), ("carol", 404), ("frank", 404), ("grace", 404), ("erin", 404)],
)
def test_new_endpoints_answer_404_outside_the_authority(
    make_case, bob, personas, frank, who, expected
):
    users = {**personas, "frank": frank}
    case = under_review(make_case(), by=bob)
    services.case_request_extension(case=case, by=bob, reason="评审")
    body = EvaluationBody.objects.create(name="评审中心")
    client = api(users[who])
    due = (timezone.localdate() + timedelta(days=9)).isoformat()
    for path, data in (
        ("evaluations/commission/", {"body": body.pk, "due_on": due}),
        ("evaluations/", {"conclusion": "x", "expert_opinions": "x"}),
        ("extension-request/", {"reason": "x"}),
        ("extension/approve/", {}),
        ("extension/refuse/", {"note": "x"}),
        ("lift-deferral/", {"reason": "x"}),
        ("consent-change/", {"reason": "x"}),
    ):
        assert client.post(f"/api/v1/cases/{case.pk}/{path}", data).status_code == expected, path
    assert ExtensionRequest.objects.get(case=case).state == "pending"
    assert not case.evaluations.exists()


def test_new_endpoints_answer_403_to_the_wrong_party_inside_the_authority(
    make_case, bob, helen, bob2
):
    case = under_review(make_case(), by=bob)
    services.case_request_extension(case=case, by=bob, reason="评审")
    # the head does not act as a reviewer, the reviewer does not approve extensions
    assert (
        api(helen).post(f"/api/v1/cases/{case.pk}/extension-request/", {"reason": "x"}).status_code
        == 403
    )
    assert api(bob2).post(f"/api/v1/cases/{case.pk}/extension/approve/", {}).status_code == 403
    assert api(helen).post(f"/api/v1/cases/{case.pk}/extension/approve/", {}).status_code == 200
    # a second approval: the request is no longer pending
    r = api(helen).post(f"/api/v1/cases/{case.pk}/extension/approve/", {})
    assert r.status_code == 409
    assert r.json()["code"] == "conflict"


NEW_PAGES = (
    "commission_evaluation",
    "record_evaluation",
    "request_extension",
    "approve_extension",
    "refuse_extension",
    "lift_deferral",
    "consent_change",
)


@pytest.mark.parametrize("action", NEW_PAGES)
def test_new_move_pages_per_persona(make_case, bob, personas, frank, action):
    from django.test import Client

    case = under_review(make_case(), by=bob)
    services.case_request_extension(case=case, by=bob, reason="评审")
    url = reverse("review:case_action", args=[case.pk, action])
    expected = {
        "alice": 404,  # applicants never reach the authority's pages
        "carol": 404,
        "grace": 404,  # another authority (苏州市发展和改革委员会)
        "frank": 404,  # another province
        "erin": 404,  # not a window-guidance case
    }
    users = {**personas, "frank": frank}
    for who, status in expected.items():
        client = Client()
        client.force_login(users[who])
        assert client.get(url).status_code == status, who
        assert client.post(url, {"version": case.version}).status_code == status, who
    head_moves = {"approve_extension", "refuse_extension"}
    wrong = personas["bob"] if action in head_moves else personas["helen"]
    client = Client()
    client.force_login(wrong)
    assert client.post(url, {"version": case.version}).status_code == 403
    assert ExtensionRequest.objects.get(case=case).state == "pending"
