"""Field readers of the input JSON: numbers, strings, booleans and lists, each error collected
under its path, with the limits every list, text and number must respect."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from rules.engine.messages import ErrorMessage, error

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE_WORDS = frozenset({"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity"})
_NOT_FINITE_WORDS |= {"+infinity", "-infinity"}

# Limits on every list and text (no input may exhaust a worker); numbers are capped far above
# any real plant so that no product of quantity × factor × coefficient can overflow.
MAX_LINES: Final = 100
MAX_TEXT: Final = 200
MAX_DESCRIPTION: Final = 500
MAX_NUMBER: Final = 1e15


class InvalidFacts(ValueError):
    """The payload has errors; ``errors`` maps each field path to its messages."""

    def __init__(self, errors: Mapping[str, Sequence[ErrorMessage]]) -> None:
        self.errors: dict[str, list[ErrorMessage]] = {k: list(v) for k, v in errors.items()}
        super().__init__(f"invalid facts: {', '.join(self.errors)}")

    def as_dict(self, lang: str = "zh") -> dict[str, dict[str, list[str]]]:
        """``{"errors": {path: [message, ...]}}`` in ``lang`` (Chinese unless English)."""
        return {
            "errors": {
                path: [message.text(lang) for message in messages]
                for path, messages in self.errors.items()
            }
        }


class Collector:
    def __init__(self) -> None:
        self.errors: dict[str, list[ErrorMessage]] = {}

    def add(self, path: str, code: str, **params: Any) -> None:
        self.errors.setdefault(path, []).append(error(code, **params))

    def has_under(self, prefix: str) -> bool:
        return any(path == prefix or path.startswith(prefix + ".") for path in self.errors)


_MISSING: Final = object()


def _to_float(value: Any) -> float | str:
    """The number, or the error code: numbers and numeric strings; no bool, NaN or infinity."""
    kind = type(value)
    number: float
    if kind is float:
        number = value
    elif kind is bool:
        return "not_number"
    elif kind is str:
        text = value.strip()
        if text.lower() in _NOT_FINITE_WORDS:
            return "not_finite"
        if not _NUMBER.fullmatch(text):
            return "not_number"
        number = float(text)
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            return "not_finite"
    else:
        return "not_number"
    if not math.isfinite(number):
        return "not_finite"
    return number


def is_object(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


def read_number(
    data: Mapping[str, Any],
    key: str,
    path: str,
    errors: Collector,
    *,
    minimum: str = "zero",
    default: float | None | object = _MISSING,
) -> float | None:
    """A number field; ``minimum`` is ``"zero"`` (≥ 0), ``"positive"`` (> 0) or ``"any"``.

    Absent or null: ``default``, or a ``required`` error when there is none.
    """
    value = data.get(key)
    if value is None:
        if default is _MISSING:
            errors.add(path, "required")
            return None
        return default if isinstance(default, float) else None
    number = _to_float(value)
    if isinstance(number, str):
        errors.add(path, number)
        return None
    if abs(number) > MAX_NUMBER:
        errors.add(path, "too_large", limit=MAX_NUMBER)
        return None
    if minimum == "zero" and number < 0:
        errors.add(path, "negative")
        return None
    if minimum == "positive" and number <= 0:
        errors.add(path, "not_positive")
        return None
    return number + 0.0  # no -0.0


def read_string(
    data: Mapping[str, Any],
    key: str,
    path: str,
    errors: Collector,
    *,
    required: bool,
    limit: int = MAX_TEXT,
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            errors.add(path, "required")
        return None
    if not isinstance(value, str):
        errors.add(path, "not_string")
        return None
    if len(value) > limit:
        errors.add(path, "too_long", limit=limit)
        return None
    return value


def read_boolean(data: Mapping[str, Any], key: str, errors: Collector) -> bool:
    value = data.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        errors.add(key, "not_boolean")
        return False
    return value


def read_list(data: Mapping[str, Any], key: str, errors: Collector) -> list[tuple[str, Any]]:
    """``(path, item)`` for each item of a list field; absent or null is an empty list."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        errors.add(key, "not_list")
        return []
    if len(value) > MAX_LINES:
        errors.add(key, "too_many", limit=MAX_LINES)
        return []
    return [(f"{key}.{index}", item) for index, item in enumerate(value)]
