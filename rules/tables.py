"""Report tables: :class:`Table` (what a page shows, a chart draws and an export writes), the
display of its cells and its exports as CSV and XLSX.

Every cell is escaped; ``Table.body_html`` is safe to insert. The charts drawn from a table are
in :mod:`rules.charts`, which re-exports the names here.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from config.spreadsheets import safe_row


@dataclass(frozen=True)
class Table:
    """A report table: what the page shows, what a chart draws and what an export writes.

    ``key`` names the export (``overview-states``); ``rows`` hold plain values (str, int, float,
    date or ``None``); numbers are kept unrounded and formatted by the template or the file.
    """

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    numeric: tuple[int, ...] = ()  # indexes of numeric columns (right-aligned)
    note: str = ""

    @property
    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Cells as (text, is_numeric): numbers grouped by thousands (the zh-hans locale
        groups none), dates in ISO form, missing values as a dash."""
        return [
            [
                (display_value(value), True)
                if index in self.numeric
                else (display_text(value), False)
                for index, value in enumerate(row)
            ]
            for row in self.rows
        ]

    @property
    def body_html(self) -> SafeString:
        """The rows of ``display_rows`` as ``<tr>`` markup, every cell escaped: what
        ``rules/_table.html`` looped over cell by cell in the template language, built here at a
        fraction of the cost (a 31-province budget table is 310 cells; issue 14)."""
        return mark_safe(  # noqa: S308 - every cell passes _cell_escape
            "".join(
                "<tr>"
                + "".join(
                    f'<td class="num">{_cell_escape(text)}</td>'
                    if numeric
                    else f"<td>{_cell_escape(text)}</td>"
                    for text, numeric in row
                )
                + "</tr>"
                for row in self.display_rows
            )
        )


def _cell_escape(text: Any) -> str:
    """``conditional_escape(text)`` without its lazy-string wrapper (a cell is a plain string):
    a safe string as it is, anything else through ``html.escape``, as Django's ``escape`` does."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def display_text(value: Any) -> str:
    """A non-numeric column's cell: codes and years as written, dates in ISO form."""
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return display_value(value)
    return str(value)


def display_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(float(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def format_number(value: float) -> str:
    """Numbers of cells, axes and tooltips: thousands separators, at most two decimals."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------------------
def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def table_csv(table: Table) -> bytes:
    """UTF-8 CSV with a BOM (so spreadsheet software opens the Chinese headers correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(table.columns))
    for row in table.rows:
        writer.writerow(
            safe_row(
                "" if v is None else (v.isoformat() if isinstance(v, date) else _cell(v))
                for v in row
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    """One worksheet named after the table: bold header row, numbers as numbers, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    sheet.append(safe_row(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(safe_row(_cell(v) for v in row))
    for index, column in enumerate(table.columns, start=1):
        longest = max([len(str(column))] + [len(str(r[index - 1] or "")) for r in table.rows])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, 4 + longest * 2)
        if index - 1 in table.numeric:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "#,##0.00" if isinstance(cell.value, float) else "#,##0"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]
