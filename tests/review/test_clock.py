"""Working days on China's official calendar, across the 2026 National Day holiday.

2026: Mid-Autumn Festival 25–27 September off; National Day 1–7 October off; Sunday 20 September
and Saturday 10 October are make-up working days (调休上班).
"""

from __future__ import annotations

from datetime import date

import pytest

from review import clock


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 20), True),  # Sunday, make-up working day
        (date(2026, 9, 25), False),  # Friday, Mid-Autumn Festival
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),  # Wednesday, still National Day
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, make-up working day
        (date(2026, 10, 11), False),
    ],
)
def test_official_calendar_2026(day, working):
    assert clock.is_working_day(day) is working
    assert clock.calendar_known(day)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # intake submitted Monday 28 Sep: 29, 30 Sep, 8, 9 Oct, Saturday 10 Oct
        (date(2026, 9, 28), 5, date(2026, 10, 10)),
        # submitted Friday 18 Sep: Sunday 20 Sep counts, then 21-24 Sep
        (date(2026, 9, 18), 5, date(2026, 9, 24)),
        # the day after 24 Sep: the Mid-Autumn weekend is skipped
        (date(2026, 9, 24), 1, date(2026, 9, 28)),
        # decision accepted 28 Sep: 20 working days end on Friday 30 Oct
        (date(2026, 9, 28), 20, date(2026, 10, 30)),
        # with the one extension of 10: Friday 13 Nov
        (date(2026, 9, 28), 30, date(2026, 11, 13)),
        (date(2026, 10, 3), 0, date(2026, 10, 3)),
    ],
)
def test_add_working_days_across_national_day(start, count, expected):
    assert clock.add_working_days(start, count) == expected


def test_add_working_days_rejects_negative_counts():
    with pytest.raises(ValueError, match="count"):
        clock.add_working_days(date(2026, 10, 8), -1)


def test_working_days_between_counts_the_end_not_the_start():
    assert clock.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert clock.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert clock.working_days_between(date(2026, 10, 10), date(2026, 10, 9)) == 0


def test_beyond_the_calendar_data_monday_to_friday_is_assumed():
    # The package knows 2026 at most; 1 January 2027 is a Friday and counts as a working day
    # until the State Council's 2027 arrangement is in the data.
    assert not clock.calendar_known(date(2027, 1, 1))
    assert clock.is_working_day(date(2027, 1, 1))
    assert not clock.is_working_day(date(2027, 1, 2))
    # 29, 30, 31 Dec (official data), 1 Jan (fallback), Monday 4 Jan
    assert clock.add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 4)


def test_clock_view_running_days_left_and_overdue():
    deadline = date(2026, 10, 10)
    view = clock.clock_view(
        phase="intake", deadline=deadline, paused_since=None, today=date(2026, 9, 30)
    )
    assert (view.days_left, view.overdue, view.running) == (3, False, True)
    due = clock.clock_view(phase="intake", deadline=deadline, paused_since=None, today=deadline)
    assert (due.days_left, due.overdue) == (0, False)
    sunday = clock.clock_view(
        phase="intake", deadline=deadline, paused_since=None, today=date(2026, 10, 11)
    )
    assert (sunday.overdue, sunday.overdue_days) == (True, 0)
    monday = clock.clock_view(
        phase="intake", deadline=deadline, paused_since=None, today=date(2026, 10, 12)
    )
    assert (monday.overdue, monday.overdue_days, monday.days_left) == (True, 1, -1)


def test_clock_view_paused_freezes_days_left_and_is_never_overdue():
    view = clock.clock_view(
        phase="paused",
        deadline=date(2026, 10, 10),
        paused_since=date(2026, 9, 29),
        today=date(2026, 12, 1),
    )
    assert (view.paused, view.overdue, view.days_left) == (True, False, 4)


def test_clock_view_stopped_shows_nothing_due():
    view = clock.clock_view(
        phase="", deadline=date(2026, 10, 10), paused_since=None, today=date(2026, 12, 1)
    )
    assert (view.days_left, view.overdue, view.running) == (None, False, False)


def test_clock_view_flags_estimated_deadlines():
    view = clock.clock_view(
        phase="decision", deadline=date(2027, 1, 8), paused_since=None, today=date(2026, 12, 1)
    )
    assert view.estimated
