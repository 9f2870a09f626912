"""Numbers typed as text in JSON, for the APIs (the forms use ``common.fields``).

A JSON number stays a number. A string in a number field (the APIs read numeric strings, as the
engine does) goes through the one parser: 「1,000.5」 → 「1000.5」, 「３８０，０００」 → 「380000」.
A comma that does not separate groups of three digits (「1,00」, 「1.000,5」) is refused with a
message saying so, under the field's own path, rather than a bare 「应为数字。」.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .numbers import normalize_number


def misgrouped_message(text: str) -> str:
    return _("「%(text)s」的千位分隔符位置不对：逗号须每三位数字一组（如 1,000 或 1,000.5）。") % {
        "text": text
    }


def read_typed_number(value: Any) -> tuple[Any, str | None]:
    """``(value, None)`` with a string normalised (other values unchanged), or ``(value,
    message)`` when the string's separators are mis-grouped."""
    if not isinstance(value, str):
        return value, None
    text = normalize_number(value)
    if isinstance(text, str) and "," in text:
        return value, misgrouped_message(value.strip())
    return text, None
