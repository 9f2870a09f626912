"""Home routing by role and the health check."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from accounts import roles
from config.celery import app as celery_app


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each persona to the page their work starts on."""
    user = request.user
    if roles.is_admin(user):
        return redirect("rules:overview")
    if roles.is_reviewer(user) or roles.is_national_reviewer(user):
        return redirect("review:queue")
    if roles.is_applicant(user):
        return redirect("projects:dashboard")
    return render(request, "accounts/no_role.html")


BROKER_CHECK_SECONDS = 10.0
_broker_checked: dict[str, Any] = {"at": -BROKER_CHECK_SECONDS, "status": None}


def _broker_status() -> dict[str, Any]:
    """The broker's status, checked at most every ``BROKER_CHECK_SECONDS`` per process.

    A load balancer polls /healthz every few seconds on every web process: connecting to Redis
    on each poll cost a TCP connection and a handshake per request (issue 14). The check reuses
    the app's pooled connection and its answer is kept for a few seconds.
    """
    if celery_app.conf.task_always_eager:
        return {"ok": True, "mode": "in-process"}
    now = time.monotonic()
    cached = _broker_checked["status"]
    if cached is not None and now - _broker_checked["at"] < BROKER_CHECK_SECONDS:
        return cached
    try:
        with celery_app.pool.acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        status: dict[str, Any] = {"ok": True, "mode": "redis"}
    except Exception as exc:
        status = {"ok": False, "mode": "redis", "error": str(exc)}
    _broker_checked.update(at=now, status=status)
    return status


def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status as JSON; 503 when the database is down."""
    result: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        result["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # pragma: no cover - exercised by integration only
        result["database"] = {"ok": False, "error": str(exc)}
    result["broker"] = _broker_status()
    ok = all(part["ok"] for part in result.values())  # type: ignore[index]
    result["status"] = "ok" if ok else "degraded"
    return JsonResponse(result, status=200 if ok else 503)
