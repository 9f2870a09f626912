"""退回补正 drafts the 补正通知书 (issue 11): every structured item listed, the reviewer edits its
free text, the head signs it off, the number comes from the authority's sequence, the worker
renders it and the applicant receives it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from authorities.models import Authority
from documents import services
from documents.models import DocKind, Draft, DraftState, NumberSequence
from review import services as review_services
from review.correction_models import CorrectionRound
from review.models import CaseEvent, CaseState, Opinion
from tests.opinions.conftest import pdf_text

pytestmark = pytest.mark.django_db

ITEMS = [
    {"item": "能源消费量计算附表", "detail": "补充分品种折标系数及其依据"},
    {"item": "能耗替代来源的核实材料", "detail": ""},
    "项目备案证明｜须为投资项目在线审批监管平台出具的文件",
]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def returned(make_case: Any, bob: User) -> Any:
    case = make_case(
        state=CaseState.SUBMITTED,
        decided_at=None,
        decision_reason="",
        conditions="",
        authority=Authority.objects.get(code="32"),
    )
    return review_services.case_return_for_correction(
        case=case, by=bob, items=ITEMS, reason="材料不全", expected_version=case.version
    )


def test_the_return_drafts_a_correction_notice_listing_every_item(returned, bob):
    draft = Draft.objects.get(case=returned, kind=DocKind.CORRECTION)
    assert (draft.state, draft.number, draft.drafted_by) == (DraftState.DRAFTING, "", bob)
    assert draft.sections["items"] == [
        "能源消费量计算附表：补充分品种折标系数及其依据",
        "能耗替代来源的核实材料",
        "项目备案证明：须为投资项目在线审批监管平台出具的文件",
    ]
    assert not Opinion.objects.filter(case=returned).exists()
    assert not NumberSequence.objects.exists()  # no number before sign-off
    actions = list(returned.events.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["return_for_correction", "document_drafted"]


def test_a_refused_return_leaves_no_draft(make_case, bob):
    case = make_case(state=CaseState.SUBMITTED, decided_at=None)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        review_services.case_return_for_correction(case=case, by=bob, items=[" "])
    assert not Draft.objects.exists()
    assert not CaseEvent.objects.filter(case=case, action="document_drafted").exists()


def test_edit_sign_off_number_render_and_the_applicant_receives_it(
    returned, bob, helen, alice, carol, django_capture_on_commit_callbacks
):
    draft = Draft.objects.get(case=returned, kind=DocKind.CORRECTION)
    # the reviewer edits the free text and an item through the API (figures are not editable)
    api = _client(bob)
    url = reverse("api-draft-detail", kwargs={"pk": draft.pk})
    edited = api.patch(
        url,
        {"sections": {"paragraphs": ["补正材料请加盖单位公章后上传。"]}, "revision": 1},
        content_type="application/json",
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["sections"]["items"] == draft.sections["items"]
    emptied = api.patch(url, {"sections": {"items": []}}, content_type="application/json")
    assert emptied.status_code == 400
    assert "items" in emptied.json()["errors"]
    # 核稿 → 签发 through the pages: only the head signs; the number is taken at sign-off
    page = _client(bob)
    assert page.post(reverse("documents:draft_submit", args=[draft.pk])).status_code == 302
    assert page.post(reverse("documents:draft_sign", args=[draft.pk])).status_code in (403, 302)
    draft.refresh_from_db()
    assert (draft.state, draft.number) == (DraftState.CHECKING, "")
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(helen).post(reverse("documents:draft_sign", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    year = draft.signed_at.year
    assert draft.number == f"苏发改能审〔{year}〕1号"
    assert NumberSequence.objects.get(key="authority:32", year=year).last == 1
    opinion = Opinion.objects.get(pk=draft.opinion_id)
    assert (opinion.kind, opinion.state, opinion.number) == ("correction", "ready", draft.number)
    # the rendered notice lists every item and the edited paragraph
    text = "".join(pdf_text(opinion.file.open("rb").read()).split())
    assert "节能报告补正材料的通知" in text
    for line in draft.sections["items"]:
        assert "".join(line.split()) in text, line
    assert "补正材料请加盖单位公章后上传" in text
    assert draft.number in text
    # the applicant sees and downloads it; another organization does not
    detail = _client(alice).get(reverse("projects:detail", args=[returned.project_id]))
    assert draft.number in detail.content.decode()
    download = reverse("review:opinion_download", args=[opinion.pk])
    got = _client(alice).get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content).startswith(b"%PDF")
    assert _client(carol).get(download).status_code == 404


def test_the_notice_and_a_later_decision_share_the_authoritys_sequence(
    returned, bob, helen, make_case, sign_pending
):
    draft = Draft.objects.get(case=returned, kind=DocKind.CORRECTION)
    services.draft_submit(draft=draft, by=bob)
    notice = services.draft_sign(draft=draft, by=helen)
    approval = sign_pending(make_case(authority=Authority.objects.get(code="32")))
    assert notice.number.endswith("〕1号")
    assert approval.number.endswith("〕2号")
    assert approval.number.startswith("苏发改能审〔")


def test_another_authoritys_reviewer_cannot_edit_the_notice(returned, grace_user):
    draft = Draft.objects.get(case=returned, kind=DocKind.CORRECTION)
    response = _client(grace_user).patch(
        reverse("api-draft-detail", kwargs={"pk": draft.pk}),
        {"sections": {"paragraphs": ["x"]}},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.revision == 1


@pytest.fixture
def grace_user(personas: dict[str, User]) -> User:
    """A reviewer of 苏州市发展和改革委员会 (a city authority, not the case's)."""
    return personas["grace"]


def _pdftotext(data: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it, white space removed."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    out = subprocess.run(["pdftotext", "-", "-"], input=data, check=True, capture_output=True)
    return "".join(out.stdout.decode().split())


def test_the_notice_prints_the_answer_by_date_frozen_when_it_was_drafted(
    make_case, bob, helen, django_capture_on_commit_callbacks
):
    case = make_case(
        state=CaseState.SUBMITTED,
        decided_at=None,
        decision_reason="",
        conditions="",
        authority=Authority.objects.get(code="32"),
    )
    review_services.case_return_for_correction(
        case=case,
        by=bob,
        items=ITEMS,
        reason="材料不全",
        answer_by=date(2027, 1, 15),
        today=date(2026, 12, 16),
    )
    draft = Draft.objects.get(case=case, kind=DocKind.CORRECTION)
    assert draft.context == {"answer_by": "2027-01-15"}
    # a later change of the round's date does not reach the document drafted before it
    CorrectionRound.objects.filter(case=case).update(answer_by=date(2027, 2, 1))
    services.draft_submit(draft=draft, by=bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.draft_sign(draft=draft, by=helen)
    draft.refresh_from_db()
    opinion = Opinion.objects.get(pk=draft.opinion_id)
    assert opinion.state == "ready", opinion.error
    text = _pdftotext(opinion.file.open("rb").read())
    assert "请于2027年1月15日前提交补正材料" in text
    assert "2027年2月1日" not in text
