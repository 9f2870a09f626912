"""能耗在线监测: monthly energy use per project code, imported from a file (admin) or pushed by
a monitoring platform (API); then each affected project's rolling 12 months is compared with the
approved figure and a project 10% or more above it is flagged (方案（十五）; 2023《办法》).

All-or-nothing: every row is checked first and every bad row reported (``第N行``, the header
being row 1, or ``第N条`` for an API record); only a clean batch is written, in one transaction.
Writing is an idempotent upsert on (project, month): unchanged values are not written again.
Bulk statements throughout: 12 months × 10,000 projects import in seconds on PostgreSQL
(``benchmarks/bench_monitoring.py``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from common.number_input import read_typed_number
from review.models import CaseState, ReviewCase
from rules.imports import ImportRejected, RowError, Source, table_rows

from ..models import FlagKind, MonthlyEnergy, SupervisionFlag
from ..rolling import add_months, rolling_at
from . import common

BATCH_IN = {"sqlite": 900}  # keeps ``__in`` lists under SQLite's variable limit
BATCH = 5000
MAX_ROWS = 500_000
MAX_TCE = 1.0e9
COLUMNS: dict[str, tuple[str, ...]] = {
    "project_code": ("project_code", "项目代码"),
    "month": ("month", "月份", "统计月份"),
    "tce": ("tce", "energy_tce", "综合能源消费量", "综合能耗", "综合能源消费量（吨标准煤）"),
}
_MONTH_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:月)?(?:[-/.](\d{1,2}))?$")


@dataclass(frozen=True, slots=True)
class Record:
    row: int
    project_code: str
    month: date
    tce: float
    project_id: int = 0


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    size = BATCH_IN.get(connection.vendor, 10_000)
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
# Reading
# --------------------------------------------------------------------------------------------
def _text(raw: Any) -> str:
    if type(raw) is str:  # the common case (CSV cells): no other conversion needed
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).replace("\ufeff", "").strip()


def parse_month(raw: Any) -> date:
    """``2026-03``, ``2026/3``, ``2026年3月``, ``2026-03-01`` or a date cell → first day."""
    if isinstance(raw, datetime | date):
        return date(raw.year, raw.month, 1)
    text = _text(raw)
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        year, month = int(text[:4]), int(text[5:])  # the usual YYYY-MM, without the regex
        if not 2000 <= year <= 2100 or not 1 <= month <= 12:
            raise ValueError("月份超出范围")
        return date(year, month, 1)
    match = _MONTH_RE.match(text)
    if not match:
        raise ValueError("月份格式应为YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValueError("月份超出范围")
    return date(year, month, 1)


def parse_tce(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("应为数字")
    text, misgrouped = read_typed_number(_text(raw))  # 「1,234.5」, full-width digits
    if misgrouped:
        raise ValueError(misgrouped)
    if not text:
        raise ValueError("不能为空")
    try:
        value = float(text)
    except ValueError:
        raise ValueError("应为数字") from None
    if not math.isfinite(value) or value < 0 or value > MAX_TCE:
        raise ValueError("应为不小于0的有限数字")
    return value


def check_records(
    raw: Iterable[tuple[int, Any, Any, Any]], *, today: date, label: str = "行"
) -> list[Record]:
    """Check ``(row, project_code, month, tce)`` tuples; raise ImportRejected listing every bad
    row (unknown project code, bad month, future month, bad number, duplicate)."""
    errors: list[RowError] = []
    parsed: list[Record] = []
    seen: dict[tuple[str, date], int] = {}
    current = date(today.year, today.month, 1)
    for row, code_raw, month_raw, tce_raw in raw:
        code = _text(code_raw)
        bad = False
        if not code:
            errors.append(RowError(row, "不能为空", "项目代码"))
            bad = True
        try:
            month = parse_month(month_raw)
            if month > current:
                raise ValueError("不能晚于本月")
        except ValueError as exc:
            errors.append(RowError(row, str(exc), "月份"))
            bad = True
        try:
            tce = parse_tce(tce_raw)
        except ValueError as exc:
            errors.append(RowError(row, str(exc) or "应为数字", "综合能源消费量"))
            bad = True
        if bad:
            continue
        key = (code, month)
        if key in seen:
            errors.append(RowError(row, f"与第{seen[key]}{label}重复（同一项目同一月份）", "月份"))
            continue
        seen[key] = row
        parsed.append(Record(row, code, month, tce))
    projects = _projects_by_code({r.project_code for r in parsed})
    for record in parsed:
        if record.project_code not in projects:
            errors.append(RowError(record.row, "未找到审查通过的该项目代码", "项目代码"))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return [Record(r.row, r.project_code, r.month, r.tce, projects[r.project_code]) for r in parsed]


def _projects_by_code(codes: set[str]) -> dict[str, int]:
    """Project code → project id of the approved case (the latest one when several)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(codes)):
        rows = (
            ReviewCase.objects.filter(state=CaseState.APPROVED, project__project_code__in=chunk)
            .order_by("pk")
            .values_list("project__project_code", "project_id")
        )
        found.update(rows)
    return found


def _header_index(header: Sequence[Any]) -> dict[str, int]:
    keys = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = keys.get(_text(cell).replace("\ufeff", "").lower().replace(" ", ""))
        if name and name not in index:
            index[name] = position
    missing = [COLUMNS[n][1] for n in COLUMNS if n not in index]
    if missing:
        raise ImportRejected([RowError(1, "缺少列：" + "、".join(missing))])
    return index


def file_records(source: Source, *, filename: str = "", today: date) -> list[Record]:
    """Read and check a CSV/XLSX file: a header row (English or Chinese column names), then
    ``project_code, month, tce`` per row."""
    rows = table_rows(source, filename=filename)
    header: dict[str, int] | None = None
    raw: list[tuple[int, Any, Any, Any]] = []
    for number, cells in rows:
        if header is None:
            if not any(_text(c) for c in cells):
                continue
            header = _header_index(cells)
            continue
        if not any(_text(c) for c in cells):
            continue
        if len(raw) >= MAX_ROWS:
            raise ImportRejected([RowError(number, f"文件超过{MAX_ROWS}行")])
        picked = [
            cells[header[n]] if header[n] < len(cells) else None
            for n in ("project_code", "month", "tce")
        ]
        raw.append((number, picked[0], picked[1], picked[2]))
    if header is None:
        raise ImportRejected([RowError(0, "文件为空")])
    return check_records(raw, today=today)


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
