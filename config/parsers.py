"""Request parsers that turn every malformed body into a 400, never a 500.

The standard JSON parser lets through numbers that overflow to infinity (``1e400``), and a body of
thousands of nested ``[`` raises ``RecursionError`` inside ``json``; both then fail later as a 500.
These parsers refuse them while parsing, with the contract's error shape (``config.api``).
"""

from __future__ import annotations

import codecs
import json
import math
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deepest nesting a request body may have: the contract's deepest path is project → list → row.
MAX_JSON_DEPTH = 20


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(_("数值超出允许范围：%(value)s") % {"value": text[:40]})
    return value


def _constant(name: str) -> Any:
    raise ValueError(_("JSON 不允许 %(name)s。") % {"name": name})


def _check_depth(value: Any, depth: int = 0) -> None:
    if depth > MAX_JSON_DEPTH:
        raise ParseError(_("JSON 嵌套层数过多（最多 %(n)s 层）。") % {"n": MAX_JSON_DEPTH})
    if isinstance(value, dict):
        for item in value.values():
            _check_depth(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_depth(item, depth + 1)


def _nesting_too_deep(text: str) -> bool:
    """Cheap pre-scan: more than MAX_JSON_DEPTH open brackets at once (strings skipped)."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def json_loads_strict(text: str) -> Any:
    """``json.loads`` that refuses NaN/Infinity, overflowing numbers and deep nesting
    (ValueError or ParseError)."""
    if _nesting_too_deep(text):
        raise ParseError(_("JSON 嵌套层数过多（最多 %(n)s 层）。") % {"n": MAX_JSON_DEPTH})
    value = json.loads(text, parse_float=_finite_float, parse_constant=_constant)
    _check_depth(value)
    return value


class JSONParser(parsers.JSONParser):
    """Strict JSON: no NaN/Infinity, no number that overflows a float, at most
    MAX_JSON_DEPTH levels."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return json_loads_strict(text)
        except ParseError:
            raise
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON 格式错误：%(error)s") % {"error": str(exc)[:200]}) from exc


FormParser = parsers.FormParser
MultiPartParser = parsers.MultiPartParser
