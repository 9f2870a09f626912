"""节能验收备案回执 (issue 11): the authority records an acceptance filing (予以备案, at once or
after rectification) and the receipt is drafted in the documents workflow; the head signs it
off, the number comes from the authority's own receipt sequence, the worker renders it, the
public page verifies it and the owner receives it."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.models import DocKind, Draft, DraftState, NumberSequence
from review.models import Opinion
from supervision.models import Acceptance, AcceptanceState, Rectification
from supervision.services import acceptance as svc

from .conftest import acceptance_data, pdf_upload

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 2)


@pytest.fixture
def filed(approved_case, started, alice):
    case = started(approved_case())
    acceptance = svc.acceptance_file(
        case=case, by=alice, data=acceptance_data(case), report=pdf_upload(), today=TODAY
    )
    return acceptance


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(data: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "".join("".join(page.extract_text() or "" for page in pages).split())


def test_recording_a_filing_drafts_its_receipt_without_a_number(filed, bob):
    svc.acceptance_check(acceptance=filed, by=bob, outcome="recorded", note="资料齐全。")
    draft = Draft.objects.get(case=filed.case)
    assert (draft.kind, draft.state, draft.number) == (DocKind.FILING, DraftState.DRAFTING, "")
    assert draft.sections == {"paragraphs": ["资料齐全。"]}
    assert draft.drafted_by == bob
    assert not NumberSequence.objects.exists()
    assert not Opinion.objects.filter(case=filed.case).exists()


def test_ordering_rectification_drafts_nothing_until_it_is_closed(filed, bob, alice):
    later = timezone.localdate() + timedelta(days=30)
    svc.acceptance_check(
        acceptance=filed, by=bob, outcome="rectification", items=["更换电机"], deadline=later
    )
    assert not Draft.objects.filter(case=filed.case).exists()
    rect = Rectification.objects.get(case=filed.case)
    svc.rectification_report(rectification=rect, by=alice, report="已更换一级能效电机")
    svc.rectification_close(rectification=rect, by=bob, note="现场核查到位")
    assert Acceptance.objects.get(pk=filed.pk).state == AcceptanceState.RECORDED
    draft = Draft.objects.get(case=filed.case)
    assert (draft.kind, draft.sections["paragraphs"]) == (DocKind.FILING, ["现场核查到位"])


def test_page_check_then_api_sign_off_render_verify_and_the_owner_receives_it(
    filed, bob, helen, alice, carol, django_capture_on_commit_callbacks
):
    case = filed.case
    response = _client(bob).post(
        reverse("supervision:acceptance_check", args=[case.pk]),
        {"outcome": "recorded", "note": "验收材料齐全，予以备案。"},
    )
    assert response.status_code == 302
    draft = Draft.objects.get(case=case, kind=DocKind.FILING)
    bob_api, helen_api = _client(bob), _client(helen)
    assert bob_api.post(f"/api/v1/drafts/{draft.pk}/submit/").status_code == 200
    assert bob_api.post(f"/api/v1/drafts/{draft.pk}/sign/").status_code == 403  # heads only
    with django_capture_on_commit_callbacks(execute=True):
        signed = helen_api.post(f"/api/v1/drafts/{draft.pk}/sign/")
    assert signed.status_code == 200, signed.content
    draft.refresh_from_db()
    year = draft.signed_at.year
    prefix = case.authority.doc_prefix
    assert draft.number == f"{prefix}备〔{year}〕1号"  # the receipts' own sequence
    assert NumberSequence.objects.get(key=f"authority:{case.authority.code}:filing").last == 1
    opinion = Opinion.objects.get(pk=draft.opinion_id)
    assert (opinion.kind, opinion.state) == ("filing", "ready")
    text = _text(opinion.file.open("rb").read())
    for expected in (
        "节能验收备案的回执",
        "予以备案",
        draft.number,
        "2026年10月30日竣工",
        "熟料4500吨/日",
        "审查意见所列2项条件，已落实1项",
        "验收材料齐全，予以备案。",
        filed.report_sha256[:16],
    ):
        assert expected in text, expected
    actual = filed.comparison["actual"]["counted_tce"]
    assert f"{actual:,.2f}吨标准煤" in text
    # verification page: valid, its kind and number
    page = Client().get(f"/verify/{opinion.token}").content.decode()
    assert "有效" in page
    assert draft.number in page
    assert "节能验收予以备案" in page
    # the owner sees and downloads it; another organization does not
    assert (
        draft.number
        in _client(alice).get(reverse("projects:detail", args=[case.project_id])).content.decode()
    )
    download = reverse("review:opinion_download", args=[opinion.pk])
    assert _client(alice).get(download).status_code == 200
    assert _client(carol).get(download).status_code == 404


def test_receipt_numbers_do_not_touch_the_decision_sequence(filed, bob, helen):
    from documents import services

    svc.acceptance_check(acceptance=filed, by=bob, outcome="recorded")
    draft = Draft.objects.get(case=filed.case)
    services.draft_submit(draft=draft, by=bob)
    signed = services.draft_sign(draft=draft, by=helen)
    key = f"authority:{filed.case.authority.code}"
    assert signed.number.endswith(f"备〔{signed.signed_at.year}〕1号")
    assert not NumberSequence.objects.filter(key=key).exists()


def test_reviewers_elsewhere_cannot_see_or_edit_the_receipt_draft(filed, bob, frank, erin):
    svc.acceptance_check(acceptance=filed, by=bob, outcome="recorded")
    draft = Draft.objects.get(case=filed.case)
    for user in (frank, erin):
        client = _client(user)
        assert client.get(f"/api/v1/drafts/{draft.pk}/").status_code == 404
        patched = client.patch(
            f"/api/v1/drafts/{draft.pk}/",
            {"sections": {"paragraphs": ["x"]}},
            content_type="application/json",
        )
        assert patched.status_code == 404
    draft.refresh_from_db()
    assert draft.revision == 1
