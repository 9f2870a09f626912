"""Location rules: the air-pollution key regions where coal use needs coal substitution.

国发〔2018〕22号 named the 2018 key regions (new and expanded coal-consuming
projects); 国发〔2023〕24号 redrew them from 2023-11-30 and added renovations. The row
that applies is the one with the longest code prefix of the project's region among the rows
in force on the submission date.
"""

from __future__ import annotations

from datetime import date

from rules.engine.reference import Reference
from rules.engine.types import CoalRegion

_INDEX: dict[int, tuple[tuple[CoalRegion, ...], dict[str, tuple[CoalRegion, ...]]]] = {}


def _by_code(rows: tuple[CoalRegion, ...]) -> dict[str, tuple[CoalRegion, ...]]:
    """Rows grouped by code, built once per table (the table is immutable)."""
    cached = _INDEX.get(id(rows))
    if cached is not None and cached[0] is rows:
        return cached[1]
    grouped: dict[str, list[CoalRegion]] = {}
    for row in rows:
        grouped.setdefault(row.code, []).append(row)
    index = {code: tuple(items) for code, items in grouped.items()}
    if len(_INDEX) > 16:
        _INDEX.clear()
    _INDEX[id(rows)] = (rows, index)
    return index


def coal_region(region: str, on: date, reference: Reference) -> CoalRegion | None:
    """The in-force coal-control row with the longest prefix of ``region``, if any."""
    index = _by_code(reference.coal_regions)
    for length in range(len(region), 1, -1):
        for row in index.get(region[:length], ()):
            if row.in_force(on):
                return row
    return None


def coal_substitution_row(
    region: str, construction_type: str, on: date, reference: Reference
) -> CoalRegion | None:
    """The row that makes coal substitution owed for this type of project, else ``None``."""
    row = coal_region(region, on, reference)
    if row is None or construction_type not in row.applies_to:
        return None
    return row
