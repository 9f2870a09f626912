"""`{% load numfmt %}`: numbers with separators and units, one filter for every page.

{{ value|num }}              300,000   · 244,941.5 · 0.2990 stays 0.299
{{ value|num:2 }}            244,941.50 (fixed decimals, for columns)
{{ value|qty:"吨标准煤" }}    300,000 吨标准煤 (the unit after a thin space; 「—」 when empty)
"""

from __future__ import annotations

from typing import Any

from django import template

from common.numbers import format_number

register = template.Library()


@register.filter
def num(value: Any, places: Any = None) -> str:
    if places in (None, ""):
        return format_number(value)
    return format_number(value, int(places), trim=False)


@register.filter
def qty(value: Any, unit: str = "") -> str:
    text = format_number(value)
    if text == "—" or not unit:
        return text
    return f"{text} {unit}"
