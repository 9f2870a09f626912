"""API helpers shared by the apps: the error shape, the conflict exception, and the mapping of
low-level failures (overflowing ids, a locked database) to client errors instead of a 500."""

from __future__ import annotations

import logging
from typing import Any

from django.db import OperationalError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

# The largest id any table here can hold (a signed 64-bit BigAutoField).
MAX_ID = 2**63 - 1


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "该记录已被他人修改，请刷新后重试。"
    default_code = "conflict"


class Busy(Conflict):
    """The database refused a write because another one held the lock: retry."""

    default_detail = "系统正在处理另一项操作，请稍后重试。"
    default_code = "busy"


def is_database_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" (or "busy") under concurrent writes."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def translate_exception(exc: Exception, kwargs: dict[str, Any] | None = None) -> Exception:
    """A DRF exception for failures that are the client's (or a retry's) business."""
    if isinstance(exc, OverflowError):
        if any(_oversized(v) for v in (kwargs or {}).values()):
            return NotFound()
        return ValidationError({"non_field_errors": [_("数值超出允许范围。")]})
    if isinstance(exc, RecursionError):
        return ParseError(_("请求内容嵌套层数过多。"))
    if is_database_locked(exc):
        logger.warning("database busy, answered 409: %s", exc)
        return Busy()
    return exc


def _oversized(value: Any) -> bool:
    try:
        return abs(int(value)) > MAX_ID
    except (TypeError, ValueError):
        return False


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with validation errors wrapped as {"errors": {field: [messages]}}."""
    exc = translate_exception(exc, context.get("kwargs"))
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and response.status_code == 400
        and isinstance(response.data, dict)
        and "errors" not in response.data
    ):
        response.data = {"errors": response.data}
    return response
