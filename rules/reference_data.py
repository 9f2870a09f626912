"""The engine's reference tables with the rows admins maintain in the database.

`load_reference()` (rules/data CSVs) gives everything; the benchmark editions, the exempt
industries and project types and the coal-control regions are replaced by the database rows
(`dataclasses.replace`), so an admin's edit applies to the next assessment.

Cached per process, keyed by a fingerprint of the four tables (row count and latest change of
each, one query): any save or delete in the admin, an import, or a rolled-back transaction
changes the fingerprint and the next call rebuilds. `reference_clear()` (on every save and
delete of these models, see rules.apps) drops the cache of this process at once.

Two references are built: `reference_for_input()` lists every exempt industry and project type
ever in force (a project type is valid input if any row names it), and `reference_on(day)` only
the rows in force on `day` (the exemption rules use the list of the submission date).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import connection

from rules import engine
from rules.models import CoalControlRegion, EfficiencyBenchmark, ExemptIndustry, ExemptProjectType

MAINTAINED_MODELS = (EfficiencyBenchmark, ExemptIndustry, ExemptProjectType, CoalControlRegion)

_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "value": None}


def _engine_type(name: str) -> Any:
    """A dataclass of the engine's types (v2 adds ExemptIndustry, ExemptProjectType …)."""
    found = getattr(engine.types, name, None) if hasattr(engine, "types") else None
    if found is None:
        from rules.engine import types as engine_types

        found = getattr(engine_types, name, None)
    return found


def engine_make(cls: Any, **values: Any) -> Any:
    """`cls(**values)` keeping only the fields the engine's dataclass `cls` has (the Django side
    may know a field before or after the engine does)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names})


def _fingerprint() -> tuple[Any, ...]:
    """Row count and latest `updated_at` of each maintained table, in one query."""
    qn = connection.ops.quote_name
    select = ", ".join(
        f"(SELECT COUNT(*) FROM {qn(t)}), (SELECT MAX({qn('updated_at')}) FROM {qn(t)})"
        for t in (m._meta.db_table for m in MAINTAINED_MODELS)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        row = cursor.fetchone()
    return tuple(row) if row else ()


def reference_clear() -> None:
    """Forget the cached references of this process (after an admin save or delete)."""
    with _lock:
        _cache.update(key=None, value=None)


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def _benchmarks(rows: Iterable[EfficiencyBenchmark]) -> dict[str, tuple[Any, ...]]:
    cls = _engine_type("Benchmark")
    out: dict[str, list[Any]] = {}
    for row in sorted(rows, key=lambda r: (r.product, r.effective_from)):
        out.setdefault(row.product, []).append(
            engine_make(
                cls,
                product=row.product,
                name_zh=row.name_zh,
                unit=row.unit,
                output_unit=row.output_unit,
                benchmark=row.benchmark,
                baseline=row.baseline,
                sector=row.sector,
                industries=row.industry_codes,
                industry=row.industry_codes[0] if row.industry_codes else "",
                edition=row.edition,
                effective_from=row.effective_from,
                benchmark_mandatory_from=row.benchmark_mandatory_from,
                mandatory_basis=citation(row.mandatory_basis),
                source=citation(row.source),
            )
        )
    return {product: tuple(editions) for product, editions in out.items()}


def _in_force(row: Any, day: date | None) -> bool:
    if day is None:
        return True
    return row.effective_from <= day and (row.effective_to is None or day <= row.effective_to)


def _exempt_industries(rows: Iterable[ExemptIndustry], day: date | None) -> dict[str, Any]:
    cls = _engine_type("ExemptIndustry")
    return {
        row.code: engine_make(
            cls,
            code=row.code,
            name_zh=row.name_zh,
            list_item=row.list_item,
            basis=citation(row.basis),
        )
        for row in sorted(rows, key=lambda r: (r.code, r.effective_from))
        if _in_force(row, day)
    }


def _exempt_types(rows: Iterable[ExemptProjectType], day: date | None) -> dict[str, Any]:
    cls = _engine_type("ExemptProjectType")
    return {
        row.type: engine_make(cls, type=row.type, name_zh=row.name_zh, basis=citation(row.basis))
        for row in sorted(rows, key=lambda r: (r.type, r.effective_from))
        if _in_force(row, day)
    }


def _coal_regions(rows: Iterable[CoalControlRegion]) -> tuple[Any, ...]:
    cls = _engine_type("CoalRegion")
    return tuple(
        engine_make(
            cls,
            code=row.code,
            name_zh=row.name_zh,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            applies_to=row.applies_to_types,
            basis=citation(row.basis),
        )
        for row in sorted(rows, key=lambda r: (r.code, r.effective_from))
    )


def _reference_fields() -> set[str]:
    return {f.name for f in dataclasses.fields(engine.Reference)}


def engine_supports_maintained_data() -> bool:
    """True once the engine's Reference has the v2 tables (benchmark editions, exempt lists)."""
    return {"exempt_industries", "exempt_project_types", "coal_regions"} <= _reference_fields()


def citation(text: str) -> str:
    """A basis as the engine cites it: a bare document number expanded to 《title》（number）."""
    try:
        from rules.engine.citations import full_citation
    except ImportError:  # an engine without the citation table
        return text
    return full_citation(text)


class MaintainedReference:
    """The maintained rows, loaded once, and the references built from them (by the set of
    exempt rows in force, so a batch over many submission dates builds only a few)."""

    def __init__(self, rows: dict[str, list[Any]]) -> None:
        self.rows = rows
        self._built: dict[tuple[Any, ...], engine.Reference] = {}
        self._by_day: dict[date | None, engine.Reference] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls) -> MaintainedReference:
        return cls(
            {
                "benchmarks": list(EfficiencyBenchmark.objects.all()),
                "industries": list(ExemptIndustry.objects.all()),
                "types": list(ExemptProjectType.objects.all()),
                "coal": list(CoalControlRegion.objects.all()),
            }
        )

    def on(self, day: date | None) -> engine.Reference:
        """Exempt lists as in force on `day`; None: every row ever listed (to parse input)."""
        found = self._by_day.get(day)
        if found is not None:
            return found
        found = self._on(day)
        if len(self._by_day) < 20_000:  # a batch's submission dates; bounded
            self._by_day[day] = found
        return found

    def _on(self, day: date | None) -> engine.Reference:
        key = (
            tuple(r.pk for r in self.rows["industries"] if _in_force(r, day)),
            tuple(r.pk for r in self.rows["types"] if _in_force(r, day)),
        )
        found = self._built.get(key)
        if found is None:
            found = self._build(day)
            with self._lock:
                self._built[key] = found
        return found

    def _build(self, day: date | None) -> engine.Reference:
        base = engine.load_reference()
        if not engine_supports_maintained_data():
            return base
        # A table with no rows at all was never seeded (e.g. flushed by a test): the shipped
        # CSV data (load_reference) stands in for it.
        changes: dict[str, Any] = {}
        if self.rows["industries"]:
            changes["exempt_industries"] = _exempt_industries(self.rows["industries"], day)
        if self.rows["types"]:
            changes["exempt_project_types"] = _exempt_types(self.rows["types"], day)
        if self.rows["coal"]:
            changes["coal_regions"] = _coal_regions(self.rows["coal"])
        if self.rows["benchmarks"]:
            editions = _benchmarks(self.rows["benchmarks"])
            if "benchmark_editions" in _reference_fields():
                # The engine keeps every edition apart and the latest one by product.
                changes["benchmark_editions"] = editions
                changes["benchmarks"] = {p: rows[-1] for p, rows in editions.items()}
            else:
                changes["benchmarks"] = editions
        return dataclasses.replace(base, **changes) if changes else base


def maintained() -> MaintainedReference:
    """The maintained rows of this process, reloaded when the tables' fingerprint changes."""
    key = _fingerprint()
    with _lock:
        current = _cache["value"]
        if current is not None and _cache["key"] == key:
            return current
    loaded = MaintainedReference.load()
    with _lock:
        _cache.update(key=key, value=loaded)
    return loaded


def reference_on(day: date | None) -> engine.Reference:
    """The reference with the database rows; exempt lists as in force on `day` (None: all)."""
    return maintained().on(day)


def reference_for_input() -> engine.Reference:
    """The reference to parse input with: every exempt industry and project type ever listed."""
    return maintained().on(None)
