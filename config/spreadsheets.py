"""One escaping rule for every cell this service writes to a CSV or XLSX file.

A spreadsheet program treats a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some programs, a tab or carriage return before one) as a formula: an organization named
``=HYPERLINK("http://evil", "点此")`` would become a live link or command in the reviewer's
Excel. Every export passes each cell through :func:`safe_cell`, which prefixes such text with an
apostrophe (OWASP's "CSV injection" advice) so that it is shown as the text it is. Numbers, dates
and other non-text values are left alone. Imports call :func:`unescape_cell` to read back what an
export wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
ESCAPE = "'"


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may show it without evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return ESCAPE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def unescape_cell(value: Any) -> Any:
    """The text an export escaped with :func:`safe_cell`, back as it was."""
    if (
        isinstance(value, str)
        and value.startswith(ESCAPE)
        and value[1:].startswith(FORMULA_PREFIXES)
    ):
        return value[1:]
    return value
