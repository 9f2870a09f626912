"""The page django-axes shows to a client locked out after too many failed logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("登录失败次数过多，账户已暂时锁定，请 %(minutes)s 分钟后再试或联系管理员。") % {
        "minutes": minutes
    }


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 with a clear message; the right password does not log in while locked."""
    message = lockout_message()
    if request.path.startswith("/api/") or request.headers.get("x-requested-with"):
        return JsonResponse({"detail": message}, status=429)
    body = render_to_string("accounts/locked.html", {"message": message}, request=request)
    return HttpResponse(body, status=429)
