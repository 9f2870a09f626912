"""能耗在线监测: monthly energy use per project code, imported from a file (admin) or pushed by
a monitoring platform (API); then each affected project's rolling 12 months is compared with the
approved figure and a project 10% or more above it is flagged (方案（十五）; 2023《办法》).

All-or-nothing: every row is checked first and every bad row reported (``第N行``, the header
being row 1, or ``第N条`` for an API record); only a clean batch is written, in one transaction.
Writing is an idempotent upsert on (project, month): unchanged values are not written again.
Bulk statements throughout: 12 months × 10,000 projects import in seconds on PostgreSQL
(``benchmarks/bench_monitoring.py``).

This module holds the writing and the evaluation; reading and checking the records (files and
pushes) is in ``monitoring_records``, whose names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from review.models import CaseState, ReviewCase
from rules.imports import ImportRejected, Source

from ..models import FlagKind, MonthlyEnergy, SupervisionFlag
from ..rolling import add_months, rolling_at
from . import common
from .monitoring_records import BATCH_IN as BATCH_IN
from .monitoring_records import COLUMNS as COLUMNS
from .monitoring_records import MAX_ROWS as MAX_ROWS
from .monitoring_records import MAX_TCE as MAX_TCE
from .monitoring_records import Record as Record
from .monitoring_records import _chunks
from .monitoring_records import check_records as check_records
from .monitoring_records import file_records as file_records
from .monitoring_records import parse_month as parse_month
from .monitoring_records import parse_tce as parse_tce

BATCH = 5000


@dataclass(frozen=True, slots=True)
class MonitoringResult:
    rows: int
    created: int
    updated: int
    unchanged: int
    flagged: int

    def summary(self) -> str:
        return (
            f"共{self.rows}行：新增{self.created}条，更新{self.updated}条，"
            f"未变化{self.unchanged}条；新标记超批复项目{self.flagged}个。"
        )


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def _existing(project_ids: Sequence[int], months: set[date]) -> dict[tuple[int, date], float]:
    out: dict[tuple[int, date], float] = {}
    for chunk in _chunks(sorted(set(project_ids))):
        rows = MonthlyEnergy.objects.filter(
            project_id__in=chunk, month__in=sorted(months)
        ).values_list("project_id", "month", "tce")
        out.update({(p, m): t for p, m, t in rows})
    return out


def _upsert_orm(records: Sequence[Record], *, source: str) -> tuple[int, int, int]:
    """Portable path (SQLite): read what is stored, write only new and changed rows."""
    existing = _existing([r.project_id for r in records], {r.month for r in records})
    now = timezone.now()
    to_write = []
    created = updated = unchanged = 0
    for record in records:
        old = existing.get((record.project_id, record.month))
        if old is None:
            created += 1
        elif abs(old - record.tce) < 1e-9:
            unchanged += 1
            continue
        else:
            updated += 1
        to_write.append(
            MonthlyEnergy(
                project_id=record.project_id,
                month=record.month,
                tce=record.tce,
                source=source,
                updated_at=now,
            )
        )
    MonthlyEnergy.objects.bulk_create(
        to_write,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["project", "month"],
        update_fields=["tce", "source", "updated_at"],
    )
    return created, updated, unchanged


def _upsert_pg(records: Sequence[Record], *, source: str) -> tuple[int, int, int]:
    """PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT that updates only
    changed values; ``xmax = 0`` in RETURNING tells inserted rows from updated ones."""
    table = MonthlyEnergy._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE sv_monthly_in (project_id bigint, month date, "
            "tce double precision) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY sv_monthly_in (project_id, month, tce) FROM STDIN") as copy:
            for r in records:
                copy.write_row((r.project_id, r.month, r.tce))
        cursor.execute(
            f"INSERT INTO {table} (project_id, month, tce, source, updated_at) "  # noqa: S608
            "SELECT project_id, month, tce, %s, %s FROM sv_monthly_in "
            "ON CONFLICT (project_id, month) DO UPDATE SET tce = EXCLUDED.tce, "
            "source = EXCLUDED.source, updated_at = EXCLUDED.updated_at "
            f"WHERE {table}.tce IS DISTINCT FROM EXCLUDED.tce "
            "RETURNING (xmax = 0)",
            [source, now],
        )
        flags = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE sv_monthly_in")
    created = sum(1 for inserted in flags if inserted)
    updated = len(flags) - created
    return created, updated, len(records) - len(flags)


@transaction.atomic
def monitoring_store(
    records: Sequence[Record], *, source: str, by: Any = None, today: date | None = None
) -> MonitoringResult:
    """Upsert checked records and evaluate the affected projects (all in one transaction)."""
    today = common.today_or(today)
    if connection.vendor == "postgresql":
        created, updated, unchanged = _upsert_pg(records, source=source)
    else:
        created, updated, unchanged = _upsert_orm(records, source=source)
    since = add_months(min(r.month for r in records), -11) if records else None
    flagged = monitoring_evaluate(
        project_ids=sorted({r.project_id for r in records}), by=by, today=today, since=since
    )
    return MonitoringResult(len(records), created, updated, unchanged, flagged)


def monitoring_import(
    source: Source, *, filename: str = "", by: Any = None, today: date | None = None
) -> MonitoringResult:
    """The admin's file import. Raises ImportRejected (nothing written) listing every bad row."""
    today = common.today_or(today)
    records = file_records(source, filename=filename, today=today)
    return monitoring_store(records, source=MonthlyEnergy.Source.IMPORT, by=by, today=today)


def record_error_lines(exc: ImportRejected) -> list[str]:
    """The errors of a push, numbered by record (``第N条``) rather than file row."""
    return [
        f"第{e.row}条" + (f"，{e.column}" if e.column else "") + f"：{e.message}"
        for e in exc.errors
    ]


def monitoring_push(
    items: Sequence[dict[str, Any]], *, by: Any = None, today: date | None = None
) -> MonitoringResult:
    """The monitoring platform's push: ``[{"project_code", "month", "tce"}]`` (records numbered
    from 1 in errors). Raises ImportRejected (nothing written)."""
    today = common.today_or(today)
    raw = [
        (n, item.get("project_code"), item.get("month"), item.get("tce"))
        for n, item in enumerate(items, start=1)
    ]
    records = check_records(raw, today=today, label="条")
    return monitoring_store(records, source=MonthlyEnergy.Source.API, by=by, today=today)


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------
def _values_for(project_ids: Sequence[int], since: date | None) -> dict[int, dict[date, float]]:
    """Monthly figures of the projects from ``since`` (all when None)."""
    values: dict[int, dict[date, float]] = {}
    for chunk in _chunks(list(project_ids)):
        qs = MonthlyEnergy.objects.filter(project_id__in=chunk)
        if since is not None:
            qs = qs.filter(month__gte=since)
        for project_id, month, tce in qs.values_list("project_id", "month", "tce"):
            values.setdefault(project_id, {})[month] = tce
    return values


def monitoring_evaluate(
    *,
    project_ids: Sequence[int],
    by: Any = None,
    today: date | None = None,
    since: date | None = None,
) -> int:
    """Compare each project's latest full 12 months with its approved case's figure. A window
    10% or more above it raises one flag per case and window end (idempotent), records an
    event and notifies the authority and the owner, who is offered a change application.
    Open flags of projects now below the line are resolved. Returns the number of new flags."""
    values = _values_for(list(project_ids), since)
    if not values:
        return 0
    cases: dict[int, ReviewCase] = {}
    ids = sorted(values)
    for chunk in _chunks(ids):
        for case in (
            ReviewCase.objects.filter(state=CaseState.APPROVED, project_id__in=chunk)
            .only("pk", "project_id", "counted_tce")
            .order_by("pk")
        ):
            cases[case.project_id] = case
    exceeding: dict[int, Any] = {}
    below: list[int] = []
    for project_id, case in cases.items():
        series = values.get(project_id) or {}
        rolling = rolling_at(series, end=max(series), approved_tce=case.counted_tce)
        if rolling.exceeds:
            exceeding[case.pk] = rolling
        else:
            below.append(case.pk)
    for chunk in _chunks(below):
        SupervisionFlag.objects.filter(
            case_id__in=chunk,
            kind=FlagKind.MONITORING_EXCESS,
            resolved_at__isnull=True,
        ).update(resolved_at=timezone.now())
    if not exceeding:
        return 0
    known = set(
        SupervisionFlag.objects.filter(
            case_id__in=list(exceeding), kind=FlagKind.MONITORING_EXCESS
        ).values_list("case_id", "period")
    )
    new = 0
    flagged_cases = ReviewCase.objects.filter(pk__in=list(exceeding)).select_related(
        "project", "submission"
    )
    for case in flagged_cases:
        rolling = exceeding[case.pk]
        if (case.pk, rolling.end) in known:
            continue
        message = (
            f"截至{rolling.end:%Y-%m}的12个月监测能耗{rolling.total_tce:,.0f}吨标准煤，"
            f"较审查意见{rolling.approved_tce:,.0f}吨标准煤高{rolling.excess_pct:.1f}%（≥10%），"
            "应向原节能审查机关申请变更。"
        )
        flag = SupervisionFlag.objects.create(
            case=case,
            kind=FlagKind.MONITORING_EXCESS,
            period=rolling.end,
            message=message[:500],
            detail={
                "rolling_tce": rolling.total_tce,
                "approved_tce": rolling.approved_tce,
                "excess_pct": round(rolling.excess_pct or 0, 2),
            },
        )
        new += 1
        common.record_event(
            case=case,
            actor=by,
            action="sv_monitoring_excess",
            reason=message,
            data={"flag": flag.pk},
        )
        common.notify(
            [*common.authority_users(case), *common.owner_users(case)],
            case=case,
            message=f"{common.title(case)}：{message}",
        )
    return new
