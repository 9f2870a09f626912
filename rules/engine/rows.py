"""Rows of the reference tables under ``rules/data/`` (or their admin-maintained copies):
energy types and units (GB/T 2589-2020), the two-high catalogue, benchmark editions, the exempt
lists of 发改环资规〔2017〕1975号 and the coal-control regions. Frozen dataclasses, no behaviour
beyond small derived fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class EnergyType:
    type: str
    name_zh: str
    base_unit: str
    tce_per_base_unit: float
    note: str = ""
    coal_family: bool = False


@dataclass(frozen=True, slots=True)
class Unit:
    unit: str
    unit_zh: str
    base_unit: str
    factor: float


@dataclass(frozen=True, slots=True)
class CatalogueRow:
    """A row of two_high_industries.csv: a 4-digit class or a 2-digit division."""

    code: str
    level: str
    name_zh: str
    sector: str | None
    sector_zh: str | None
    two_high: bool
    high_energy: bool
    condition: str | None


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One edition of a product's 标杆 (benchmark) and 基准 (baseline) unit consumption
    (发改产业〔2021〕1609号 and its later editions), in force from ``effective_from``.

    ``benchmark_mandatory_from``: the date from which a sector plan makes the benchmark binding
    for new, expanded and renovated projects (``mandatory_basis`` cites it), else ``None``.
    """

    product: str
    name_zh: str
    unit: str
    benchmark: float
    baseline: float
    sector: str
    industries: tuple[str, ...] = ()
    source: str = ""
    output_unit: str = ""
    edition: str = ""
    effective_from: date | None = None
    benchmark_mandatory_from: date | None = None
    mandatory_basis: str = ""

    @property
    def industry(self) -> str:
        """The first industry class (kept for callers that show one)."""
        return self.industries[0] if self.industries else ""

    def mandatory_on(self, day: date) -> bool:
        return self.benchmark_mandatory_from is not None and self.benchmark_mandatory_from <= day


@dataclass(frozen=True, slots=True)
class ExemptIndustry:
    """An industry class of 《不单独进行节能审查的行业目录》 (发改环资规〔2017〕1975号)."""

    code: str
    name_zh: str
    list_item: str
    basis: str


@dataclass(frozen=True, slots=True)
class ExemptProjectType:
    """A kind of project on the exempt list that no industry class identifies."""

    type: str
    name_zh: str
    basis: str


@dataclass(frozen=True, slots=True)
class CoalRegion:
    """An air-pollution key region where coal-consuming projects owe coal substitution."""

    code: str
    name_zh: str
    effective_from: date
    effective_to: date | None
    applies_to: tuple[str, ...]
    basis: str

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )
