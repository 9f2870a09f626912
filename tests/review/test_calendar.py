"""The admin-maintained calendar (issue 10): a year's official schedule entered in the admin
site is used before the package's data; deadlines computed without an official schedule for
their year are marked as estimates everywhere, and computed again once the year is entered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.urls import reverse

from review import clock, holidays, services
from review.admin import CalendarYearForm
from review.models import CalendarYear, Notice

from .conftest import under_review

pytestmark = pytest.mark.django_db

NEW_YEAR_2027 = ["2027-01-01", "2027-01-02", "2027-01-03"]


@pytest.fixture(autouse=True)
def _forget_entered_years() -> Iterator[None]:
    """Rolled-back rows send no signal: forget the cached years after each test."""
    clock.official_years_reset()
    yield
    clock.official_years_reset()


def test_an_entered_year_is_used_before_the_fallback():
    assert not clock.calendar_known(date(2027, 1, 1))
    assert clock.is_working_day(date(2027, 1, 1))  # Friday: Mon–Fri fallback
    CalendarYear.objects.create(year=2027, holidays=NEW_YEAR_2027, workdays=["2027-02-20"])
    assert clock.calendar_known(date(2027, 1, 1))
    assert not clock.is_working_day(date(2027, 1, 1))  # 元旦
    assert clock.is_working_day(date(2027, 2, 20))  # a Saturday made a working day
    assert clock.is_working_day(date(2027, 1, 4))
    assert not clock.is_working_day(date(2027, 1, 9))  # an ordinary Saturday


def test_an_entered_year_takes_precedence_over_the_package():
    # 2026 is in the package (1 Oct off); an admin correction wins
    CalendarYear.objects.create(year=2026, holidays=[], workdays=[])
    assert clock.is_working_day(date(2026, 10, 1))


def test_estimated_deadlines_are_marked_and_recomputed_when_the_year_is_entered(
    make_case, bob, alice, bob_client, django_capture_on_commit_callbacks
):
    case = under_review(make_case(opened_on=date(2026, 12, 24)), by=bob, today=date(2026, 12, 28))
    # 29-31 Dec, then 2027 on Mon–Fri: 1 Jan counted, 20th working day Monday 25 Jan
    assert (case.deadline, case.deadline_estimated) == (date(2027, 1, 25), True)
    assert case.events.get(action="accept").data["deadline_estimated"] is True
    html = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert "估算" in html
    api = bob_client.get(f"/api/v1/cases/{case.pk}/").json()
    assert api["clock"]["estimated"] is True
    assert api["deadline_estimated"] is True
    notice = Notice.objects.filter(user=alice, case=case, message__contains="受理").first()
    assert "估算" in notice.message
    # the State Council's schedule is published and entered: 元旦 1–3 Jan 2027
    with django_capture_on_commit_callbacks(execute=True):
        form = CalendarYearForm(
            data={
                "year": 2027,
                "holidays": "\n".join(NEW_YEAR_2027),
                "workdays": "",
                "source": "国办发明电〔2026〕X号",
            }
        )
        assert form.is_valid(), form.errors
        form.save()
    case.refresh_from_db()
    assert (case.deadline, case.deadline_estimated) == (date(2027, 1, 26), False)
    event = case.events.get(action="recompute_deadline")
    assert (event.actor, event.data["previous_deadline"]) == (None, "2027-01-25")
    html = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert "按官方节假日安排重新计算期限" in html
    assert holidays.deadlines_recompute() == 0  # nothing left to change


def test_the_admin_form_names_bad_dates_and_keeps_history(dana_client):
    form = CalendarYearForm(
        data={
            "year": 2027,
            "holidays": "2027-01-01\n2027-13-01\n2026-12-31",
            "workdays": "2027-01-04",
        }
    )
    assert form.is_valid() is False
    assert "2027-13-01" in " ".join(form.errors["holidays"])
    assert "不在2027年" in " ".join(form.errors["holidays"])
    assert "周末" in " ".join(form.errors["workdays"])
    assert not CalendarYear.objects.exists()
    response = dana_client.post(
        reverse("admin:review_calendaryear_add"),
        {
            "year": 2027,
            "holidays": "2027-01-01, 2027-02-11",
            "workdays": "2027-02-20",
            "source": "x",
        },
    )
    assert response.status_code == 302
    row = CalendarYear.objects.get(year=2027)
    assert row.holidays == ["2027-01-01", "2027-02-11"]
    assert row.history.count() == 1
    assert (
        dana_client.get(reverse("admin:review_calendaryear_change", args=[row.pk])).status_code
        == 200
    )


def test_a_deadline_within_known_years_is_not_an_estimate(make_case, bob):
    case = make_case(opened_on=date(2026, 9, 28))
    assert case.deadline_estimated is False
    assert services.intake_deem_accepted(today=date(2026, 10, 12)) == 1
    case.refresh_from_db()
    assert case.deadline_estimated is False
