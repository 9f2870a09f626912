"""The engine's inputs: frozen dataclasses, no behaviour beyond small derived fields.

:class:`Facts` (what the applicant proposes, with its energy, product and substitution lines),
:class:`PolicyVersion` (the parameters in force, ``rules/data/policy_versions.csv``) and
:class:`Context` (regional status and the two-high inventory entry, read by the caller).
Re-exported by :mod:`rules.engine.types`, the engine's types in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


# --------------------------------------------------------------------------------------------
# Policy and context (built by the caller from the database or from rules/data)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One effective-dated set of review parameters (《办法》 2016/2023, 方案 2021)."""

    version: str
    effective_from: date
    provincial_threshold_tce: float
    exempt_below_tce: float
    exempt_below_kwh: float
    two_high_window_guidance_tce: float | None
    substitution_rules: bool
    equal_value_kgce_per_kwh: float
    measures_edition: str
    basis: str = ""
    increment_basis: str = "expansion_and_renovation"
    regional_deducts_renewable: bool = False
    regional_deducts_feedstock: bool = False


@dataclass(frozen=True, slots=True)
class RegionStatus:
    """A province's dual-control progress for one year (晴雨表, 方案（十五）)."""

    province: str
    year: int
    basic_target_pct: float | None = None
    incentive_target_pct: float | None = None
    progress_pct: float | None = None
    behind_basic_target: bool = False
    substitution_ratio: float = 1.0
    warning_level: str = "green"
    two_high_suspended: bool = False


@dataclass(frozen=True, slots=True)
class InventoryEntry:
    """A row of the province's two-high project inventory (方案（七）)."""

    project_code: str
    project_name: str
    region: str
    industry: str
    status: str
    disposal: str
    annual_tce: float | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What the caller knows beside the facts: the regional status row and the inventory entry."""

    region_status: RegionStatus | None = None
    inventory: InventoryEntry | None = None


# --------------------------------------------------------------------------------------------
# Facts (parsed input)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EnergyLine:
    """One energy type consumed per year; ``unit`` is the canonical code of units.csv."""

    type: str
    quantity: float
    unit: str
    low_heat_value_kj: float | None = None


@dataclass(frozen=True, slots=True)
class ProductLine:
    product: str
    annual_output: float
    unit_energy: float


@dataclass(frozen=True, slots=True)
class SubstitutionSource:
    description: str
    saved_tce: float


@dataclass(frozen=True, slots=True)
class Facts:
    """A project's facts as the applicant states them, validated by :func:`parse_facts`.

    ``province`` (the first two digits of the GB/T 2260 ``region``) is derived when left empty.
    """

    region: str
    industry: str
    construction_type: str
    submitted_on: date
    project_code: str = ""
    name: str = ""
    province: str = ""
    project_type: str = ""
    unchanged_site_process_equipment: bool = False
    national_major_project: bool = False
    national_major_document: str = ""
    national_major_relief_share: float = 0.0
    energy: tuple[EnergyLine, ...] = ()
    exported_energy: tuple[EnergyLine, ...] = ()
    baseline_energy: tuple[EnergyLine, ...] = ()
    renewable_electricity_kwh: float = 0.0
    feedstock_tce: float = 0.0
    products: tuple[ProductLine, ...] = ()
    substitution_sources: tuple[SubstitutionSource, ...] = ()

    def __post_init__(self) -> None:
        if not self.province:
            object.__setattr__(self, "province", self.region[:2])
        elif self.province != self.region[:2]:
            raise ValueError(f"province {self.province} is not that of region {self.region}")
