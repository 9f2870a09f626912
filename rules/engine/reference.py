"""Reference data: the CSV tables under ``rules/data/`` read once into lookup dicts.

Policy is data (architecture.md): coefficients (GB/T 2589-2020), units, policy versions, the
two-high catalogue (方案（七）), the 1609号 benchmarks, GB/T 2260 divisions and GB/T 4754-2017
classes all come from these files, never from literals in the rules.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rules.engine.citations import full_citation
from rules.engine.types import (
    Benchmark,
    CatalogueRow,
    CoalRegion,
    EnergyType,
    ExemptIndustry,
    ExemptProjectType,
    PolicyVersion,
    Unit,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

ELECTRICITY = "electricity"


class ReferenceDataError(ValueError):
    """A CSV under rules/data is malformed."""


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    """All reference tables, keyed for constant-time lookup."""

    policy_versions: tuple[PolicyVersion, ...]
    energy_types: dict[str, EnergyType]
    units: dict[str, Unit]
    catalogue: dict[str, CatalogueRow]
    benchmarks: dict[str, Benchmark]
    regions: dict[str, str]
    industries: dict[str, str]
    units_by_label: dict[str, Unit]
    electricity_tce_per_kwh: float
    benchmark_editions: dict[str, tuple[Benchmark, ...]] = field(default_factory=dict)
    exempt_industries: dict[str, ExemptIndustry] = field(default_factory=dict)
    exempt_project_types: dict[str, ExemptProjectType] = field(default_factory=dict)
    coal_regions: tuple[CoalRegion, ...] = ()
    abolished_regions: dict[str, str] = field(default_factory=dict)

    def unit_for(self, label: str) -> Unit | None:
        """A unit by its code (``wan_m3``) or Chinese name (``万立方米``)."""
        return self.units_by_label.get(label)

    def region_name(self, code: str) -> str:
        """The name of a division in use, else of an abolished one (historical projects)."""
        return self.regions.get(code) or self.abolished_regions.get(code, code)

    def benchmark_in_force(self, product: str, day: date) -> Benchmark | None:
        """The product's edition with the latest ``effective_from`` on or before ``day``."""
        best: Benchmark | None = None
        for row in self.benchmark_editions.get(product, ()):
            start = row.effective_from
            if start is not None and start <= day:
                best = row
        return best

    def product_row(self, product: str, day: date) -> Benchmark | None:
        """The edition in force on ``day``, else the latest edition (for units and industries)."""
        return self.benchmark_in_force(product, day) or self.benchmarks.get(product)

    def province_name(self, province: str) -> str:
        return self.regions.get(f"{province}0000", province)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a UTF-8 CSV; a row with more or fewer cells than the header is an error."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        for number, cells in enumerate(reader, start=2):
            if not any(cells):
                continue
            if len(cells) != len(header):
                raise ReferenceDataError(
                    f"{path.name} line {number}: {len(cells)} cells, header has {len(header)}"
                )
            yield {key: value.strip() for key, value in zip(header, cells, strict=True)}


def _yes(value: str) -> bool:
    return value.strip().lower() in {"yes", "true", "1", "是"}


def _optional_float(value: str) -> float | None:
    return float(value) if value.strip() else None


def read_policy_versions(path: Path) -> tuple[PolicyVersion, ...]:
    versions = [
        PolicyVersion(
            version=row["version"],
            effective_from=date.fromisoformat(row["effective_from"]),
            provincial_threshold_tce=float(row["provincial_threshold_tce"]),
            exempt_below_tce=float(row["exempt_below_tce"]),
            exempt_below_kwh=float(row["exempt_below_kwh"]),
            two_high_window_guidance_tce=_optional_float(row["two_high_window_guidance_tce"]),
            substitution_rules=_yes(row["substitution_rules"]),
            equal_value_kgce_per_kwh=float(row["equal_value_kgce_per_kwh"]),
            measures_edition=row["measures_edition"],
            basis=row["basis"],
            increment_basis=row["increment_basis"],
            regional_deducts_renewable=_yes(row["regional_deducts_renewable"]),
            regional_deducts_feedstock=_yes(row["regional_deducts_feedstock"]),
        )
        for row in _rows(path)
    ]
    return tuple(sorted(versions, key=lambda v: v.effective_from))


def read_energy_types(path: Path) -> dict[str, EnergyType]:
    return {
        row["type"]: EnergyType(
            type=row["type"],
            name_zh=row["name_zh"],
            base_unit=row["base_unit"],
            tce_per_base_unit=float(row["tce_per_base_unit"]),
            note=row["note"],
            coal_family=_yes(row.get("coal_family", "")),
        )
        for row in _rows(path)
    }


def read_units(path: Path) -> dict[str, Unit]:
    return {
        row["unit"]: Unit(
            unit=row["unit"],
            unit_zh=row["unit_zh"],
            base_unit=row["base_unit"],
            factor=float(row["factor"]),
        )
        for row in _rows(path)
    }


def read_catalogue(path: Path) -> dict[str, CatalogueRow]:
    return {
        row["code"]: CatalogueRow(
            code=row["code"],
            level=row["level"],
            name_zh=row["name_zh"],
            sector=row["sector"] or None,
            sector_zh=row["sector_zh"] or None,
            two_high=_yes(row["two_high"]),
            high_energy=_yes(row["high_energy"]),
            condition=row["condition"] or None,
        )
        for row in _rows(path)
    }


def _optional_date(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def read_benchmarks(path: Path) -> list[Benchmark]:
    """Every edition of every product's benchmark row, in file order."""
    return [
        Benchmark(
            product=row["product"],
            name_zh=row["name_zh"],
            unit=row["unit"],
            benchmark=float(row["benchmark"]),
            baseline=float(row["baseline"]),
            sector=row["sector"],
            industries=_split(row["industries"]),
            source=full_citation(row["source"]),
            output_unit=row["output_unit"],
            edition=row["edition"],
            effective_from=date.fromisoformat(row["effective_from"]),
            benchmark_mandatory_from=_optional_date(row["benchmark_mandatory_from"]),
            mandatory_basis=full_citation(row["mandatory_basis"]),
        )
        for row in _rows(path)
    ]


def benchmark_maps(
    rows: Iterable[Benchmark],
) -> tuple[dict[str, Benchmark], dict[str, tuple[Benchmark, ...]]]:
    """``(latest edition by product, all editions by product sorted by effective_from)``."""
    editions: dict[str, list[Benchmark]] = {}
    for row in rows:
        editions.setdefault(row.product, []).append(row)
    ordered = {
        product: tuple(sorted(items, key=lambda b: b.effective_from or date.min))
        for product, items in editions.items()
    }
    return {product: items[-1] for product, items in ordered.items()}, ordered


def read_exempt_industries(path: Path) -> dict[str, ExemptIndustry]:
    return {
        row["code"]: ExemptIndustry(
            code=row["code"],
            name_zh=row["name_zh"],
            list_item=row["list_item"],
            basis=full_citation(row["basis"]),
        )
        for row in _rows(path)
    }


def read_exempt_project_types(path: Path) -> dict[str, ExemptProjectType]:
    return {
        row["type"]: ExemptProjectType(
            type=row["type"], name_zh=row["name_zh"], basis=full_citation(row["basis"])
        )
        for row in _rows(path)
    }


def read_coal_regions(path: Path) -> tuple[CoalRegion, ...]:
    return tuple(
        CoalRegion(
            code=row["code"],
            name_zh=row["name_zh"],
            effective_from=date.fromisoformat(row["effective_from"]),
            effective_to=_optional_date(row["effective_to"]),
            applies_to=_split(row["applies_to"]),
            basis=full_citation(row["basis"]),
        )
        for row in _rows(path)
    )


def read_regions(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """``(in use today, abolished)``: GB/T 2260 codes by the ``in_use`` column."""
    current: dict[str, str] = {}
    abolished: dict[str, str] = {}
    for row in _rows(path):
        target = current if _yes(row.get("in_use", "yes")) else abolished
        target[row["code"]] = row["name"]
    return current, abolished


def read_code_names(path: Path, name_column: str) -> dict[str, str]:
    return {row["code"]: row[name_column] for row in _rows(path)}


def build_reference(data_dir: Path) -> Reference:
    units = read_units(data_dir / "units.csv")
    energy_types = read_energy_types(data_dir / "energy_coefficients.csv")
    units_by_label = {u.unit: u for u in units.values()}
    for u in units.values():
        units_by_label.setdefault(u.unit_zh, u)
    if ELECTRICITY not in energy_types:
        raise ReferenceDataError("energy_coefficients.csv has no electricity row")
    benchmarks, editions = benchmark_maps(read_benchmarks(data_dir / "efficiency_benchmarks.csv"))
    regions, abolished = read_regions(data_dir / "gb2260_regions.csv")
    return Reference(
        policy_versions=read_policy_versions(data_dir / "policy_versions.csv"),
        energy_types=energy_types,
        units=units,
        catalogue=read_catalogue(data_dir / "two_high_industries.csv"),
        benchmarks=benchmarks,
        regions=regions,
        industries=read_code_names(data_dir / "gbt4754_2017_classes.csv", "name_zh"),
        units_by_label=units_by_label,
        electricity_tce_per_kwh=energy_types[ELECTRICITY].tce_per_base_unit,
        benchmark_editions=editions,
        exempt_industries=read_exempt_industries(data_dir / "exempt_industries.csv"),
        exempt_project_types=read_exempt_project_types(data_dir / "exempt_project_types.csv"),
        coal_regions=read_coal_regions(data_dir / "coal_control_regions.csv"),
        abolished_regions=abolished,
    )


@functools.cache
def load_reference(data_dir: str | Path | None = None) -> Reference:
    """The reference tables from ``rules/data`` (or ``data_dir``), read once per process."""
    return build_reference(Path(data_dir) if data_dir is not None else DATA_DIR)
