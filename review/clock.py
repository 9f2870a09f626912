"""Working-day arithmetic on China's official calendar (《行政许可法》第八十二条: statutory limits
are counted in working days, statutory holidays excluded).

The calendar is, first, the years admins enter (``review.models.CalendarYear``: the State
Council's schedule for a year, published around December of the year before), then the
``chinesecalendar`` package (module ``chinese_calendar``): public holidays and the make-up working
days (调休上班) the State Council announces each year. Its data ends
with the last year it knows (2026 for the version pinned here). **For later years this module
falls back to Monday–Friday**: holidays and make-up days of those years are not known until the
State Council publishes them and the package is updated, so a deadline that reaches into such a
year may move by a few days once the data exists. :func:`calendar_known` tells whether a date
is covered, and pages show a note when a deadline relies on the fallback.

Pure apart from the calendar data: the admin-entered years reach this module through a loader
the review app registers (``official_years_loader``), no settings, and ``today`` is always passed
in.
Conventions (all counts are of working days):

- the day an event happens is not counted; counting starts the next working day;
- :func:`add_working_days` ``(d, n)`` is the n-th working day after ``d``;
- :func:`working_days_between` ``(a, b)`` counts working days ``x`` with ``a < x <= b``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

_ONE_DAY = timedelta(days=1)
_MAX_SCAN_DAYS = 3660


# Years admins entered (``review.models.CalendarYear``): year -> (holidays, make-up working days).
# They take precedence over the package's data. Loaded through a loader the review app registers
# (``review.apps``), so that this module itself never touches the database.
_official: dict[int, tuple[frozenset[date], frozenset[date]]] | None = None
_loader: Callable[[], dict[int, tuple[frozenset[date], frozenset[date]]]] | None = None


def official_years_loader(
    loader: Callable[[], dict[int, tuple[frozenset[date], frozenset[date]]]] | None,
) -> None:
    """Register where the admin-entered years come from; forgets what was loaded."""
    global _loader
    _loader = loader
    official_years_reset()


def official_years_reset() -> None:
    """Forget the admin-entered years (after an admin changes one) and every cached answer."""
    global _official
    _official = None
    calendar_known.cache_clear()
    is_working_day.cache_clear()
    _year_prefix.cache_clear()


def _years() -> dict[int, tuple[frozenset[date], frozenset[date]]]:
    global _official
    if _official is None:
        try:
            _official = _loader() if _loader is not None else {}
        except Exception:  # no table yet (migrations), no database: the package alone
            return {}
    return _official


@functools.cache
def calendar_known(day: date) -> bool:
    """Whether an official schedule covers ``day``: a year entered by admins, or the package's
    data (else the Mon–Fri fallback applies and deadlines are estimates)."""
    if day.year in _years():
        return True
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


@functools.cache
def is_working_day(day: date) -> bool:
    """An official working day: not a weekend or holiday, or a make-up working day (调休上班).

    A year entered by admins decides first; then the package's data; outside both (years not yet
    published): Monday to Friday.
    """
    entered = _years().get(day.year)
    if entered is not None:
        holidays, workdays = entered
        return day in workdays or (day.weekday() < 5 and day not in holidays)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def span_known(start: date, end: date) -> bool:
    """Whether every year from ``start`` to ``end`` has an official schedule (else a deadline
    computed over the span is an estimate)."""
    first, last = sorted((start, end))
    return all(calendar_known(date(year, 6, 1)) for year in range(first.year, last.year + 1))


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted).

    ``count`` 0 gives ``start``. Raises ValueError for a negative count.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    day = start
    remaining = count
    for _ in range(_MAX_SCAN_DAYS):
        if remaining == 0:
            return day
        day += _ONE_DAY
        if is_working_day(day):
            remaining -= 1
    raise ValueError("count too large")  # pragma: no cover - ten years of working days


@functools.cache
def _year_prefix(year: int) -> tuple[int, ...]:
    """``prefix[i]``: working days among the first ``i`` days of ``year`` (``prefix[0]`` = 0)."""
    prefix = [0]
    day = date(year, 1, 1)
    while day.year == year:
        prefix.append(prefix[-1] + is_working_day(day))
        day += _ONE_DAY
    return tuple(prefix)


def _working_days_to(day: date, year: int) -> int:
    """Working days from 1 January of ``year`` up to and including ``day`` (same year)."""
    return _year_prefix(year)[day.timetuple().tm_yday]


def working_days_between(start: date, end: date) -> int:
    """Working days ``x`` with ``start < x <= end``; 0 when ``end <= start``.

    From per-year running counts (cached), not a walk over every day: the queue and the cases
    API show a clock on each row, and an old overdue case lies hundreds of days back (issue 14).
    """
    if end <= start:
        return 0
    count = _working_days_to(end, end.year) - _working_days_to(start, start.year)
    for year in range(start.year, end.year):
        count += _year_prefix(year)[-1]
    return count


def deadline_for(*, started_on: date, limit: int, paused: int = 0) -> date:
    """The deadline of a limit of ``limit`` working days started on ``started_on``, pushed back by
    the ``paused`` working days during which the clock did not run."""
    return add_working_days(started_on, limit + paused)


@dataclass(frozen=True)
class ClockView:
    """What a page shows of a case's clock on ``today``."""

    phase: str  # intake / decision / paused / "" (stopped)
    deadline: date | None
    days_left: int | None  # working days left (0: due today); frozen while paused
    overdue: bool
    overdue_days: int  # working days past the deadline (0 on a weekend right after it)
    estimated: bool  # the deadline falls outside the official calendar's data (Mon–Fri fallback)

    @property
    def running(self) -> bool:
        return self.phase in ("intake", "decision")

    @property
    def paused(self) -> bool:
        return self.phase == "paused"


def clock_view(
    *, phase: str, deadline: date | None, paused_since: date | None, today: date
) -> ClockView:
    """Days left and overdue state for a case in ``phase`` (see ``workflow.phase_of``).

    Running: days left count from ``today``; overdue once ``today`` is past the deadline.
    Paused: the days that were left when the clock stopped. Stopped: nothing is due.
    """
    if deadline is None or not phase:
        return ClockView(phase, deadline, None, False, 0, False)
    estimated = not calendar_known(deadline)
    if phase == "paused":
        since = paused_since or today
        left = (
            working_days_between(since, deadline)
            if since <= deadline
            else -working_days_between(deadline, since)
        )
        return ClockView(phase, deadline, left, False, 0, estimated)
    if today > deadline:
        late = working_days_between(deadline, today)
        return ClockView(phase, deadline, -late, True, late, estimated)
    return ClockView(phase, deadline, working_days_between(today, deadline), False, 0, estimated)
