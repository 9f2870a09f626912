"""Export: a table's rows with the same columns and Chinese headers and labels the import reads
back, as CSV (with a BOM, for Excel) or XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from config.spreadsheets import safe_row

from .specs import (
    Column,
    TableSpec,
)


# --------------------------------------------------------------------------------------------
# Export (the same columns, re-importable)
# --------------------------------------------------------------------------------------------
def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return ""
    if column.export is not None:
        return column.export(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _choice_labels(spec: TableSpec) -> dict[str, dict[Any, str]]:
    """Columns of coded values, as code -> the Chinese label the import accepts back."""
    out: dict[str, dict[Any, str]] = {}
    for column in spec.columns:
        try:
            choices = spec.model._meta.get_field(column.name).choices
        except FieldDoesNotExist:
            continue
        if choices:
            out[column.name] = {value: str(label) for value, label in choices}
    return out


def table_export_rows(spec: TableSpec, queryset: Iterable[Any]) -> Iterator[list[Any]]:
    """The header then one row per object, as people read them and the import reads them back:
    Chinese headers (each column's first accepted header), coded values by their Chinese label
    (在建, 整改), yes/no as 是/否."""
    yield safe_row(c.labels[0] if c.labels else c.name for c in spec.columns)
    coded = _choice_labels(spec)
    for obj in queryset:
        yield safe_row(
            coded[c.name].get(value, value) if c.name in coded else _cell(c, value)
            for c in spec.columns
            for value in (getattr(obj, c.name),)
        )


def table_export_csv(spec: TableSpec, queryset: Iterable[Any]) -> bytes:
    """UTF-8 CSV with a BOM, so that Excel shows the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table_export_rows(spec, queryset):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_export_xlsx(spec: TableSpec, queryset: Iterable[Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.title)
    for row in table_export_rows(spec, queryset):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
