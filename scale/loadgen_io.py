"""Writing the load data: explicit ids, COPY on PostgreSQL and ``bulk_create`` elsewhere.

Rows are built from each model's concrete fields that have a column: a field the generator does
not know takes its default. Also the switch that keeps the case counters' trigger quiet during
the COPY, and the sequence reset after rows went in with explicit ids. Re-exported by
`scale.loadgen`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, models

BATCH = 5_000


# --------------------------------------------------------------------------------------------
# Writing rows
# --------------------------------------------------------------------------------------------
def _next_ids(model: type[models.Model], n: int) -> Iterator[int]:
    start = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
    return iter(range(start, start + n))


def _table_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's concrete fields that have a column in the database (a field whose migration
    has not run yet is left out)."""
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, model._meta.db_table)
        }
    return [f for f in model._meta.concrete_fields if f.column in columns]


def _full_row(fields: list[models.Field], values: dict[str, Any], now: datetime) -> list[Any]:
    row = []
    for f in fields:
        if f.attname in values:
            row.append(values[f.attname])
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            row.append(now)
        else:
            row.append(f.get_default())
    return row


def _copy_text(value: Any, f: models.Field) -> str:
    if value is None:
        return "\\N"
    if isinstance(f, models.JSONField):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], now: datetime) -> int:
    """Insert ``rows`` (attname -> value, explicit ids); COPY on PostgreSQL."""
    fields = _table_fields(model)
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            buffer = io.StringIO()
            for values in rows:
                line = _full_row(fields, values, now)
                buffer.write("\t".join(_copy_text(v, f) for v, f in zip(line, fields, strict=True)))
                buffer.write("\n")
                count += 1
                if count % BATCH == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        return count
    batch: list[models.Model] = []
    for values in rows:
        line = _full_row(fields, values, now)
        batch.append(model(**{f.attname: v for f, v in zip(fields, line, strict=True)}))
        count += 1
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)
    return count


@contextmanager
def _tally_off() -> Iterator[None]:
    """No counter update per copied case (the trigger reads ``scale.tally_off``); after_load
    recounts once."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('scale.tally_off', 'on', true)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('scale.tally_off', 'off', true)")


def _reset_sequences(*models_: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
                [table],
            )
