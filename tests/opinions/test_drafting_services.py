"""The drafting workflow 拟稿 → 核稿 → 签发 through documents.services: the reviewer edits a
draft's text (never its figures), the authority's head returns it (versions kept) or signs it
off, and only then is the number taken; permissions across authorities. The `draft` fixture is
in tests/opinions/conftest.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from authorities.models import Authority
from documents import services
from documents.models import DraftState, NumberSequence
from review.documents import opinion_issue
from review.models import CaseEvent, Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reuse_rendered_pdf")]


# --- services --------------------------------------------------------------------------------
def test_a_decision_opens_a_draft_with_the_cases_conditions_and_standard_requirements(draft):
    assert draft.state == DraftState.DRAFTING
    assert draft.sections["conditions"] == [
        "余热发电系统与熟料线同步建成投运。",
        "建立能源管理体系并接入重点用能单位能耗在线监测系统。",
    ]
    assert any("节能验收" in r for r in draft.sections["requirements"])
    assert list(draft.versions.values_list("action", flat=True)) == ["opened"]
    assert CaseEvent.objects.filter(case=draft.case, action="document_drafted").exists()


def test_edit_return_and_sign_off_keep_every_version_and_number_only_at_sign_off(draft, bob, helen):
    edited = services.draft_edit(
        draft=draft,
        by=bob,
        sections={"conditions": ["余热发电系统与熟料线同步建成投运。", "三年内完成能源审计。"]},
        expected_revision=1,
    )
    assert edited.revision == 2
    services.draft_submit(draft=edited, by=bob)
    returned = services.draft_return(draft=edited, by=helen, note="请补充能源审计的具体期限。")
    assert returned.state == DraftState.RETURNED
    assert returned.number == ""
    assert not Opinion.objects.exists()
    services.draft_edit(
        draft=returned,
        by=bob,
        sections={"conditions": ["余热发电系统与熟料线同步建成投运。", "2027年底前完成能源审计。"]},
    )
    services.draft_submit(draft=returned, by=bob)
    assert not NumberSequence.objects.exists()
    signed = services.draft_sign(draft=returned, by=helen)
    assert signed.state == DraftState.SIGNED
    assert signed.number == f"苏发改能审〔{signed.signed_at.year}〕1号"
    assert signed.opinion.number == signed.number
    assert signed.signed_by == helen
    actions = list(signed.versions.order_by("id").values_list("action", "revision"))
    assert actions == [
        ("opened", 1),
        ("edited", 2),
        ("submitted", 2),
        ("returned", 2),
        ("edited", 3),
        ("submitted", 3),
        ("signed", 3),
    ]
    from review.models import Notice

    assert Notice.objects.filter(user=helen, message__contains="待核稿签发").count() == 2
    returned_version = signed.versions.get(action="returned")
    assert returned_version.note == "请补充能源审计的具体期限。"
    assert returned_version.sections["conditions"][1] == "三年内完成能源审计。"
    events = set(CaseEvent.objects.filter(case=draft.case).values_list("action", flat=True))
    assert {
        "document_drafted",
        "document_edited",
        "document_submitted",
        "document_returned",
        "document_signed",
    } <= events


def test_figures_are_not_editable(draft, bob):
    with pytest.raises(ValidationError) as excinfo:
        services.draft_edit(draft=draft, by=bob, sections={"counted_tce": ["1"]})
    assert "sections" in excinfo.value.message_dict
    draft.refresh_from_db()
    assert draft.revision == 1


def test_limits_name_the_field_and_change_nothing(draft, bob):
    with pytest.raises(ValidationError) as excinfo:
        services.draft_edit(draft=draft, by=bob, sections={"conditions": ["长" * 501]})
    assert "conditions.1" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.draft_edit(draft=draft, by=bob, sections={"paragraphs": ["段"] * 31})
    assert "paragraphs" in excinfo.value.message_dict
    draft.refresh_from_db()
    assert draft.revision == 1
    assert draft.versions.count() == 1


def test_a_stale_revision_is_a_conflict(draft, bob):
    services.draft_edit(draft=draft, by=bob, sections={"paragraphs": ["一"]}, expected_revision=1)
    with pytest.raises(services.DraftConflict):
        services.draft_edit(
            draft=draft, by=bob, sections={"paragraphs": ["二"]}, expected_revision=1
        )


def test_only_the_head_signs_or_returns_and_a_signed_draft_is_frozen(draft, bob, helen, dana):
    services.draft_submit(draft=draft, by=bob)
    for user in (bob, dana):
        with pytest.raises(PermissionDenied):
            services.draft_sign(draft=draft, by=user)
        with pytest.raises(PermissionDenied):
            services.draft_return(draft=draft, by=user, note="不行")
    with pytest.raises(ValidationError):  # not editable while with the head
        services.draft_edit(draft=draft, by=bob, sections={"paragraphs": ["改"]})
    services.draft_sign(draft=draft, by=helen)
    with pytest.raises(ValidationError):
        services.draft_sign(draft=draft, by=helen)
    assert Opinion.objects.count() == 1


def test_the_head_of_another_authority_cannot_sign(make_case, bob, helen):
    suzhou = Authority.objects.get(code="3205")
    suzhou.reviewers.add(bob)
    draft = opinion_issue(case=make_case(authority=suzhou), kind="approval")
    services.draft_submit(draft=draft, by=bob)
    with pytest.raises(PermissionDenied):  # helen heads the province, not Suzhou
        services.draft_sign(draft=draft, by=helen)
    head = User.objects.create_user("suzhou_head")
    suzhou.heads.add(head)
    assert services.draft_sign(draft=draft, by=head).number.startswith("苏州发改能审〔")


def test_an_applicant_cannot_edit(draft, alice):
    with pytest.raises(PermissionDenied):
        services.draft_edit(draft=draft, by=alice, sections={"paragraphs": ["改"]})


def test_a_correction_notice_needs_at_least_one_item(make_case, bob):
    draft = opinion_issue(case=make_case(), kind="correction")
    assert draft.sections["items"] == []
    with pytest.raises(ValidationError) as excinfo:
        services.draft_submit(draft=draft, by=bob)
    assert "items" in excinfo.value.message_dict
    services.draft_edit(draft=draft, by=bob, sections={"items": ["补充能源计量器具配备方案。"]})
    assert services.draft_submit(draft=draft, by=bob).state == DraftState.CHECKING
