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

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from review.models import CaseState, ReviewCase
from rules.imports import ImportRejected, RowError, Source, table_rows

from ..models import FlagKind, MonthlyEnergy, SupervisionFlag
from ..rolling import add_months, rolling_at
from . import common

CHUNK = 900  # keeps ``__in`` lists under SQLite's variable limit
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
    match = _MONTH_RE.match(_text(raw))
    if not match:
        raise ValueError("月份格式应为YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValueError("月份超出范围")
    return date(year, month, 1)


def parse_tce(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("应为数字")
    text = _text(raw).replace(",", "")
    if not text:
        raise ValueError("不能为空")
    value = float(text)
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
    return parsed


def _projects_by_code(codes: set[str]) -> dict[str, int]:
    """Project code → project id of the approved case (the latest one when several)."""
    found: dict[str, int] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), CHUNK):
        rows = (
            ReviewCase.objects.filter(
                state=CaseState.APPROVED, project__project_code__in=ordered[start : start + CHUNK]
            )
            .order_by("pk")
            .values_list("project__project_code", "project_id")
        )
        found.update(rows)
    return found


def _header_index(header: Sequence[Any]) -> dict[str, int]:
    keys = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = keys.get(_text(cell).lower().replace(" ", ""))
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
    ids = sorted(set(project_ids))
    for start in range(0, len(ids), CHUNK):
        rows = MonthlyEnergy.objects.filter(
            project_id__in=ids[start : start + CHUNK], month__in=sorted(months)
        ).values_list("project_id", "month", "tce")
        out.update({(p, m): t for p, m, t in rows})
    return out


@transaction.atomic
def monitoring_store(
    records: Sequence[Record], *, source: str, by: Any = None, today: date | None = None
) -> MonitoringResult:
    """Upsert checked records and evaluate the affected projects (all in one transaction)."""
    today = common.today_or(today)
    by_code = _projects_by_code({r.project_code for r in records})
    keyed = [(by_code[r.project_code], r) for r in records]
    existing = _existing([p for p, _ in keyed], {r.month for r in records})
    now = timezone.now()
    to_write = []
    created = updated = unchanged = 0
    for project_id, record in keyed:
        old = existing.get((project_id, record.month))
        if old is None:
            created += 1
        elif abs(old - record.tce) < 1e-9:
            unchanged += 1
            continue
        else:
            updated += 1
        to_write.append(
            MonthlyEnergy(
                project_id=project_id,
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
    flagged = monitoring_evaluate(project_ids=sorted({p for p, _ in keyed}), by=by, today=today)
    return MonitoringResult(len(records), created, updated, unchanged, flagged)


def monitoring_import(
    source: Source, *, filename: str = "", by: Any = None, today: date | None = None
) -> MonitoringResult:
    """The admin's file import. Raises ImportRejected (nothing written) listing every bad row."""
    today = common.today_or(today)
    records = file_records(source, filename=filename, today=today)
    return monitoring_store(records, source=MonthlyEnergy.Source.IMPORT, by=by, today=today)


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
def _values_for(project_ids: Sequence[int]) -> dict[int, dict[date, float]]:
    latest: dict[int, date] = {}
    for start in range(0, len(project_ids), CHUNK):
        chunk = project_ids[start : start + CHUNK]
        latest.update(
            MonthlyEnergy.objects.filter(project_id__in=chunk)
            .values("project_id")
            .annotate(last=Max("month"))
            .values_list("project_id", "last")
        )
    if not latest:
        return {}
    since = add_months(min(latest.values()), -11)
    values: dict[int, dict[date, float]] = {p: {} for p in latest}
    for start in range(0, len(project_ids), CHUNK):
        rows = MonthlyEnergy.objects.filter(
            project_id__in=project_ids[start : start + CHUNK], month__gte=since
        ).values_list("project_id", "month", "tce")
        for project_id, month, tce in rows:
            values[project_id][month] = tce
    return values


def monitoring_evaluate(
    *, project_ids: Sequence[int], by: Any = None, today: date | None = None
) -> int:
    """Compare each project's latest full 12 months with its approved case's figure. A window
    10% or more above it raises one flag per case and window end (idempotent), records an
    event and notifies the authority and the owner, who is offered a change application.
    Open flags of projects now below the line are resolved. Returns the number of new flags."""
    values = _values_for(list(project_ids))
    if not values:
        return 0
    cases: dict[int, ReviewCase] = {}
    ids = sorted(values)
    for start in range(0, len(ids), CHUNK):
        for case in ReviewCase.objects.filter(
            state=CaseState.APPROVED, project_id__in=ids[start : start + CHUNK]
        ).order_by("pk"):
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
    for start in range(0, len(below), CHUNK):
        SupervisionFlag.objects.filter(
            case_id__in=below[start : start + CHUNK],
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
