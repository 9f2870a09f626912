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


def coal_region(region: str, on: date, reference: Reference) -> CoalRegion | None:
    """The in-force coal-control row with the longest prefix of ``region``, if any."""
    best: CoalRegion | None = None
    for row in reference.coal_regions:
        if not region.startswith(row.code) or not row.in_force(on):
            continue
        if best is None or len(row.code) > len(best.code):
            best = row
    return best


def coal_substitution_row(
    region: str, construction_type: str, on: date, reference: Reference
) -> CoalRegion | None:
    """The row that makes coal substitution owed for this type of project, else ``None``."""
    row = coal_region(region, on, reference)
    if row is None or construction_type not in row.applies_to:
        return None
    return row
