"""Document numbers: `<short>发改能审〔<year>〕<n>号`, gap-free per authority and year."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from review.documents import (
    authority_for,
    document_number_allocate,
    document_number_format,
    opinion_issue,
)
from review.models import DocumentNumberCounter, Opinion

pytestmark = pytest.mark.django_db


def _issue_on(case, kind: str, day: date) -> Opinion:
    # The render task is queued on commit; these tests are about numbers, so it is not run.
    with mock.patch("review.documents.timezone.localdate", return_value=day):
        return opinion_issue(case=case, kind=kind)


def test_authority_and_number_form_come_from_provinces_csv():
    authority = authority_for(province="32")
    assert authority.short == "苏"
    assert authority.name == "江苏省发展和改革委员会"
    assert authority.name_short == "江苏省发展改革委"
    assert document_number_format(authority=authority, year=2026, sequence=12) == (
        "苏发改能审〔2026〕12号"
    )


def test_sequential_issues_are_numbered_1_2_3(make_case):
    day = date(2026, 5, 6)
    numbers = [_issue_on(make_case(kind), kind, day).number for kind in SCENARIO_ORDER]
    assert numbers == ["苏发改能审〔2026〕1号", "苏发改能审〔2026〕2号", "苏发改能审〔2026〕3号"]
    opinions = Opinion.objects.order_by("pk")
    assert [o.state for o in opinions] == ["pending"] * 3
    assert [o.version for o in opinions] == [1, 1, 1]
    assert DocumentNumberCounter.objects.get(authority="32", year=2026).last == 3


SCENARIO_ORDER = ("approval", "rejection", "deferral")


def test_each_province_and_year_has_its_own_sequence(make_case):
    js_2026 = _issue_on(make_case(), "approval", date(2026, 12, 31))
    zj_2026 = _issue_on(make_case(region="330106"), "approval", date(2026, 12, 31))
    js_2027 = _issue_on(make_case(), "approval", date(2027, 1, 1))
    js_2026_b = _issue_on(make_case(), "approval", date(2026, 12, 31))
    assert js_2026.number == "苏发改能审〔2026〕1号"
    assert zj_2026.number == "浙发改能审〔2026〕1号"
    assert js_2027.number == "苏发改能审〔2027〕1号"
    assert js_2026_b.number == "苏发改能审〔2026〕2号"
    assert js_2027.issued_on == date(2027, 1, 1)


def test_a_rolled_back_decision_gives_its_number_back(make_case):
    day = date(2026, 5, 6)
    case = make_case()

    def decide_then_fail() -> None:
        with transaction.atomic():
            _issue_on(case, "approval", day)
            raise RuntimeError("decision failed after numbering")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not Opinion.objects.exists()
    assert _issue_on(case, "approval", day).number == "苏发改能审〔2026〕1号"


def test_render_is_queued_only_after_commit(make_case, django_capture_on_commit_callbacks):
    case = make_case()
    with (
        mock.patch("review.tasks.opinion_render_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        opinion = opinion_issue(case=case, kind="approval")
        assert not delay.called
    assert len(callbacks) == 1
    with mock.patch("review.tasks.opinion_render_task.delay") as delay:
        callbacks[0]()
    delay.assert_called_once_with(opinion.pk)


def test_unknown_kind_is_a_field_error_and_uses_no_number(make_case):
    case = make_case()
    with pytest.raises(ValidationError) as excinfo:
        opinion_issue(case=case, kind="approve")
    assert "kind" in excinfo.value.message_dict
    assert not Opinion.objects.exists()
    assert not DocumentNumberCounter.objects.exists()


def test_province_without_authority_is_a_field_error(make_case):
    case = make_case()
    case.province = "71"
    with pytest.raises(ValidationError) as excinfo:
        opinion_issue(case=case, kind="approval")
    assert "province" in excinfo.value.message_dict
    assert not Opinion.objects.exists()


def test_allocate_creates_the_counter_then_increments(db):
    with transaction.atomic():
        assert document_number_allocate(authority="44", year=2026) == 1
        assert document_number_allocate(authority="44", year=2026) == 2
    assert DocumentNumberCounter.objects.get(authority="44", year=2026).last == 2
