"""Middleware closing low-level failures for every view (pages and API alike).

* A URL id beyond 64 bits (``/review/cases/99999999999999999999999/``) is a 404 before the view
  runs, instead of an ``OverflowError`` from the database driver (a 500).
* "database is locked" (SQLite under concurrent decisions) becomes a 409 asking to retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from config.api import MAX_ID, is_database_locked


class SafeInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
                raise Http404(_("记录不存在。"))
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_locked(exception):
            message = _("系统正在处理另一项操作，请稍后重试。")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=409)
            return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
        if isinstance(exception, OverflowError):
            message = _("数值超出允许范围。")
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return None
