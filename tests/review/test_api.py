"""The review API /api/v1/cases/… per persona: scope, moves, errors, 409 on conflicts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from review import services
from review.models import CaseState, ReviewCase

from .conftest import decidable, under_review

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def cases(make_case, carol):
    return {
        "standard": make_case(name="苏州标准项目"),
        "window": make_case(owner=carol, route="national_window_guidance", name="南京两高"),
        "zhejiang": make_case(owner=carol, region="330106", name="杭州项目"),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_is_scoped_per_persona(cases, alice, carol, bob, erin, dana, frank):
    s, w, z = (cases[k].pk for k in ("standard", "window", "zhejiang"))
    assert _ids(api(bob).get("/api/v1/cases/")) == {s, w}
    assert _ids(api(erin).get("/api/v1/cases/")) == {w}
    assert _ids(api(frank).get("/api/v1/cases/")) == {z}
    assert _ids(api(dana).get("/api/v1/cases/")) == {s, w, z}
    assert api(alice).get("/api/v1/cases/").status_code == 403
    assert api(carol).get("/api/v1/cases/").status_code == 403
    assert api(None).get("/api/v1/cases/").status_code in (401, 403)


def test_list_filters_clock_and_counts(make_case, bob):
    old = make_case(opened_on=date(2026, 9, 28))
    new = make_case(route="local_two_high")
    rows = api(bob).get("/api/v1/cases/").json()["results"]
    assert [r["id"] for r in rows] == [old.pk, new.pk]
    assert rows[0]["deadline"] == "2026-10-10"
    assert rows[0]["clock"]["overdue"] is True
    assert rows[0]["clock"]["phase"] == "intake"
    assert _ids(api(bob).get("/api/v1/cases/", {"overdue": "true"})) == {old.pk}
    assert _ids(api(bob).get("/api/v1/cases/", {"two_high": "true"})) == {new.pk}
    assert _ids(api(bob).get("/api/v1/cases/", {"route": "standard"})) == {old.pk}
    assert _ids(api(bob).get("/api/v1/cases/", {"state": "accepted"})) == set()
    assert api(bob).get("/api/v1/cases/", {"state": "nonsense"}).status_code == 400
    counts = api(bob).get("/api/v1/cases/counts/").json()
    assert counts["by_state"]["submitted"] == 2
    assert (counts["overdue"], counts["total"]) == (1, 2)


def _list_queries(user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api(user).get("/api/v1/cases/").status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_constant(make_case, bob, django_assert_max_num_queries):
    for _ in range(3):
        services.case_accept(case=make_case(), by=bob, assign_to=bob)
    few = _list_queries(bob)
    for _ in range(15):
        services.case_accept(case=make_case(), by=bob, assign_to=bob)
    assert _list_queries(bob) == few
    with django_assert_max_num_queries(few):
        api(bob).get("/api/v1/cases/")


def test_detail_and_events_are_scoped(cases, alice, bob, erin, frank, dana):
    s = cases["standard"].pk
    detail = api(bob).get(f"/api/v1/cases/{s}/").json()
    assert detail["submission"]["assessment"]["route"] == "standard"
    assert "accept" in detail["allowed_actions"]
    assert detail["version"] == 1
    for user in (alice, erin, frank):
        assert api(user).get(f"/api/v1/cases/{s}/").status_code == 404
        assert api(user).get(f"/api/v1/cases/{s}/events/").status_code == 404
    events = api(dana).get(f"/api/v1/cases/{s}/events/").json()
    assert [(e["action"], e["actor"]) for e in events] == [("open", "李爱丽")]
    assert events[0]["assessment"]["recommendation"] == "approve"


def test_full_flow_through_the_api(make_case, alice, bob, helen, evaluation_body):
    case = make_case()
    client = api(bob)
    r = client.post(
        f"/api/v1/cases/{case.pk}/return/",
        {"items": [{"item": "补充附表", "detail": "附表3"}, "盖章"], "version": 1},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "returned"
    assert r.json()["correction_entries"] == [
        {"item": "补充附表", "detail": "附表3"},
        {"item": "盖章", "detail": ""},
    ]
    from .conftest import pdf_upload, resubmit

    services.case_resubmit(case=case, submission=resubmit(case, by=alice), by=alice)
    version = ReviewCase.objects.get(pk=case.pk).version
    r = client.post(
        f"/api/v1/cases/{case.pk}/accept/",
        {"assign_to": "bob", "version": version},
        format="json",
    )
    assert r.json()["state"] == "under_review"
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    r = client.post(
        f"/api/v1/cases/{case.pk}/evaluations/commission/",
        {"body": evaluation_body.pk, "due_on": due},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "commissioned"
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["clock"]["phase"] == "paused"
    r = client.post(
        f"/api/v1/cases/{case.pk}/extension-request/", {"reason": "专家评审意见分歧"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["extended"] is False  # not in force until the head approves
    assert api(bob).post(f"/api/v1/cases/{case.pk}/extension/approve/", {}).status_code == 403
    r = api(helen).post(f"/api/v1/cases/{case.pk}/extension/approve/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["extended"] is True
    assert r.json()["extensions"][0]["state"] == "approved"
    r = client.post(
        f"/api/v1/cases/{case.pk}/evaluations/",
        {"conclusion": "同意", "expert_opinions": "专家组同意", "report": pdf_upload()},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    version = ReviewCase.objects.get(pk=case.pk).version
    r = client.post(
        f"/api/v1/cases/{case.pk}/approve/",
        {"reason": "符合要求", "conditions": ["投产前完成替代"], "version": version},
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["state"], body["conditions"]) == ("approved", ["投产前完成替代"])
    assert body["authority"]["doc_prefix"] == "苏发改能审"
    drafts = ReviewCase.objects.get(pk=case.pk).drafts
    # the return for correction drafted its 补正通知书; the approval drafted its opinion
    assert sorted(drafts.values_list("kind", flat=True)) == ["approval", "correction"]
    assert drafts.get(kind="approval").sections["conditions"] == ["投产前完成替代"]


def test_second_decision_gets_409(make_case, bob, bob2):
    case = decidable(make_case(), by=bob)
    seen = case.version
    first = api(bob).post(
        f"/api/v1/cases/{case.pk}/approve/", {"reason": "同意", "version": seen}, format="json"
    )
    assert first.status_code == 200
    second = api(bob2).post(
        f"/api/v1/cases/{case.pk}/defer/",
        {"reason": "缓批", "deferral_lift": "补充", "justification": "x", "version": seen},
        format="json",
    )
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    third = api(bob2).post(f"/api/v1/cases/{case.pk}/approve/", {"reason": "同意"}, format="json")
    assert third.status_code == 409
    assert third.json()["code"] == "transition_not_allowed"
    assert ReviewCase.objects.get(pk=case.pk).drafts.count() == 1


def test_validation_errors_name_the_field(make_case, bob):
    case = under_review(make_case(recommendation="reject"), by=bob)
    r = api(bob).post(f"/api/v1/cases/{case.pk}/approve/", {"reason": "同意"}, format="json")
    assert r.status_code == 400
    assert "justification" in r.json()["errors"]
    r = api(bob).post(
        f"/api/v1/cases/{case.pk}/reject/",
        {"reason": "不同意", "cited_findings": ["NO_SUCH_CODE"]},
        format="json",
    )
    assert r.status_code == 400
    assert "cited_findings" in r.json()["errors"]
    r = api(bob).post(f"/api/v1/cases/{case.pk}/approve/", {}, format="json")
    assert r.status_code == 400
    assert "reason" in r.json()["errors"]
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.UNDER_REVIEW


def test_move_permissions_per_persona(cases, alice, carol, bob, erin, frank, dana):
    standard, window = cases["standard"], cases["window"]
    url = f"/api/v1/cases/{standard.pk}/accept/"
    for user in (alice, carol, erin, frank):
        assert api(user).post(url, {}, format="json").status_code == 404
    window = services.case_accept(case=window, by=bob, assign_to=bob)
    # erin sees the window case but may only answer the guidance
    r = api(erin).post(
        f"/api/v1/cases/{window.pk}/reassign/",
        {"assignee": "bob", "reason": "x"},
        format="json",
    )
    assert r.status_code == 403
    r = api(bob).post(
        f"/api/v1/cases/{window.pk}/guidance/",
        {"outcome": "supported", "notes": "x"},
        format="json",
    )
    assert r.status_code == 403
    r = api(erin).post(
        f"/api/v1/cases/{window.pk}/guidance/",
        {"outcome": "supported_with_conditions", "notes": "投产前达到标杆水平"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["guidance_outcome"] == "supported_with_conditions"
    assert api(dana).post(url, {}, format="json").status_code == 200


def test_construction_start_by_the_applicant(make_case, alice, carol, bob):
    case = decidable(make_case(), by=bob)
    services.case_approve(case=case, by=bob, reason="同意")
    url = f"/api/v1/cases/{case.pk}/construction-start/"
    today = timezone.localdate().isoformat()
    assert api(carol).post(url, {"started_on": today}, format="json").status_code == 404
    r = api(alice).post(url, {"started_on": today}, format="json")
    assert r.status_code == 200, r.content
    assert ReviewCase.objects.get(pk=case.pk).started_construction_on.isoformat() == today


def test_openapi_documents_the_case_endpoints(dana):
    r = api(dana).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    paths = r.json()["paths"] if r["Content-Type"].startswith("application/json") else None
    if paths is None:
        import yaml

        paths = yaml.safe_load(r.content)["paths"]
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/approve/",
        "/api/v1/cases/{id}/guidance/",
        "/api/v1/cases/{id}/events/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/v1/cases/{id}/approve/"]["post"]["responses"]


def test_evaluation_with_a_report_through_the_api(
    make_case, bob, frank, bob_client, evaluation_body
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = under_review(make_case(), by=bob)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    commission = {"body": evaluation_body.pk, "due_on": due}
    assert (
        api(frank).post(f"/api/v1/cases/{case.pk}/evaluations/commission/", commission).status_code
        == 404
    )
    r = api(bob).post(f"/api/v1/cases/{case.pk}/evaluations/commission/", commission)
    assert r.status_code == 201, r.content
    body = {
        "received_on": timezone.localdate().isoformat(),
        "conclusion": "原则同意",
        "expert_opinions": "建议补充余热利用",
        "report": SimpleUploadedFile("评审报告.pdf", b"%PDF-1.4 evaluation"),
    }
    bad = dict(body, report=SimpleUploadedFile("x.pdf", b"not a pdf"))
    r = api(bob).post(f"/api/v1/cases/{case.pk}/evaluations/", bad, format="multipart")
    assert r.status_code == 400
    assert "report" in r.json()["errors"]
    r = api(bob).post(f"/api/v1/cases/{case.pk}/evaluations/", body, format="multipart")
    assert r.status_code == 201, r.content
    report_url = r.json()["report_url"]
    assert bob_client.get(report_url).status_code == 200  # a page download (session)
    assert api(frank).post(f"/api/v1/cases/{case.pk}/evaluations/", body).status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        # (list, counts, detail, events, accept)
        ("alice", (403, 403, 404, 404, 404)),
        ("carol", (403, 403, 404, 404, 404)),
        ("bob", (200, 200, 200, 200, 200)),
        ("erin", (200, 200, 404, 404, 404)),
        ("dana", (200, 200, 200, 200, 200)),
    ],
)
def test_every_endpoint_per_persona(make_case, personas, persona, expected):
    case = make_case()
    client = api(personas[persona])
    got = (
        client.get("/api/v1/cases/").status_code,
        client.get("/api/v1/cases/counts/").status_code,
        client.get(f"/api/v1/cases/{case.pk}/").status_code,
        client.get(f"/api/v1/cases/{case.pk}/events/").status_code,
        client.post(f"/api/v1/cases/{case.pk}/accept/", {}, format="json").status_code,
    )
    assert got == expected
