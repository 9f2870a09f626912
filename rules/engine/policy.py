"""Which policy values apply: the version in force on a date, the regional status for a year."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from rules.engine.types import PolicyVersion, RegionStatus


def policy_in_force(versions: Sequence[PolicyVersion], on: date) -> PolicyVersion:
    """The version with the latest ``effective_from`` on or before ``on``.

    Raises ``LookupError`` when every version takes effect after ``on``.
    """
    best: PolicyVersion | None = None
    for version in versions:
        if version.effective_from <= on and (
            best is None or version.effective_from > best.effective_from
        ):
            best = version
    if best is None:
        raise LookupError(f"no policy version in force on {on.isoformat()}")
    return best


def earliest_effective_date(versions: Sequence[PolicyVersion]) -> date | None:
    return min((v.effective_from for v in versions), default=None)


def select_region_status(
    statuses: Iterable[RegionStatus], province: str, year: int
) -> RegionStatus | None:
    """The province's row for ``year``, else its latest earlier year, else ``None``
    (方案（十二）: the regional rules follow the latest known progress)."""
    best: RegionStatus | None = None
    for status in statuses:
        if status.province != province or status.year > year:
            continue
        if best is None or status.year > best.year:
            best = status
    return best
