"""能耗在线监测, the reading half: monthly energy records (``project_code, month, tce``) parsed
and checked, from a CSV/XLSX file (``第N行``, the header being row 1) or from a platform's
pushed records (``第N条``). Every bad row is reported at once (ImportRejected); nothing here
writes. The writing and the evaluation against the approved figure are in
``supervision.services.monitoring``, which re-exports these names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection

from common.number_input import read_typed_number
from review.models import CaseState, ReviewCase
from rules.imports import ImportRejected, RowError, Source, table_rows

BATCH_IN = {"sqlite": 900}  # keeps ``__in`` lists under SQLite's variable limit
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
