"""CSV/XLSX downloads of the supervision tables, every text cell escaped against formula
injection: a cell starting with = + - @ (or a tab/carriage return, or their full-width forms)
is prefixed with an apostrophe so that a spreadsheet shows it as text (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.http import Http404, HttpResponse

from rules.charts import Table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, float):
        return round(value, 2)
    return value


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                "" if v is None else (v.isoformat() if isinstance(v, date) else safe_cell(v))
                for v in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (table.title or "Sheet")[:31]
    sheet.append([safe_cell(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(table: Table, fmt: str) -> HttpResponse:
    if fmt == "csv":
        body, content_type = table_csv(table), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = table_xlsx(table)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{table.key}.{fmt}"'
    return response
