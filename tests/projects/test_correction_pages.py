"""补正 on the pages and in the API (issue 13): the applicant reads his own answer-by date and the
reviewer's note and answers each item on the project page; the submit step names what is still
unanswered; the reviewer reads each answer beside its item; only the owning organization answers.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import services
from review import services as review_services
from review.correction_models import CorrectionItem

from .conftest import MID_FACTORY

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def returned(alice, bob, make_submitted):
    """alice's project returned by bob with two items, a note and an answer-by date."""
    project = make_submitted(alice, MID_FACTORY)
    answer_by = timezone.localdate() + timedelta(days=10)
    review_services.case_return_for_correction(
        case=project.cases.get(),
        by=bob,
        items=["补充主要用能设备清单｜列明型号与台数", "节能报告缺少签章"],
        reason="设备清单与节能报告第4章不一致，请核实。",
        answer_by=answer_by,
    )
    project.refresh_from_db()
    project.answer_by = answer_by
    return project


def _items(project: Any) -> list[CorrectionItem]:
    return list(CorrectionItem.objects.filter(round__case__project=project).order_by("position"))


def _answer_url(project: Any, item: CorrectionItem) -> str:
    return reverse("projects:correction_answer", args=[project.pk, item.pk])


def _date_words(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_applicant_sees_his_own_answer_by_date_the_note_and_a_form_per_item(
    returned, alice_client
):
    html = alice_client.get(reverse("projects:detail", args=[returned.pk])).content.decode()
    assert f"请于 {_date_words(returned.answer_by)} 前提交补正材料" in html
    assert "（还剩10天）" in html
    assert "设备清单与节能报告第4章不一致，请核实。" in html
    assert html.count('data-testid="correction-item"') == 2
    assert "列明型号与台数" in html
    for item in _items(returned):
        assert _answer_url(returned, item) in html
    # the case summary shows the applicant's date, not the authority's intake deadline
    assert 'data-testid="summary-answer-by"' in html
    # and every step of the form repeats it
    step = alice_client.get(reverse("projects:edit", args=[returned.pk, 2])).content.decode()
    assert f"请于 {_date_words(returned.answer_by)} 前提交补正材料" in step


def test_answers_are_saved_item_by_item_and_a_refused_one_keeps_its_text(returned, alice_client):
    first, second = _items(returned)
    response = alice_client.post(
        _answer_url(returned, first),
        {
            f"item{first.pk}-answer": "已补充设备清单（附表3）。",
            f"item{first.pk}-changed": "attachments",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#correction-item-1")
    first.refresh_from_db()
    assert (first.answer, first.changed) == ("已补充设备清单（附表3）。", "attachments")
    too_long = "签" * 2001
    response = alice_client.post(
        _answer_url(returned, second), {f"item{second.pk}-answer": too_long}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert too_long in html  # nothing typed is lost
    assert "errorlist" in html
    second.refresh_from_db()
    assert second.answer == ""


def test_submitting_with_an_unanswered_item_is_refused_naming_it(returned, alice, alice_client):
    first, second = _items(returned)
    review_services.correction_answer(item=first, by=alice, answer="已补充。")
    step5 = alice_client.get(reverse("projects:edit", args=[returned.pk, 5])).content.decode()
    assert 'data-testid="unanswered-item"' in step5
    assert "答复第2项补正事项" in step5
    response = alice_client.post(
        reverse("projects:submit", args=[returned.pk]), {"pledge": "on"}, follow=True
    )
    html = response.content.decode()
    assert "尚未答复：第2项「节能报告缺少签章」" in html
    assert returned.submissions.count() == 1
    review_services.correction_answer(item=second, by=alice, answer="已加盖公章。")
    response = alice_client.post(reverse("projects:submit", args=[returned.pk]), {"pledge": "on"})
    assert response.status_code == 302
    assert returned.submissions.count() == 2


def test_only_the_owning_organization_answers_on_the_page(returned, carol, bob, dana):
    item = _items(returned)[0]
    url = _answer_url(returned, item)
    data = {f"item{item.pk}-answer": "代为答复"}
    assert _client(carol).post(url, data).status_code == 404
    assert _client(bob).post(url, data).status_code == 403
    assert _client(dana).post(url, data).status_code == 403
    item.refresh_from_db()
    assert item.answer == ""


def test_the_reviewer_sees_each_answer_beside_its_item_and_the_comparison(
    returned, alice, bob, personas
):
    first, second = _items(returned)
    review_services.correction_answer(item=first, by=alice, answer="附表3已列明型号与台数。")
    review_services.correction_answer(item=second, by=alice, answer="已加盖公章。", changed="none")
    services.project_submit(project=returned, by=alice)
    case = returned.cases.get()
    html = _client(bob).get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'data-testid="correction-rounds"' in html
    assert "附表3已列明型号与台数。" in html
    assert "未修改，仅作说明" in html
    assert "已随第 2 次提交补正" in html
    assert 'data-testid="comparison"' in html  # beside the submission comparison
    grace = personas["grace"]  # Suzhou's authority: not this case
    assert _client(grace).get(reverse("review:case", args=[case.pk])).status_code == 404
    # a second round keeps the first one visible with its answers
    case.refresh_from_db()
    review_services.case_return_for_correction(case=case, by=bob, items=["补充能源计量方案"])
    html = _client(bob).get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'data-testid="correction-round-2"' in html
    assert 'data-testid="correction-round-1"' in html
    assert "附表3已列明型号与台数。" in html
    detail = _client(alice).get(reverse("projects:detail", args=[returned.pk])).content.decode()
    assert "补充能源计量方案" in detail
    assert "附表3已列明型号与台数。" in detail


def test_the_api_shows_and_takes_answers_for_the_owning_organization_only(
    returned, alice, alice_client, carol_client, bob_client, dana_client, personas
):
    first, second = _items(returned)
    url = reverse("api-project-corrections", args=[returned.pk])
    body = alice_client.get(url).json()
    assert body["answer_by"] == returned.answer_by.isoformat()
    assert body["answer_by_text"] == f"请于 {_date_words(returned.answer_by)} 前提交补正材料"
    assert body["note"] == "设备清单与节能报告第4章不一致，请核实。"
    assert body["unanswered"] == [first.pk, second.pk]
    assert [i["item"] for i in body["rounds"][0]["items"]] == [
        "补充主要用能设备清单",
        "节能报告缺少签章",
    ]
    assert bob_client.get(url).status_code == 200
    assert carol_client.get(url).status_code == 404
    status = alice_client.get(reverse("api-project-status", args=[returned.pk])).json()
    assert status["case"]["correction"]["answer_by"] == returned.answer_by.isoformat()
    assert status["case"]["correction"]["note"].startswith("设备清单")

    put = lambda client, item, body: client.put(  # noqa: E731
        reverse("api-project-correction-answer", args=[returned.pk, item.pk]),
        json.dumps(body),
        content_type="application/json",
    )
    assert put(carol_client, first, {"answer": "x"}).status_code == 404
    assert put(bob_client, first, {"answer": "x"}).status_code == 403
    assert put(dana_client, first, {"answer": "x"}).status_code == 403
    assert (
        _client(personas["grace"])
        .put(
            reverse("api-project-correction-answer", args=[returned.pk, first.pk]),
            json.dumps({"answer": "x"}),
            content_type="application/json",
        )
        .status_code
        == 404
    )
    bad = put(alice_client, first, {"answer": "好", "changed": "elsewhere"})
    assert bad.status_code == 400
    assert "changed" in bad.json()["errors"]
    assert put(alice_client, first, {"answer": ""}).status_code == 400
    ok = put(alice_client, first, {"answer": "已补充。", "changed": "energy"})
    assert ok.status_code == 200
    assert (ok.json()["answer"], ok.json()["changed_label"]) == ("已补充。", "能源消费")
    # the reviewer reads the answers through the cases API
    case = returned.cases.get()
    rounds = bob_client.get(reverse("api-case-corrections", args=[case.pk])).json()
    assert rounds[0]["items"][0]["answer"] == "已补充。"
    assert rounds[0]["open"] is True
    assert carol_client.get(reverse("api-case-corrections", args=[case.pk])).status_code == 404
    # once resubmitted, the round is closed: 409
    put(alice_client, second, {"answer": "已盖章。"})
    services.project_submit(project=returned, by=alice)
    assert put(alice_client, second, {"answer": "改写"}).status_code == 409


def test_the_dashboard_shows_the_applicant_s_own_date_for_a_returned_case(returned, alice_client):
    html = alice_client.get(reverse("projects:dashboard")).content.decode()
    assert f"请于 {_date_words(returned.answer_by)} 前补正" in html


def test_the_reviewer_sets_the_answer_by_date_on_the_return_form(alice, bob, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    case = project.cases.get()
    url = reverse("review:case_action", args=[case.pk, "return_for_correction"])
    client = _client(bob)
    form = client.get(url).content.decode()
    default = timezone.localdate() + timedelta(days=30)
    assert f'value="{default.isoformat()}"' in form  # CORRECTION_ANSWER_DAYS by default
    chosen = timezone.localdate() + timedelta(days=15)
    data = {"version": case.version, "items": "补充附表", "reason": "", "answer_by": chosen}
    assert client.post(url, data).status_code == 302
    assert case.correction_rounds.get().answer_by == chosen
    case.refresh_from_db()
    late = {"version": case.version, "items": "x", "answer_by": timezone.localdate()}
    project2 = make_submitted(alice, {**MID_FACTORY, "name": "另一项目"})
    url2 = reverse("review:case_action", args=[project2.cases.get().pk, "return_for_correction"])
    response = client.post(url2, {**late, "version": project2.cases.get().version})
    assert response.status_code == 200
    assert "补正期限须晚于今天。" in response.content.decode()
