"""Reviewer pages: queue, case page, move pages, timeline export, notices — per persona."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from review import services
from review.models import CaseState, EvaluationBody, ReviewCase
from rules.models import EnergyBudget

from .conftest import decidable, pdf_upload, under_review

pytestmark = pytest.mark.django_db


def _queue(client, **params):
    return client.get(reverse("review:queue"), params)


def _ids(response) -> set[int]:
    return {c.pk for c in response.context["cases"]}


@pytest.fixture
def cases(make_case, alice, carol, bob):
    """Province 32: a standard case and a window-guidance case; province 33: one case."""
    standard = make_case(name="苏州标准项目")
    window = make_case(owner=carol, route="national_window_guidance", name="南京两高项目")
    zhejiang = make_case(owner=carol, region="330106", name="杭州项目")
    return {"standard": standard, "window": window, "zhejiang": zhejiang}


# --------------------------------------------------------------------------------------------
# Queue
# --------------------------------------------------------------------------------------------
def test_queue_is_scoped_per_persona(
    cases, bob_client, erin_client, dana_client, frank_client, alice_client, carol_client, client
):
    s, w, z = cases["standard"].pk, cases["window"].pk, cases["zhejiang"].pk
    assert _ids(_queue(bob_client)) == {s, w}
    assert _ids(_queue(erin_client)) == {w}
    assert _ids(_queue(frank_client)) == {z}
    assert _ids(_queue(dana_client)) == {s, w, z}
    assert _queue(alice_client).status_code == 403
    assert _queue(carol_client).status_code == 403
    assert _queue(client).status_code == 302


def test_queue_filters_and_counts(cases, bob_client, bob):
    services.case_accept(case=cases["standard"], by=bob, assign_to=bob)
    assert _ids(_queue(bob_client, state="under_review")) == {cases["standard"].pk}
    assert _ids(_queue(bob_client, route="national_window_guidance")) == {cases["window"].pk}
    assert _ids(_queue(bob_client, two_high="yes")) == {cases["window"].pk}
    assert _ids(_queue(bob_client, two_high="no")) == {cases["standard"].pk}
    assert _ids(_queue(bob_client, mine="on")) == {cases["standard"].pk}
    assert _ids(_queue(bob_client, q="南京")) == {cases["window"].pk}
    counts = _queue(bob_client).context["counts"]
    assert counts.by_state["under_review"] == 1
    assert counts.by_state["submitted"] == 1
    assert counts.total == 2


def test_queue_flags_overdue_cases_and_sorts_by_deadline(make_case, bob_client):
    old = make_case(opened_on=date(2026, 9, 28), name="逾期项目")  # deadline 10 Oct 2026
    new = make_case(name="新项目")
    response = _queue(bob_client)
    assert [c.pk for c in response.context["cases"]] == [old.pk, new.pk]
    html = response.content.decode()
    assert 'data-testid="overdue"' in html
    assert _ids(_queue(bob_client, overdue="on")) == {old.pk}
    assert response.context["counts"].overdue == 1
    assert [c.pk for c in _queue(bob_client, sort="-deadline").context["cases"]] == [
        new.pk,
        old.pk,
    ]


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert _queue(client).status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count_is_constant(make_case, bob, bob_client, django_assert_max_num_queries):
    for _ in range(3):
        services.case_accept(case=make_case(), by=bob, assign_to=bob)
    few = _queue_queries(bob_client)
    for _ in range(15):
        services.case_accept(case=make_case(), by=bob, assign_to=bob)
    many = _queue_queries(bob_client)
    assert few == many
    with django_assert_max_num_queries(few):
        _queue(bob_client)


# --------------------------------------------------------------------------------------------
# Case page
# --------------------------------------------------------------------------------------------
def _case(client, case):
    return client.get(reverse("review:case", args=[case.pk]))


def test_case_page_per_persona(
    cases, bob_client, erin_client, dana_client, frank_client, alice_client, carol_client
):
    standard, window = cases["standard"], cases["window"]
    assert _case(bob_client, standard).status_code == 200
    assert _case(bob_client, cases["zhejiang"]).status_code == 404
    assert _case(frank_client, standard).status_code == 404
    assert _case(erin_client, standard).status_code == 404
    assert _case(erin_client, window).status_code == 200
    assert _case(dana_client, cases["zhejiang"]).status_code == 200
    # applicants see their case on their own pages, never the reviewer's case page
    assert _case(alice_client, standard).status_code == 404
    assert _case(carol_client, standard).status_code == 404


def test_case_page_shows_facts_clock_moves_and_timeline(make_case, bob_client):
    case = make_case(opened_on=date(2026, 9, 28))
    response = _case(bob_client, case)
    html = response.content.decode()
    assert case.project.name in html
    assert "2026-10-10" in html  # the deadline
    assert 'data-testid="overdue"' in html
    assert "TIER_PROVINCIAL" in html  # findings of the frozen assessment
    assert "江苏省" in html  # the region named from the frozen facts
    assert {m.action for m in response.context["moves"]} >= {
        "accept",
        "return_for_correction",
        "not_accept",
        "claim",
    }
    assert "提交申请" in html  # timeline


def test_guidance_is_offered_only_on_window_guidance_cases(cases, bob, dana, bob_client):
    standard = services.case_accept(case=cases["standard"], by=bob, assign_to=bob)
    window = services.case_accept(case=cases["window"], by=bob, assign_to=bob)
    window = services.case_answer_guidance(case=window, by=dana, outcome="supported", notes="x")
    standard_moves = {m.action for m in _case(bob_client, standard).context["moves"]}
    window_moves = {m.action for m in _case(bob_client, window).context["moves"]}
    assert "request_guidance" not in standard_moves
    assert "approve" in standard_moves
    assert "request_guidance" in window_moves


def test_erin_sees_only_the_guidance_move(cases, bob, erin_client):
    window = services.case_accept(case=cases["window"], by=bob, assign_to=bob)
    moves = [m.action for m in _case(erin_client, window).context["moves"]]
    assert moves == ["answer_guidance"]


def test_case_page_warns_when_approval_would_exceed_the_budget(make_case, bob, bob_client):
    case = under_review(make_case(counted_tce=20000), by=bob)
    EnergyBudget.objects.create(province="32", year=timezone.localdate().year, budget_tce=15000)
    html = _case(bob_client, case).content.decode()
    assert 'data-testid="budget-warning"' in html
    page = bob_client.get(reverse("review:case_action", args=[case.pk, "approve"]))
    assert 'data-testid="budget-warning"' in page.content.decode()


# --------------------------------------------------------------------------------------------
# Moves through the pages
# --------------------------------------------------------------------------------------------
def _act(client, case, action, **data):
    data.setdefault("version", ReviewCase.objects.get(pk=case.pk).version)
    return client.post(reverse("review:case_action", args=[case.pk, action]), data)


def test_bob_returns_accepts_and_approves_through_the_pages(make_case, bob_client, alice):
    case = make_case()
    response = _act(bob_client, case, "return_for_correction", items="补充附表\n加盖公章")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.correction_items == ["补充附表", "加盖公章"]
    from .conftest import resubmit

    services.case_resubmit(case=case, submission=resubmit(case, by=alice), by=alice)
    assert _act(bob_client, case, "accept", note="材料齐全", take="on").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW
    body = EvaluationBody.objects.create(name="江苏省节能技术评审中心", contact="025-1")
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = _act(bob_client, case, "commission_evaluation", body=body.pk, due_on=due)
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_EVALUATION
    assert "计时暂停" in bob_client.get(response.url).content.decode()
    response = _act(
        bob_client,
        case,
        "record_evaluation",
        received_on=timezone.localdate().isoformat(),
        conclusion="同意",
        expert_opinions="专家组同意",
        report=pdf_upload(),
    )
    assert response.status_code == 302, response.context["form"].errors
    response = _act(
        bob_client, case, "approve", reason="符合要求", conditions="投产前完成替代\n按期验收"
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.conditions == "投产前完成替代\n按期验收"
    html = bob_client.get(response.url).content.decode()
    assert "已作出审查通过决定" in html


def test_invalid_input_redisplays_the_form_with_field_errors(make_case, bob, bob_client):
    case = decidable(make_case(recommendation="reject"), by=bob)
    response = _act(bob_client, case, "approve", reason="同意")
    assert response.status_code == 200
    assert "justification" in response.context["form"].errors
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW


def test_a_stale_form_shows_a_conflict_message(make_case, bob, bob_client):
    case = decidable(make_case(), by=bob)
    stale = case.version
    services.case_request_extension(case=case, by=bob, reason="评审")
    response = _act(bob_client, case, "approve", reason="同意", version=stale)
    assert response.status_code == 302
    html = bob_client.get(response.url).content.decode()
    assert "已被他人处理或修改" in html
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW


def test_a_move_not_allowed_now_redirects_with_a_message(make_case, bob_client):
    case = make_case()
    response = bob_client.get(reverse("review:case_action", args=[case.pk, "approve"]))
    assert response.status_code == 302
    assert "不能执行" in bob_client.get(response.url).content.decode()


def test_move_pages_per_persona(cases, erin_client, frank_client, alice_client, dana_client):
    standard = cases["standard"]
    url = reverse("review:case_action", args=[standard.pk, "accept"])
    assert erin_client.get(url).status_code == 404
    assert frank_client.get(url).status_code == 404
    assert alice_client.get(url).status_code == 404
    assert dana_client.get(url).status_code == 200
    assert alice_client.post(url, {"version": 1}).status_code == 404
    assert ReviewCase.objects.get(pk=standard.pk).state == CaseState.SUBMITTED


def test_erin_cannot_make_reviewer_moves_on_window_cases(cases, bob, erin_client):
    window = services.case_accept(case=cases["window"], by=bob, assign_to=bob)
    url = reverse("review:case_action", args=[window.pk, "reassign"])
    assert erin_client.get(url).status_code == 403
    response = _act(erin_client, window, "answer_guidance", outcome="supported", notes="同意")
    assert response.status_code == 302
    window.refresh_from_db()
    assert (window.state, window.guidance_outcome) == (CaseState.UNDER_REVIEW, "supported")


def test_unknown_move_is_404(make_case, bob_client):
    case = make_case()
    assert bob_client.get(f"/review/cases/{case.pk}/dance/").status_code == 404
    assert bob_client.get(f"/review/cases/{case.pk}/expire/").status_code == 404


# --------------------------------------------------------------------------------------------
# Timeline export
# --------------------------------------------------------------------------------------------
def test_timeline_csv(make_case, bob, bob_client, frank_client, alice_client):
    case = services.case_return_for_correction(case=make_case(), by=bob, items=["补正一", "补正二"])
    url = reverse("review:timeline_csv", args=[case.pk])
    response = bob_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["时间", "操作人", "动作"]
    # the return also drafts the 补正通知书 (issue 11), an event of its own
    assert [r[2] for r in rows[1:]] == ["提交申请", "退回补正", "公文拟稿"]
    assert rows[2][1] == "王博"
    assert "补正一" in rows[2][6]
    assert rows[2][7] == "approve"
    assert frank_client.get(url).status_code == 404
    assert alice_client.get(url).status_code == 404


# --------------------------------------------------------------------------------------------
# Notices and evaluation reports
# --------------------------------------------------------------------------------------------
def test_notices_page_and_mark_read(make_case, bob_client, bob):
    make_case(name="通知项目")
    response = bob_client.get(reverse("review:notices"))
    assert "通知项目" in response.content.decode()
    assert bob.notices.filter(read_at__isnull=True).count() == 1
    bob_client.post(reverse("review:notices_read"))
    assert bob.notices.filter(read_at__isnull=True).count() == 0


def test_evaluation_report_download_is_scoped(make_case, bob, bob_client, frank_client):
    case = decidable(make_case(), by=bob)  # its evaluation report is a PDF upload
    evaluation = case.evaluations.get()
    url = reverse("review:evaluation_report", args=[case.pk, evaluation.pk])
    response = bob_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert frank_client.get(url).status_code == 404


def test_case_page_links_the_files_handed_in(make_case, bob_client, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.models import Attachment

    case = make_case()
    attachment = Attachment(
        project=case.project,
        original_name="节能报告.pdf",
        size=12,
        sha256="0" * 64,
        uploaded_by=alice,
    )
    attachment.file.save("r.pdf", SimpleUploadedFile("r.pdf", b"%PDF-1.4 test"), save=False)
    attachment.save()
    case.submission.attachments.add(attachment)
    html = _case(bob_client, case).content.decode()
    url = reverse(
        "projects:attachment_download",
        kwargs={"pk": case.project_id, "attachment_pk": attachment.pk},
    )
    assert f'href="{url}"' in html
    assert bob_client.get(url).status_code == 200


def test_timeline_labels_follow_the_state_of_the_move(make_case, bob, bob_client):
    case = make_case()
    services.case_assign(case=case, by=bob, assignee=bob)
    case = services.case_accept(case=case, by=bob)
    services.case_assign(case=case, by=bob, assignee=bob)
    labels = [e.label for e in _case(bob_client, case).context["events"]]
    assert labels == ["提交申请", "分派受理人", "受理", "分派承办人"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        # (queue, case page, move form, timeline csv, notices)
        ("alice", (403, 404, 404, 404, 200)),
        ("carol", (403, 404, 404, 404, 200)),
        ("bob", (200, 200, 200, 200, 200)),
        ("erin", (200, 404, 404, 404, 200)),
        ("dana", (200, 200, 200, 200, 200)),
    ],
)
def test_every_page_per_persona(make_case, personas, persona, expected):
    from django.test import Client

    case = make_case()  # alice's standard case in province 32
    client = Client()
    client.force_login(personas[persona])
    urls = (
        reverse("review:queue"),
        reverse("review:case", args=[case.pk]),
        reverse("review:case_action", args=[case.pk, "accept"]),
        reverse("review:timeline_csv", args=[case.pk]),
        reverse("review:notices"),
    )
    assert tuple(client.get(url).status_code for url in urls) == expected
