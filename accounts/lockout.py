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


def client_ip(request: HttpRequest) -> str | None:
    """The client address django-axes counts failures against.

    Behind ``AXES_TRUSTED_PROXY_COUNT`` reverse proxies (production: the HTTPS proxy) it is the
    address the nearest trusted proxy appended to X-Forwarded-For (earlier entries are the
    client's to forge); without proxies, REMOTE_ADDR. Otherwise every client would share the
    proxy's address and one attacker could lock everyone out of an account.
    """
    proxies = int(getattr(settings, "AXES_TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
