"""Chinese numerals for dates and ordinals, and small text helpers of the documents."""

from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any

_DIGITS = "零一二三四五六七八九"
_DATE_DIGITS = "〇一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 25 -> 二十五 (1..99)."""
    if n < 10:
        return _DIGITS[n]
    tens, units = divmod(n, 10)
    return f"{_DIGITS[tens] if tens > 1 else ''}十{_DIGITS[units] if units else ''}"


def chinese_date(value: date) -> str:
    """`2026年3月20日` (Arabic numerals, for running text)."""
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_numeral_date(value: date) -> str:
    """`二〇二六年三月二十日`: the date of the 落款 in Chinese numerals."""
    year = "".join(_DATE_DIGITS[int(d)] for d in str(value.year))
    return f"{year}年{chinese_ordinal(value.month)}月{chinese_ordinal(value.day)}日"


_ENUMERATOR = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[）)、.．]|[-•·])\s*")


def text_items(text: str) -> list[str]:
    """Non-empty lines of a free-text field, with leading enumerators (`1.`, `（一）`) removed."""
    return [_ENUMERATOR.sub("", line).strip() for line in text.splitlines() if line.strip()]


def clean_item(text: str) -> str:
    return _ENUMERATOR.sub("", str(text)).strip()


_NOISE = re.compile(r"[\s，。、；：,.;:（）()“”\"'《》]")


def _norm(text: str) -> str:
    return _NOISE.sub("", text)


def merge_items(*groups: list[str], similarity: float = 0.8) -> list[str]:
    """The items of `groups` in order, dropping any that repeats an earlier one: equal after
    punctuation is ignored, one containing the other, or nearly the same wording."""
    kept: list[str] = []
    keys: list[str] = []
    for group in groups:
        for item in group:
            key = _norm(item)
            if not key:
                continue
            duplicate = any(
                key == k
                or (len(key) >= 8 and key in k)
                or (len(k) >= 8 and k in key)
                or difflib.SequenceMatcher(None, key, k).ratio() >= similarity
                for k in keys
            )
            if not duplicate:
                kept.append(item)
                keys.append(key)
    return kept


def num(value: Any, decimals: int = 2) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{decimals}f}"


def quantity(value: Any) -> str:
    """A quantity as stated: thousands separators, no trailing zeros."""
    if value is None:
        return "—"
    text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def items(texts: list[str]) -> list[dict[str, str]]:
    return [{"ordinal": chinese_ordinal(i), "text": t} for i, t in enumerate(texts, start=1)]
