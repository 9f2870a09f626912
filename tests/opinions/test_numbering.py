"""Document numbers: taken only at sign-off (签发), gap-free per issuing authority and year, in
the authority's form (`苏发改能审〔2026〕1号`, `苏州发改能审〔2026〕1号`)."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from authorities.models import Authority
from documents import services
from documents.models import Draft, NumberSequence
from documents.numbering import issuer_for, number_format, sequence_next
from review.documents import opinion_issue
from review.models import Opinion

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_on(bob, helen):
    """Open, send and sign off a case's document on `day` (the render task is not run)."""

    def run(case, kind: str, day: date, *, head: User | None = None) -> Draft:
        draft = opinion_issue(case=case, kind=kind)
        draft = services.draft_submit(draft=draft, by=bob)
        return services.draft_sign(draft=draft, by=head or helen, today=day)

    return run


def test_the_legacy_form_comes_from_provinces_csv(make_case):
    case = make_case()
    issuer = issuer_for(case)
    assert issuer.name == "江苏省发展和改革委员会"
    assert issuer.name_short == "江苏省发展改革委"
    assert number_format(issuer=issuer, year=2026, sequence=12) == "苏发改能审〔2026〕12号"


def test_a_case_with_an_authority_uses_its_doc_prefix(make_case):
    suzhou = Authority.objects.get(code="3205")
    case = make_case(authority=suzhou)
    issuer = issuer_for(case)
    assert issuer.name == "苏州市发展和改革委员会"
    assert number_format(issuer=issuer, year=2026, sequence=3) == "苏州发改能审〔2026〕3号"


def test_opening_a_draft_takes_no_number(make_case):
    draft = opinion_issue(case=make_case(), kind="approval")
    assert draft.number == ""
    assert draft.display_number == "待签发"
    assert not Opinion.objects.exists()
    assert not NumberSequence.objects.exists()


def test_sequential_sign_offs_are_numbered_1_2_3(make_case, sign_on):
    day = date(2026, 5, 6)
    drafts = [sign_on(make_case(kind), kind, day) for kind in ("approval", "rejection", "deferral")]
    assert [d.number for d in drafts] == [
        "苏发改能审〔2026〕1号",
        "苏发改能审〔2026〕2号",
        "苏发改能审〔2026〕3号",
    ]
    opinions = Opinion.objects.order_by("pk")
    assert [o.state for o in opinions] == ["pending"] * 3
    assert [o.number for o in opinions] == [d.number for d in drafts]
    assert NumberSequence.objects.get(key="province:32", year=2026).last == 3


def test_numbers_follow_the_order_of_sign_off_not_of_drafting(make_case, bob, helen):
    first = opinion_issue(case=make_case(), kind="approval")
    second = opinion_issue(case=make_case(), kind="approval")
    for draft in (first, second):
        services.draft_submit(draft=draft, by=bob)
    services.draft_sign(draft=second, by=helen, today=date(2026, 5, 6))
    services.draft_sign(draft=first, by=helen, today=date(2026, 5, 7))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == ("苏发改能审〔2026〕1号", "苏发改能审〔2026〕2号")


def test_each_authority_and_year_has_its_own_sequence(make_case, sign_on, helen):
    suzhou = Authority.objects.get(code="3205")
    suzhou_head = User.objects.create_user("suzhou_head")
    suzhou.heads.add(suzhou_head)
    suzhou.reviewers.add(User.objects.get(username="bob"))
    js_2026 = sign_on(make_case(), "approval", date(2026, 12, 31))
    sz_2026 = sign_on(make_case(authority=suzhou), "approval", date(2026, 12, 31), head=suzhou_head)
    js_2027 = sign_on(make_case(), "approval", date(2027, 1, 1))
    js_2026_b = sign_on(make_case(), "approval", date(2026, 12, 31))
    assert js_2026.number == "苏发改能审〔2026〕1号"
    assert sz_2026.number == "苏州发改能审〔2026〕1号"
    assert js_2027.number == "苏发改能审〔2027〕1号"
    assert js_2026_b.number == "苏发改能审〔2026〕2号"
    assert js_2027.opinion.issued_on == date(2027, 1, 1)


def test_a_rolled_back_sign_off_gives_its_number_back(make_case, bob, helen):
    day = date(2026, 5, 6)
    draft = services.draft_submit(draft=opinion_issue(case=make_case(), kind="approval"), by=bob)

    def sign_then_fail() -> None:
        with transaction.atomic():
            services.draft_sign(draft=draft, by=helen, today=day)
            raise RuntimeError("failed after numbering")

    with pytest.raises(RuntimeError):
        sign_then_fail()
    assert not Opinion.objects.exists()
    assert services.draft_sign(draft=draft, by=helen, today=day).number == "苏发改能审〔2026〕1号"


def test_render_is_queued_only_after_the_sign_off_commits(
    make_case, bob, helen, django_capture_on_commit_callbacks
):
    draft = services.draft_submit(draft=opinion_issue(case=make_case(), kind="approval"), by=bob)
    with (
        mock.patch("review.documents.opinion_render") as render,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        draft = services.draft_sign(draft=draft, by=helen)
        assert not render.called
    assert len(callbacks) == 1  # the render message goes out only once the sign-off commits
    assert draft.opinion.state == Opinion.State.PENDING
    callbacks[0]()  # eager in tests: the worker's task runs here
    draft.opinion.refresh_from_db()
    assert draft.opinion.state == Opinion.State.READY


def test_unknown_kind_is_a_field_error_and_leaves_nothing(make_case):
    case = make_case()
    with pytest.raises(ValidationError) as excinfo:
        opinion_issue(case=case, kind="approve")
    assert "kind" in excinfo.value.message_dict
    assert not Draft.objects.exists()


def test_province_without_authority_is_a_field_error(make_case):
    case = make_case()
    case.province = "71"
    with pytest.raises(ValidationError) as excinfo:
        opinion_issue(case=case, kind="approval")
    assert "province" in excinfo.value.message_dict
    assert not Draft.objects.exists()


def test_sequence_creates_its_row_then_increments(db):
    with transaction.atomic():
        assert sequence_next(key="authority:44", year=2026) == 1
        assert sequence_next(key="authority:44", year=2026) == 2
    assert NumberSequence.objects.get(key="authority:44", year=2026).last == 2
