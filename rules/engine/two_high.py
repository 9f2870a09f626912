"""Two-high (高耗能、高排放) status, 方案（七）, and the high-energy industries of 方案（十二）.

A project is two-high when its GB/T 4754-2017 class is a ``two_high=yes`` row of the catalogue
(coal power rows, ``condition=coal_fired``, only when ``energy`` has a coal-family type —
``coal_family=yes`` in energy_coefficients.csv — with quantity > 0), or when its project code
is on the province's two-high inventory.

High-energy (方案（十二）): the industry's own class row decides when it has one; else its
two-digit division row; else no. So in division 44 only fossil power and heat (4411, 4412, 4430)
are high-energy, and a wind farm (4415) is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from rules.engine.reference import Reference
from rules.engine.types import CatalogueRow, EnergyLine, InventoryEntry, TwoHighResult

COAL_FIRED: Final = "coal_fired"

BASIS_CATALOGUE: Final = "catalogue"
BASIS_INVENTORY: Final = "inventory"


def burns_coal(lines: Iterable[EnergyLine], reference: Reference) -> bool:
    """Whether any line is a coal-family type with a quantity above zero."""
    types = reference.energy_types
    for line in lines:
        energy_type = types.get(line.type)
        if energy_type is not None and energy_type.coal_family and line.quantity > 0:
            return True
    return False


def catalogue_match(
    industry: str, energy: Iterable[EnergyLine], reference: Reference
) -> CatalogueRow | None:
    """The catalogue row that makes ``industry`` two-high for these energy lines, if any."""
    row = reference.catalogue.get(industry)
    if row is None or not row.two_high or row.level != "class":
        return None
    if row.condition == COAL_FIRED and not burns_coal(energy, reference):
        return None
    return row


def is_high_energy(industry: str, reference: Reference) -> bool:
    """High-energy (方案（十二）): the class row decides when there is one, else the division."""
    catalogue = reference.catalogue
    row = catalogue.get(industry)
    if row is not None and row.level == "class":
        return row.high_energy
    division = catalogue.get(industry[:2])
    return division is not None and division.high_energy


def _sector(industry: str, reference: Reference) -> str | None:
    row = reference.catalogue.get(industry)
    return row.sector if row is not None else None


def evaluate(
    industry: str,
    energy: Iterable[EnergyLine],
    inventory: InventoryEntry | None,
    reference: Reference,
) -> tuple[TwoHighResult, CatalogueRow | None]:
    """The ``two_high`` block and the catalogue row that matched (``None`` if none did)."""
    row = catalogue_match(industry, energy, reference)
    if row is None and inventory is None:
        return TwoHighResult(is_two_high=False, sector=None, basis=(), inventory=None), None
    basis: tuple[str, ...]
    if row is not None:
        basis = (BASIS_CATALOGUE, BASIS_INVENTORY) if inventory is not None else (BASIS_CATALOGUE,)
    else:
        basis = (BASIS_INVENTORY,)
    sector = _sector(industry, reference)
    if sector is None and inventory is not None:
        sector = _sector(inventory.industry, reference)
    return TwoHighResult(is_two_high=True, sector=sector, basis=basis, inventory=inventory), row
