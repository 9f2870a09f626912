"""One way to read and one way to show numbers, for every form, API and page.

People type numbers as they print them: 「380,000」, 「３８０，０００」, 「1 234.5」, 「12.5%」 is
not a number here. `normalize_number` turns such text into the plain ASCII form the engine and
Django's fields read (「380000」); anything that is not a number is returned unchanged so that
the caller's own validation names the field. `format_number` prints with thousands separators.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

# Full-width digits, signs and punctuation (U+FF10..U+FF19 etc.) to ASCII.
_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "－": "-",
        "＋": "+",
        "\u2212": "-",  # minus sign
        "ｅ": "e",
        "Ｅ": "E",
        "。": ".",
        "、": ",",
    }
)
# Thousands groups: 1,234 or 1,234,567.89 (commas only between groups of three digits).
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u3000'_]")


def normalize_number(value: Any) -> Any:
    """Typed number text in ASCII without separators; other values unchanged.

    「380,000」 → 「380000」, 「３８０，０００．５」 → 「380000.5」, 「1 234」 → 「1234」.
    A comma that does not separate groups of three digits (「3,80」) is left: still invalid.
    """
    if not isinstance(value, str):
        return value
    text = _SPACES.sub("", value.translate(_FULL_WIDTH))
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    return text if text != "" or value.strip() == "" else value


def parse_decimal(value: Any) -> Decimal | None:
    """A Decimal from typed text (after `normalize_number`), or None when it is not one."""
    text = normalize_number(value)
    if text in (None, ""):
        return None
    try:
        number = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _trimmed(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_number(value: Any, places: int | None = None, *, trim: bool = True) -> str:
    """「300000.0」 → 「300,000」; 「244941.5」 → 「244,941.5」; `places` fixes the decimals.

    With `places` and `trim`, trailing zeros go (「0.3000」 → 「0.3」); `trim=False` keeps them
    (for columns of figures that must line up). None and "" print as 「—」.
    """
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else parse_decimal(str(value))
    if number is None:
        return str(value)
    if places is None:
        # Up to 4 decimals, and as many as needed for small values.
        places = 2 if abs(number) >= 100 else 4
        text = f"{number:,.{places}f}"
        return _trimmed(text)
    text = f"{number:,.{places}f}"
    return _trimmed(text) if trim else text
