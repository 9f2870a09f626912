"""What an import reports: a bad row (:class:`RowError`), a rejected file
(:class:`ImportRejected`, nothing written), a done import (:class:`ImportResult`), and the
:class:`CellError` a cell reader raises. Every other part of the import raises or returns these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


# --------------------------------------------------------------------------------------------
# Errors and results
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one row; ``row`` is the file's row number (header = 1), 0 for the file."""

    row: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = _("第%(row)d行") % {"row": self.row} if self.row else _("文件")
        if self.column:
            return _("%(where)s，%(column)s：%(message)s") % {
                "where": where,
                "column": self.column,
                "message": self.message,
            }
        return f"{where}：{self.message}"


# At most this many errors are listed in an import report (the total is always given).
ERROR_REPORT_MAX = 200


class ImportRejected(Exception):
    """The file has errors; nothing was written. ``errors`` lists every one, by row."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} errors")

    @property
    def rows(self) -> list[int]:
        """The distinct bad row numbers, in file order."""
        return sorted({e.row for e in self.errors})

    def lines(self, limit: int | None = None) -> list[str]:
        """The errors as text: the first ``limit`` (ERROR_REPORT_MAX by default), then one line
        with the total, so a file of 300,000 bad rows gives a short report, not 87 MB."""
        limit = ERROR_REPORT_MAX if limit is None else limit
        shown = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            shown.append(
                _("……其余%(rest)d处错误未列出（共%(total)d处）。")
                % {"rest": len(self.errors) - limit, "total": len(self.errors)}
            )
        return shown


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: rows read, created, updated, left unchanged, cases flagged."""

    rows: int
    created: int
    updated: int
    unchanged: int
    flagged_cases: int = 0

    def summary(self) -> str:
        text = _("共%(rows)d行：新增%(created)d条，更新%(updated)d条，未变化%(unchanged)d条。") % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.flagged_cases:
            text += _("已标记受影响的在办案件%(n)d件。") % {"n": self.flagged_cases}
        return text


class CellError(ValueError):
    """A cell's value is not acceptable; the message says why (Chinese)."""
