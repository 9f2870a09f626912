"""Reading files: the uploaded bytes decoded (CSV in UTF-8 or GB18030, or XLSX) into numbered
rows, the header row located among the first rows, and every row read and checked against its
table spec (:func:`table_parse`), collecting every bad row before anything is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from .cells import (
    _PARENS,
    _SPACES,
    _text,
)
from .results import CellError, ImportRejected, RowError
from .specs import (
    Column,
    TableSpec,
)

HEADER_SEARCH_ROWS = 10


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------
Source = IO[bytes] | bytes | str | Path


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM; a file saved by Chinese Excel as GB18030 is accepted too."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRejected([RowError(0, _("CSV文件应为UTF-8编码"))]) from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    yield from enumerate(reader, start=1)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ImportRejected([RowError(0, _("无法读取XLSX文件（文件损坏或格式不符）"))]) from None
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()


def table_rows(source: Source, *, filename: str = "") -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` of a CSV or XLSX file (by content, else by file name)."""
    data = _read_bytes(source)
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected([RowError(0, _("不支持旧版.xls格式，请另存为.xlsx或CSV后导入"))])
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportRejected([RowError(0, _("无法读取XLSX文件（文件损坏或格式不符）"))])
    return _csv_rows(data)


def _header_key(value: Any) -> str:
    text = _text(value).lstrip("*＊").rstrip("*＊")
    text = _PARENS.sub("", text)
    return _SPACES.sub("", text).lower().replace("-", "_")


def _header_map(spec: TableSpec) -> dict[str, str]:
    out: dict[str, str] = {}
    for column in spec.columns:
        out[_header_key(column.name)] = column.name
        field_ = spec.model._meta.get_field(column.name)
        out.setdefault(_header_key(str(field_.verbose_name)), column.name)
        for label in column.labels:
            out.setdefault(_header_key(label), column.name)
    return out


def _locate_header(
    spec: TableSpec, rows: Iterator[tuple[int, list[Any]]]
) -> tuple[int, dict[int, str]]:
    """The header row (first row naming at least two known columns, within the first rows)."""
    known = _header_map(spec)
    for number, cells in rows:
        mapping = {i: known[k] for i, cell in enumerate(cells) if (k := _header_key(cell)) in known}
        if len(set(mapping.values())) >= 2:
            return number, mapping
        if number >= HEADER_SEARCH_ROWS:
            break
    expected = "、".join(f"{c.labels[0]}（{c.name}）" for c in spec.columns)
    raise ImportRejected([RowError(1, _("未找到表头，应包含列：%(cols)s") % {"cols": expected})])


@dataclass(slots=True)
class _Parsed:
    rows: list[tuple[int, dict[str, Any]]]


def table_parse(spec: TableSpec, source: Source, *, filename: str = "") -> _Parsed:
    """Read and check every row; raise :class:`ImportRejected` listing every problem."""
    rows = table_rows(source, filename=filename)
    header_row, mapping = _locate_header(spec, rows)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, name in mapping.items():
        if name in seen:
            errors.append(RowError(header_row, _("列“%(name)s”出现了不止一次") % {"name": name}))
        seen[name] = index
    present = frozenset(mapping.values())
    for column in spec.columns:
        if column.required and column.name not in present:
            errors.append(
                RowError(
                    header_row,
                    _("缺少列“%(label)s”（%(name)s）")
                    % {"label": column.labels[0], "name": column.name},
                )
            )
    if errors:
        raise ImportRejected(errors)

    parsed: list[tuple[int, dict[str, Any]]] = []
    keys: dict[tuple[Any, ...], int] = {}
    for number, cells in rows:
        if not any(_text(c) for c in cells):
            continue
        values: dict[str, Any] = {}
        row_ok = True
        for column in spec.columns:
            index = seen.get(column.name)
            if index is None:
                values[column.name] = column.default
                continue
            raw = cells[index] if index < len(cells) else None
            try:
                values[column.name] = column.read(raw)
            except CellError as exc:
                errors.append(RowError(number, str(exc), _column_label(spec, column)))
                row_ok = False
        if not row_ok:
            continue
        key = tuple(values[k] for k in spec.key)
        if key in keys:
            errors.append(
                RowError(
                    number,
                    _("与第%(other)d行重复（%(key)s）")
                    % {"other": keys[key], "key": "、".join(str(k) for k in key if k is not None)},
                    "、".join(_column_label(spec, c) for c in spec.columns if c.name in spec.key),
                )
            )
            continue
        keys[key] = number
        if spec.derive is not None:
            spec.derive(values)
        parsed.append((number, values))
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([RowError(header_row, _("文件中没有数据行"))])
    return _Parsed(parsed)


def _column_label(spec: TableSpec, column: Column) -> str:
    return str(spec.model._meta.get_field(column.name).verbose_name)
