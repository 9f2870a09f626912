"""Monitored energy use against the approved figure: pure functions, no Django.

方案（十五）: a plant's monitored energy use is compared with the approved annual figure over a
rolling 12 months; 10% or more above it is a change that needed an application (2023《办法》).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

WINDOW_MONTHS = 12
EXCESS_RATIO = 0.10


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last`` inclusive (first days)."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


@dataclass(frozen=True)
class Rolling:
    """The 12 months ending ``end``: their sum, how many had data, the annualised figure."""

    end: date
    total_tce: float
    months_with_data: int
    approved_tce: float

    @property
    def complete(self) -> bool:
        return self.months_with_data >= WINDOW_MONTHS

    @property
    def annualised_tce(self) -> float:
        if not self.months_with_data:
            return 0.0
        return self.total_tce * WINDOW_MONTHS / self.months_with_data

    @property
    def excess_pct(self) -> float | None:
        if self.approved_tce <= 0:
            return None
        return (self.annualised_tce / self.approved_tce - 1) * 100

    @property
    def exceeds(self) -> bool:
        """A full 12-month window at or above approved × 1.10 (only full windows flag)."""
        return (
            self.complete
            and self.approved_tce > 0
            and self.total_tce >= self.approved_tce * (1 + EXCESS_RATIO) - 1e-9
        )


def rolling_at(values: Mapping[date, float], *, end: date, approved_tce: float) -> Rolling:
    window = [add_months(end, -i) for i in range(WINDOW_MONTHS)]
    present = [values[m] for m in window if m in values]
    return Rolling(
        end=end,
        total_tce=float(sum(present)),
        months_with_data=len(present),
        approved_tce=approved_tce,
    )


def rolling_series(
    values: Mapping[date, float], *, months: Sequence[date], approved_tce: float
) -> list[Rolling]:
    return [rolling_at(values, end=m, approved_tce=approved_tce) for m in months]
