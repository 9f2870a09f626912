"""The drafting workflow through the pages and the API: edit, send, return and sign; drafts stay
internal to their authority; the draft list, the preview, the admin and the case page's links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from authorities.models import Authority
from documents.models import DraftState, DraftVersion
from review.documents import opinion_issue
from review.models import Opinion

from ._helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reuse_rendered_pdf")]


# --- pages -----------------------------------------------------------------------------------
def test_pages_edit_send_return_and_sign(draft, bob, helen):
    bob_client, helen_client = client_for(bob), client_for(helen)
    url = reverse("documents:draft", kwargs={"pk": draft.pk})
    page = bob_client.get(url)
    assert page.status_code == 200
    assert "余热发电系统与熟料线同步建成投运。" in page.content.decode()
    response = bob_client.post(
        reverse("documents:draft_edit", kwargs={"pk": draft.pk}),
        {
            "revision": 1,
            "conditions": "余热发电系统与熟料线同步建成投运。\n加装能源计量器具。",
            "requirements": "严格落实节能措施。",
            "paragraphs": "项目能效达到标杆水平。",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.revision) == (DraftState.CHECKING, 2)
    assert draft.sections["conditions"][1] == "加装能源计量器具。"
    assert draft.sections["requirements"] == ["严格落实节能措施。"]
    assert "draft-sign" not in bob_client.get(url).content.decode()
    assert (
        bob_client.post(reverse("documents:draft_sign", kwargs={"pk": draft.pk})).status_code == 403
    )
    empty = helen_client.post(
        reverse("documents:draft_return", kwargs={"pk": draft.pk}), {"note": ""}
    )
    assert empty.status_code == 400
    assert "errorlist" in empty.content.decode()
    helen_client.post(
        reverse("documents:draft_return", kwargs={"pk": draft.pk}), {"note": "改期限"}
    )
    draft.refresh_from_db()
    assert draft.state == DraftState.RETURNED
    assert "改期限" in bob_client.get(url).content.decode()
    bob_client.post(reverse("documents:draft_submit", kwargs={"pk": draft.pk}))
    assert not Opinion.objects.exists()
    response = helen_client.post(reverse("documents:draft_sign", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.SIGNED
    assert draft.number.startswith("苏发改能审〔")


def test_a_bad_edit_shows_the_field_error_and_keeps_the_draft(draft, bob):
    response = client_for(bob).post(
        reverse("documents:draft_edit", kwargs={"pk": draft.pk}),
        {"revision": 1, "conditions": "长" * 501, "requirements": "", "paragraphs": ""},
    )
    assert response.status_code == 400
    assert "超过500字" in response.content.decode()
    draft.refresh_from_db()
    assert draft.revision == 1


def test_drafts_are_internal_to_the_authority(draft, alice, carol, erin):
    for user in (alice, carol, erin):
        client = client_for(user)
        assert client.get(reverse("documents:draft", kwargs={"pk": draft.pk})).status_code == 404
        assert (
            client.get(reverse("documents:draft_preview", kwargs={"pk": draft.pk})).status_code
            == 404
        )
        assert client.get(reverse("api-draft-detail", kwargs={"pk": draft.pk})).status_code == 404


def test_the_reviewer_of_another_authority_sees_no_draft(make_case, personas):
    """grace reviews for Suzhou: the provincial commission's drafts are not hers."""
    provincial = Authority.objects.get(code="32")
    draft = opinion_issue(case=make_case(authority=provincial), kind="approval")
    grace = client_for(personas["grace"])
    assert grace.get(reverse("documents:draft", kwargs={"pk": draft.pk})).status_code == 404
    assert grace.get(reverse("api-draft-detail", kwargs={"pk": draft.pk})).status_code == 404
    assert grace.get(reverse("api-draft-list")).json() == []


def test_the_draft_list_is_one_query_per_page(make_case, bob, django_assert_num_queries):
    for _ in range(3):
        opinion_issue(case=make_case(), kind="approval")
    from documents.selectors import draft_list_for_user

    list(draft_list_for_user(user=bob))  # the user's roles and profile, cached on the user
    with django_assert_num_queries(1):
        drafts = list(draft_list_for_user(user=bob))
        assert {d.case.project.name for d in drafts}
    assert len(drafts) == 3
    page = client_for(bob).get(reverse("documents:drafts"))
    assert page.content.decode().count("data-draft=") == 3


def test_the_preview_is_the_same_pdf_marked_draft(draft, bob):
    response = client_for(bob).get(reverse("documents:draft_preview", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


# --- API -------------------------------------------------------------------------------------
def test_api_edit_return_and_sign(draft, bob, helen):
    bob_client, helen_client = client_for(bob), client_for(helen)
    url = reverse("api-draft-detail", kwargs={"pk": draft.pk})
    body = bob_client.get(url).json()
    assert body["state"] == "drafting"
    assert body["number"] == ""
    response = bob_client.patch(
        url,
        {"sections": {"paragraphs": ["能效达到标杆水平。"]}, "revision": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["revision"] == 2
    stale = bob_client.patch(
        url, {"sections": {"paragraphs": ["旧"]}, "revision": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    bad = bob_client.patch(url, {"sections": {"energy": ["1"]}}, content_type="application/json")
    assert bad.status_code == 400
    assert "sections" in bad.json()["errors"]
    assert bob_client.post(reverse("api-draft-submit", kwargs={"pk": draft.pk})).status_code == 200
    assert bob_client.post(reverse("api-draft-sign", kwargs={"pk": draft.pk})).status_code == 403
    returned = helen_client.post(
        reverse("api-draft-return", kwargs={"pk": draft.pk}),
        {"note": "请修改"},
        content_type="application/json",
    )
    assert returned.json()["state"] == "returned"
    bob_client.post(reverse("api-draft-submit", kwargs={"pk": draft.pk}))
    signed = helen_client.post(reverse("api-draft-sign", kwargs={"pk": draft.pk})).json()
    assert signed["state"] == "signed"
    assert signed["number"].startswith("苏发改能审〔")
    assert signed["opinion"]
    assert [v["action"] for v in signed["versions"]][:2] == ["signed", "submitted"]
    again = helen_client.post(reverse("api-draft-sign", kwargs={"pk": draft.pk}))
    assert again.status_code == 409
    assert DraftVersion.objects.filter(draft=draft).count() == 6


# --- admin and the case page -----------------------------------------------------------------
def test_admins_read_drafts_in_the_admin_without_changing_them(draft, dana, bob):
    dana_client = client_for(dana)
    listing = dana_client.get("/admin/documents/draft/")
    assert listing.status_code == 200
    assert "节能审查意见" in listing.content.decode()
    page = dana_client.get(f"/admin/documents/draft/{draft.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only
    assert client_for(bob).get("/admin/documents/draft/").status_code == 302


def test_the_case_page_links_its_drafts_for_the_authority_only(draft, bob, alice):
    url = reverse("review:case", args=[draft.case.pk])
    page = client_for(bob).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="case-drafts"' in body
    assert reverse("documents:draft", args=[draft.pk]) in body
    alice_page = client_for(alice).get(url)
    assert 'data-testid="case-drafts"' not in alice_page.content.decode()
