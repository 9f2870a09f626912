"""Seed the contract-v2 reference data from the CSVs shipped in rules/data (policy is data).

- policy versions: the new columns (increment_basis, regional_deducts_*) and the `2022` row;
- efficiency benchmark editions, exempt industries, exempt project types, coal-control regions.

Each table is read from rules/data/, else from ../shared/domain/; a table found in neither is
skipped (the admin can import it later). Re-running changes nothing (upsert on each key).
The exempt lists carry no dates: they apply from the first policy version's date (2017-01-01,
《固定资产投资项目节能审查办法》（国家发展改革委令2016年第44号）).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from django.db import migrations

ROOT = Path(__file__).resolve().parent.parent.parent
SEARCH = (ROOT / "rules" / "data", ROOT.parent / "shared" / "domain")
EXEMPT_FROM = date(2017, 1, 1)


def _rows(name: str) -> Iterator[dict[str, str]]:
    for folder in SEARCH:
        path = folder / name
        if path.is_file():
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    if any((v or "").strip() for v in row.values()):
                        yield {k: (v or "").strip() for k, v in row.items() if k}
            return


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() in {"yes", "true", "1", "是"}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _float(value: str | None) -> float | None:
    return float(value) if value else None


def seed_policy_versions(apps) -> None:
    PolicyVersion = apps.get_model("rules", "PolicyVersion")
    for row in _rows("policy_versions.csv"):
        version = row["version"]
        defaults = {
            "effective_from": date.fromisoformat(row["effective_from"]),
            "provincial_threshold_tce": float(row["provincial_threshold_tce"]),
            "exempt_below_tce": float(row["exempt_below_tce"]),
            "exempt_below_kwh": float(row["exempt_below_kwh"]),
            "two_high_window_guidance_tce": _float(row.get("two_high_window_guidance_tce")),
            "substitution_rules": _yes(row.get("substitution_rules")),
            "equal_value_kgce_per_kwh": float(row["equal_value_kgce_per_kwh"]),
            "measures_edition": row.get("measures_edition")
            or ("2023" if version >= "2023" else "2016"),
            "basis": row.get("basis", ""),
        }
        if row.get("increment_basis"):
            defaults["increment_basis"] = row["increment_basis"]
        if "regional_deducts_renewable" in row:
            defaults["regional_deducts_renewable"] = _yes(row["regional_deducts_renewable"])
        if "regional_deducts_feedstock" in row:
            defaults["regional_deducts_feedstock"] = _yes(row["regional_deducts_feedstock"])
        existing = PolicyVersion.objects.filter(version=version).first()
        if existing is None:
            PolicyVersion.objects.create(version=version, published=True, **defaults)
        else:
            for key, value in defaults.items():
                setattr(existing, key, value)
            existing.save()


def seed_benchmarks(apps) -> None:
    Model = apps.get_model("rules", "EfficiencyBenchmark")
    for row in _rows("efficiency_benchmarks.csv"):
        edition = row.get("edition") or "2021"
        Model.objects.update_or_create(
            product=row["product"],
            edition=edition,
            defaults={
                "name_zh": row["name_zh"],
                "unit": row["unit"],
                "output_unit": row.get("output_unit") or "t",
                "benchmark": float(row["benchmark"]),
                "baseline": float(row["baseline"]),
                "sector": row.get("sector", ""),
                "industries": row.get("industries") or row.get("industry", ""),
                "effective_from": _date(row.get("effective_from")) or date(2021, 11, 15),
                "benchmark_mandatory_from": _date(row.get("benchmark_mandatory_from")),
                "mandatory_basis": row.get("mandatory_basis", ""),
                "source": row.get("source", ""),
            },
        )


def seed_exempt(apps) -> None:
    Industry = apps.get_model("rules", "ExemptIndustry")
    for row in _rows("exempt_industries.csv"):
        Industry.objects.update_or_create(
            code=row["code"],
            effective_from=_date(row.get("effective_from")) or EXEMPT_FROM,
            defaults={
                "name_zh": row["name_zh"],
                "list_item": row.get("list_item", ""),
                "basis": row.get("basis", ""),
                "effective_to": _date(row.get("effective_to")),
            },
        )
    Type = apps.get_model("rules", "ExemptProjectType")
    for row in _rows("exempt_project_types.csv"):
        Type.objects.update_or_create(
            type=row["type"],
            effective_from=_date(row.get("effective_from")) or EXEMPT_FROM,
            defaults={
                "name_zh": row["name_zh"],
                "basis": row.get("basis", ""),
                "effective_to": _date(row.get("effective_to")),
            },
        )


def seed_coal_regions(apps) -> None:
    Model = apps.get_model("rules", "CoalControlRegion")
    for row in _rows("coal_control_regions.csv"):
        Model.objects.update_or_create(
            code=row["code"],
            effective_from=date.fromisoformat(row["effective_from"]),
            defaults={
                "name_zh": row["name_zh"],
                "effective_to": _date(row.get("effective_to")),
                "applies_to": row.get("applies_to") or "new;expansion",
                "basis": row.get("basis", ""),
            },
        )


def load(apps, schema_editor) -> None:
    seed_policy_versions(apps)
    seed_benchmarks(apps)
    seed_exempt(apps)
    seed_coal_regions(apps)


class Migration(migrations.Migration):
    dependencies = [("rules", "0004_policy_v2_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
