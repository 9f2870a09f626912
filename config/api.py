"""API helpers shared by the apps: the error shape and the conflict exception."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "该记录已被他人修改，请刷新后重试。"
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with validation errors wrapped as {"errors": {field: [messages]}}."""
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and response.status_code == 400
        and isinstance(response.data, dict)
        and "errors" not in response.data
    ):
        response.data = {"errors": response.data}
    return response
