"""Storage of re-assessments of stored submissions (`manage.py reassess_projects`).

The latest submission of every project in keyset-paginated id chunks, and `reassessments_store`,
which creates or replaces each (submission, version) `Reassessment`: literal multi-row SQL on
PostgreSQL, `bulk_update`/`bulk_create` elsewhere. Re-exported by `rules.services`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from projects.models import Submission
from rules.models import Reassessment


# --------------------------------------------------------------------------------------------
# Re-assessment of stored submissions (`manage.py reassess_projects`)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReassessmentRow:
    """One result ready to store; `assessment_json` is the serialised contract JSON."""

    submission_id: int
    version: str
    assessment_json: str
    route: str
    review_level: str
    recommendation: str
    counted_tce: float


def _submissions_latest() -> models.QuerySet[Submission]:
    newer = Submission.objects.filter(
        project_id=OuterRef("project_id"), number__gt=OuterRef("number")
    )
    return Submission.objects.filter(~Exists(newer))


def submissions_latest_ranges(*, chunk_size: int = 2000) -> Iterator[tuple[int, int]]:
    """`(first id, last id)` of consecutive chunks of every project's latest submission, in id
    order (keyset pagination over ids only: constant memory, no long-held cursor)."""
    latest = _submissions_latest().order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(latest.filter(pk__gt=last)[:chunk_size])
        if not ids:
            return
        yield ids[0], ids[-1]
        last = ids[-1]


def submissions_latest_between(*, first: int, last: int) -> list[tuple[int, Any]]:
    """`(submission id, facts)` of the latest submissions with ids in `[first, last]`."""
    return list(
        _submissions_latest()
        .filter(pk__gte=first, pk__lte=last)
        .order_by("pk")
        .values_list("pk", "facts")
    )


def reassessments_store(*, rows: Sequence[ReassessmentRow], at: datetime | None = None) -> None:
    """Create or replace the `Reassessment` of each (submission, version), in one transaction.

    On PostgreSQL: one `UPDATE … FROM (VALUES …)` for the rows already stored and one
    multi-row `INSERT` for the new ones; elsewhere `bulk_update`/`bulk_create`.
    """
    if not rows:
        return
    at = at or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _reassessments_store_pg(rows, at)
        else:
            _reassessments_store_orm(rows, at)


_REASSESSMENT_COLUMNS: Final = (
    "submission_id",
    "version",
    "assessment",
    "route",
    "review_level",
    "recommendation",
    "counted_tce",
)


def _pg_text(value: str) -> str:
    """A PostgreSQL string literal (standard_conforming_strings is on: checked by the caller).

    Literals rather than parameters: a 2,000-row statement with 14,000 placeholders spends more
    time in the driver's placeholder handling than in the server.
    """
    if "\x00" in value:
        raise ValueError("NUL in text")
    return "'" + value.replace("'", "''") + "'"


def _pg_values(row: ReassessmentRow) -> str:
    counted = float(row.counted_tce)
    if not math.isfinite(counted):
        raise ValueError("counted_tce is not finite")
    return (
        f"({int(row.submission_id)}, {_pg_text(row.version)}, "
        f"{_pg_text(row.assessment_json)}::jsonb, {_pg_text(row.route)}, "
        f"{_pg_text(row.review_level)}, {_pg_text(row.recommendation)}, {counted!r}::float8)"
    )


def _reassessments_store_pg(rows: Sequence[ReassessmentRow], at: datetime) -> None:
    table = connection.ops.quote_name(Reassessment._meta.db_table)
    columns = ", ".join(_REASSESSMENT_COLUMNS)
    stamp = f"{_pg_text(at.isoformat())}::timestamptz"
    # No parameters below: the literals may contain "%", which a driver would read as one.
    with connection.cursor() as cursor:
        # Re-assessments are derived data (recomputed by running the command again): a crash
        # may lose the last chunks, so the commit need not wait for the WAL flush.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SHOW standard_conforming_strings")
        if cursor.fetchone()[0] != "on":
            raise RuntimeError("standard_conforming_strings must be on")
        cursor.execute(
            f"SELECT submission_id, version FROM {table} WHERE submission_id = ANY(%s)",
            [[r.submission_id for r in rows]],
        )
        stored = set(cursor.fetchall())
        old = [r for r in rows if (r.submission_id, r.version) in stored]
        new = [r for r in rows if (r.submission_id, r.version) not in stored]
        if old:
            cursor.execute(
                f"UPDATE {table} AS t SET assessment = v.assessment, route = v.route, "
                "review_level = v.review_level, recommendation = v.recommendation, "
                f"counted_tce = v.counted_tce, assessed_at = {stamp} "
                f"FROM (VALUES {', '.join(map(_pg_values, old))}) AS v({columns}) "
                "WHERE t.submission_id = v.submission_id AND t.version = v.version"
            )
        if new:
            cursor.execute(
                f"INSERT INTO {table} ({columns}, created_at, assessed_at) "
                f"SELECT *, {stamp}, {stamp} FROM (VALUES {', '.join(map(_pg_values, new))}) AS v"
            )


def _reassessments_store_orm(rows: Sequence[ReassessmentRow], at: datetime) -> None:
    stored = {
        (obj.submission_id, obj.version): obj
        for obj in Reassessment.objects.filter(submission_id__in=[r.submission_id for r in rows])
    }
    old, new = [], []
    for r in rows:
        values = {
            "assessment": json.loads(r.assessment_json),
            "route": r.route,
            "review_level": r.review_level,
            "recommendation": r.recommendation,
            "counted_tce": r.counted_tce,
            "assessed_at": at,
        }
        obj = stored.get((r.submission_id, r.version))
        if obj is None:
            new.append(Reassessment(submission_id=r.submission_id, version=r.version, **values))
        else:
            for name, value in values.items():
                setattr(obj, name, value)
            old.append(obj)
    Reassessment.objects.bulk_update(
        old,
        ["assessment", "route", "review_level", "recommendation", "counted_tce", "assessed_at"],
        batch_size=500,
    )
    Reassessment.objects.bulk_create(new, batch_size=500)
