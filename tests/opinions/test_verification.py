"""The public verification page's status banner (有效 / 已撤销 / 已被变更文书替代 / 已失效), its
facts (owner, project, number, validity), revocation by the authority, and the not-found page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from documents import services
from documents.models import Revocation
from review.models import CaseEvent, CaseState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reuse_rendered_pdf")]


def _status(client, opinion) -> str:
    html = client.get(f"/verify/{opinion.token}").content.decode()
    marker = 'data-testid="status" data-status="'
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_a_valid_approval_shows_owner_project_number_and_validity(make_case, issue, client):
    opinion = issue(make_case())
    response = client.get(f"/verify/{opinion.token}")
    html = response.content.decode()
    assert _status(client, opinion) == "valid"
    until = opinion.issued_on.replace(year=opinion.issued_on.year + 2)
    for text in (
        "有效",
        "苏州东吴水泥有限公司",
        "苏州东吴水泥熟料生产线技改项目",
        opinion.number,
        f"{until.year}年{until.month}月{until.day}日",
    ):
        assert text in html, text
    assert 'data-testid="revoke"' not in html  # anonymous readers cannot revoke


def test_the_head_revokes_with_a_reason_and_the_page_says_so(make_case, issue, client, helen):
    opinion = issue(make_case())
    client.force_login(helen)
    assert 'data-testid="revoke"' in client.get(f"/verify/{opinion.token}").content.decode()
    empty = client.post(reverse("documents:revoke", kwargs={"pk": opinion.pk}), {"reason": ""})
    assert empty.status_code == 302
    assert not Revocation.objects.exists()
    response = client.post(
        reverse("documents:revoke", kwargs={"pk": opinion.pk}),
        {"reason": "建设单位以欺骗手段取得审查意见。"},
    )
    assert response.status_code == 302
    client.logout()
    html = client.get(f"/verify/{opinion.token}").content.decode()
    assert _status(client, opinion) == "revoked"
    assert "已撤销" in html
    assert "建设单位以欺骗手段取得审查意见。" in html
    event = CaseEvent.objects.get(case=opinion.case, action="document_revoked")
    assert event.actor == helen


@pytest.mark.parametrize("persona", ["alice", "bob", "erin"])
def test_others_cannot_revoke(make_case, issue, request, persona):
    opinion = issue(make_case())
    client = request.getfixturevalue(f"{persona}_client")
    response = client.post(
        reverse("documents:revoke", kwargs={"pk": opinion.pk}), {"reason": "试图撤销"}
    )
    assert response.status_code in (403, 404)
    api = client.post(
        reverse("api-document-revoke", kwargs={"pk": opinion.pk}),
        {"reason": "试图撤销"},
        content_type="application/json",
    )
    assert api.status_code in (403, 404)
    assert not Revocation.objects.exists()


def test_api_revocation_and_its_field_error(make_case, issue, helen):
    from django.test import Client

    opinion = issue(make_case())
    client = Client()
    client.force_login(helen)
    url = reverse("api-document-revoke", kwargs={"pk": opinion.pk})
    bad = client.post(url, {"reason": ""}, content_type="application/json")
    assert bad.status_code == 400
    assert "reason" in bad.json()["errors"]
    assert client.post(url, {"reason": "撤销"}, content_type="application/json").status_code == 204
    again = client.post(url, {"reason": "再撤销"}, content_type="application/json")
    assert again.status_code == 400
    assert Revocation.objects.get().reason == "撤销"


def test_an_approval_superseded_by_a_change_letter(make_case, issue, client):
    approval = issue(make_case())
    change = issue(approval.case, "change")
    assert _status(client, approval) == "superseded"
    assert change.number in client.get(f"/verify/{approval.token}").content.decode()
    assert _status(client, change) == "valid"


def test_an_approval_past_its_validity_without_a_start_has_lapsed(make_case, issue, client):
    opinion = issue(make_case())
    type(opinion).objects.filter(pk=opinion.pk).update(
        issued_on=opinion.issued_on - timedelta(days=2 * 366)
    )
    assert _status(client, opinion) == "expired"
    opinion.case.state = CaseState.EXPIRED
    opinion.case.save(update_fields=["state"])
    assert "已失效" in client.get(f"/verify/{opinion.token}").content.decode()


def test_unknown_tokens_get_a_plain_chinese_not_found_page(client):
    response = client.get(f"/verify/{uuid.uuid4()}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到文书" in html
    assert "Traceback" not in html


def test_receipt_is_issued_at_once_in_its_own_sequence(make_case, dana, sign_pending):
    case = make_case()
    first = services.receipt_issue(case=case, by=dana)
    decision = sign_pending(make_case())
    assert first.number.startswith("苏发改能审受〔")
    assert first.number.endswith("〕1号")
    assert decision.number.endswith("〕1号")  # decisions keep their own sequence
    assert first.kind == "receipt"
