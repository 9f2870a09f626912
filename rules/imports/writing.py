"""Writing: the idempotent, all-or-nothing upsert of parsed rows on the spec's key
(:func:`table_upsert`, history kept, unchanged rows not saved again), :func:`table_import`
(parse then upsert) and the per-table import entry points.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from rules.services import (
    bulk_update_values,
    two_high_disposal_changes_flag,
)

from .reading import (
    Source,
    table_parse,
)
from .results import ImportRejected, ImportResult, RowError
from .specs import (
    ENERGY_BUDGET,
    POLICY_VERSION,
    REGION_STATUS,
    TWO_HIGH,
    TableSpec,
)

_KEY_CHUNK = 900


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def _existing(spec: TableSpec, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
    model = spec.model
    found: dict[tuple[Any, ...], Any] = {}
    if len(spec.key) == 1:
        name = spec.key[0]
        flat = [k[0] for k in keys]
        for start in range(0, len(flat), _KEY_CHUNK):
            chunk = flat[start : start + _KEY_CHUNK]
            for obj in model._default_manager.filter(**{f"{name}__in": chunk}):
                found[(getattr(obj, name),)] = obj
    else:
        # Narrowed on the first two key fields, matched on the whole key (a third may be an
        # optional relation: the authority of an energy budget, NULL for the province's).
        wanted = set(keys)
        first, second = spec.key[:2]
        related = [k for k in spec.key if model._meta.get_field(k).is_relation]
        query = model._default_manager.filter(
            **{f"{first}__in": {k[0] for k in keys}, f"{second}__in": {k[1] for k in keys}}
        )
        if related:
            query = query.select_related(*related)
        for obj in query:
            key = tuple(getattr(obj, name) for name in spec.key)
            if key in wanted:
                found[key] = obj
    return found


def table_upsert(
    spec: TableSpec,
    rows: Iterable[dict[str, Any]],
    *,
    by: Any = None,
    reason: str = "",
) -> ImportResult:
    """Create or update ``spec.model`` rows by key; save only rows whose values differ.

    History: one historical record per created or changed row, with ``by`` and ``reason``.
    For the two-high inventory, a changed disposal flags the project's open review cases.
    Runs in one transaction; the caller has validated the rows.
    """
    # Optional columns a caller leaves out take their defaults (e.g. two_high_suspended).
    optional = {c.name: c.default for c in spec.columns if not c.required}
    rows = [{**optional, **r} for r in rows]
    fields = spec.fields
    now = timezone.now()
    with transaction.atomic():
        existing = _existing(spec, [tuple(r[k] for k in spec.key) for r in rows])
        new: list[models.Model] = []
        changed: list[models.Model] = []
        disposal_changes: dict[str, tuple[str | None, str]] = {}
        unchanged = 0
        for values in rows:
            key = tuple(values[k] for k in spec.key)
            obj = existing.get(key)
            if obj is None:
                obj = spec.model(**{**spec.create_defaults, **values})
                if spec is TWO_HIGH:
                    disposal_changes[values["project_code"]] = (None, values["disposal"])
                new.append(obj)
                continue
            if all(getattr(obj, f) == values[f] for f in fields):
                unchanged += 1
                continue
            if spec is TWO_HIGH and obj.disposal != values["disposal"]:
                disposal_changes[obj.project_code] = (obj.disposal, values["disposal"])
            for f in fields:
                setattr(obj, f, values[f])
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
            changed.append(obj)
        try:
            if new:
                bulk_create_with_history(
                    new,
                    spec.model,
                    batch_size=1000,
                    default_user=by,
                    default_change_reason=reason,
                    default_date=now,
                )
            if changed:
                write = [f for f in fields if f not in spec.key]
                if hasattr(spec.model, "updated_at"):
                    write.append("updated_at")
                bulk_update_values(spec.model, changed, write)
                get_history_manager_for_model(spec.model).bulk_history_create(
                    changed,
                    batch_size=1000,
                    update=True,
                    default_user=by,
                    default_change_reason=reason,
                    default_date=now,
                )
        except IntegrityError as exc:
            # Another import wrote the same key meanwhile; the transaction is rolled back.
            raise ImportRejected([RowError(0, _("写入失败，请重试：%(e)s") % {"e": exc})]) from exc
        flagged = (
            two_high_disposal_changes_flag(changes=disposal_changes, by=by, reason=reason)
            if disposal_changes
            else 0
        )
    return ImportResult(
        rows=len(rows),
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        flagged_cases=flagged,
    )


def table_import(
    spec: TableSpec, source: Source, *, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import a CSV/XLSX file into ``spec.model``: all rows or none.

    Raises :class:`ImportRejected` (every bad row, nothing written) or returns the counts.
    """
    parsed = table_parse(spec, source, filename=filename)
    label = reason or _("导入文件%(name)s") % {"name": filename or "-"}
    with transaction.atomic():
        if spec.guard is not None:
            existing = _existing(spec, [tuple(v[k] for k in spec.key) for _n, v in parsed.rows])
            errors = [
                RowError(number, message)
                for number, values in parsed.rows
                if (message := spec.guard(existing.get(tuple(values[k] for k in spec.key)), values))
            ]
            if errors:
                raise ImportRejected(errors)
        return table_upsert(spec, (values for _n, values in parsed.rows), by=by, reason=label)


def two_high_import(
    *, source: Source, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import the two-high inventory (方案（七）); key ``project_code``."""
    return table_import(TWO_HIGH, source, filename=filename, by=by, reason=reason)


def region_status_import(
    *, source: Source, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import regional dual-control status (晴雨表, 方案（十二）); key ``province, year``."""
    return table_import(REGION_STATUS, source, filename=filename, by=by, reason=reason)


def energy_budget_import(
    *, source: Source, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import energy budgets (用能预算, 方案（十一）): the province's, or an authority's own (the
    审查机关 column, blank for the province's); key ``province, year, authority``."""
    return table_import(ENERGY_BUDGET, source, filename=filename, by=by, reason=reason)


def policy_version_import(
    *, source: Source, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import policy versions; a new version stays unpublished unless the file says otherwise."""
    return table_import(POLICY_VERSION, source, filename=filename, by=by, reason=reason)
