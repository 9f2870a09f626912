"""Home routing by role and the health check."""

from __future__ import annotations

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


def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status as JSON; 503 when the database is down."""
    result: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        result["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # pragma: no cover - exercised by integration only
        result["database"] = {"ok": False, "error": str(exc)}
    if celery_app.conf.task_always_eager:
        result["broker"] = {"ok": True, "mode": "in-process"}
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            result["broker"] = {"ok": True, "mode": "redis"}
        except Exception as exc:
            result["broker"] = {"ok": False, "mode": "redis", "error": str(exc)}
    ok = all(part["ok"] for part in result.values())  # type: ignore[index]
    result["status"] = "ok" if ok else "degraded"
    return JsonResponse(result, status=200 if ok else 503)
