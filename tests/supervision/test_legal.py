"""Penalty legal bases: each kind cites its article of the 2023《办法》; an article not checked
against a copy of the published text is shown with a plain note, never asserted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from review.models import CaseEvent, Notice
from supervision.legal import MEASURES_2023, PENALTY_BASES, UNVERIFIED_NOTE, citation
from supervision.services import inspections as svc

NOTE = str(UNVERIFIED_NOTE)


@pytest.mark.parametrize(
    ("key", "article", "subject"),
    [
        ("m2023_a11_split", "第十一条", "拆分或合并项目"),
        ("m2023_unreviewed", "第二十三条", "擅自开工建设"),  # not 第二十七条 (earlier error)
        # inferred from the chapter's order, unverified (supervision/legal.py)
        ("m2023_fraud", "第二十四条", "撤销节能审查意见"),
        ("m2023_conditions", "第二十五条", "未落实节能审查意见"),
        ("m2023_acceptance", "第二十六条", "节能验收"),
    ],
)
def test_each_penalty_kind_cites_its_article(key, article, subject):
    basis = PENALTY_BASES[key]
    assert basis.article == article
    assert basis.citation == f"{MEASURES_2023}{article}：{basis.summary}"
    assert subject in basis.summary


def test_only_checked_articles_are_verified_and_each_names_its_source():
    verified = {k for k, b in PENALTY_BASES.items() if b.verified}
    # Only these two were found in copies of the 2023 text (supervision/legal.py).
    assert verified == {"m2023_a11_split", "m2023_unreviewed"}
    for basis in PENALTY_BASES.values():
        assert bool(basis.source) == basis.verified
        if basis.verified:
            assert basis.source.startswith("http")


def test_an_unverified_basis_is_shown_with_the_note_a_verified_one_without():
    split, fraud = PENALTY_BASES["m2023_a11_split"], PENALTY_BASES["m2023_fraud"]
    assert split.label == split.citation
    assert NOTE not in split.label
    assert fraud.label == fraud.citation + NOTE
    assert fraud.article_label == "第二十四条" + NOTE
    assert citation("m2023_fraud") == fraud.label
    assert citation("unknown") == "unknown"


def test_the_penalty_form_marks_each_unverified_choice(approved_case, bob_client):
    case = approved_case()
    page = bob_client.get(reverse("supervision:penalty", args=[case.pk])).content.decode()
    for basis in PENALTY_BASES.values():
        assert basis.citation in page
    assert page.count(NOTE) == sum(not b.verified for b in PENALTY_BASES.values())
    # and in plain sight under the list, where a long choice is cut off on a phone
    assert "第二十四条、第二十五条、第二十六条的条款序号及内容尚未与公布的原文核对" in page


def _record(case, bob, basis: str):
    return svc.penalty_record(
        case=case,
        by=bob,
        basis=basis,
        measure="责令限期整改",
        amount_yuan=Decimal("50000"),
        decided_on=timezone.localdate(),
        description="未落实节能审查意见",
    )


def test_an_unverified_basis_carries_the_note_into_event_notice_page_and_api(
    approved_case, bob, alice, alice_client, bob_client
):
    case = approved_case()
    _record(case, bob, "m2023_conditions")
    event = CaseEvent.objects.get(case=case, action="sv_penalty")
    assert event.reason.endswith(PENALTY_BASES["m2023_conditions"].label)
    assert event.data["verified"] is False
    notice = Notice.objects.filter(user=alice, case=case).latest("pk")
    assert f"第二十五条{NOTE}" in notice.message
    for client in (bob_client, alice_client):
        page = client.get(reverse("supervision:case", args=[case.pk])).content.decode()
        assert "m2023_conditions" not in page  # the key is never shown
        assert PENALTY_BASES["m2023_conditions"].citation in page
        assert NOTE in page
        assert "50,000.00" in page
    api = APIClient()
    api.force_authenticate(bob)
    body = api.post(
        reverse("api-sv-penalty", args=[case.pk]),
        {
            "basis": "m2023_fraud",
            "measure": "撤销节能审查意见",
            "decided_on": timezone.localdate().isoformat(),
            "description": "拆分项目通过审查",
        },
        format="json",
    ).json()
    assert body["verified"] is False
    assert body["citation"] == PENALTY_BASES["m2023_fraud"].label


def test_a_verified_basis_is_cited_without_the_note(approved_case, bob, alice, bob_client):
    case = approved_case()
    _record(case, bob, "m2023_a11_split")
    event = CaseEvent.objects.get(case=case, action="sv_penalty")
    assert event.reason.endswith(PENALTY_BASES["m2023_a11_split"].citation)
    assert NOTE not in event.reason
    assert NOTE not in Notice.objects.filter(user=alice, case=case).latest("pk").message
    page = bob_client.get(reverse("supervision:case", args=[case.pk])).content.decode()
    assert PENALTY_BASES["m2023_a11_split"].citation in page
    assert NOTE not in page
