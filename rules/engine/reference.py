"""Reference data: the CSV tables under ``rules/data/`` read once into lookup dicts.

Policy is data (architecture.md): coefficients (GB/T 2589-2020), units, policy versions, the
two-high catalogue (方案（七）), the 1609号 benchmarks, GB/T 2260 divisions and GB/T 4754-2017
classes all come from these files, never from literals in the rules.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rules.engine.types import Benchmark, CatalogueRow, EnergyType, PolicyVersion, Unit

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

    def unit_for(self, label: str) -> Unit | None:
        """A unit by its code (``wan_m3``) or Chinese name (``万立方米``)."""
        return self.units_by_label.get(label)

    def region_name(self, code: str) -> str:
        return self.regions.get(code, code)

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


def read_benchmarks(path: Path) -> dict[str, Benchmark]:
    return {
        row["product"]: Benchmark(
            product=row["product"],
            name_zh=row["name_zh"],
            unit=row["unit"],
            benchmark=float(row["benchmark"]),
            baseline=float(row["baseline"]),
            sector=row["sector"],
            industry=row["industry"],
            source=row["source"],
        )
        for row in _rows(path)
    }


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
    return Reference(
        policy_versions=read_policy_versions(data_dir / "policy_versions.csv"),
        energy_types=energy_types,
        units=units,
        catalogue=read_catalogue(data_dir / "two_high_industries.csv"),
        benchmarks=read_benchmarks(data_dir / "efficiency_benchmarks.csv"),
        regions=read_code_names(data_dir / "gb2260_regions.csv", "name"),
        industries=read_code_names(data_dir / "gbt4754_2017_classes.csv", "name_zh"),
        units_by_label=units_by_label,
        electricity_tce_per_kwh=energy_types[ELECTRICITY].tce_per_base_unit,
    )


@functools.cache
def load_reference(data_dir: str | Path | None = None) -> Reference:
    """The reference tables from ``rules/data`` (or ``data_dir``), read once per process."""
    return build_reference(Path(data_dir) if data_dir is not None else DATA_DIR)
