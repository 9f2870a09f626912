"""Branded error pages (403, 404, 500) in the reader's language, with the navigation.

403 and 404 render inside base.html (the user's menu, the bell). 500 renders a page that needs
no database and no context processors: whatever failed may fail again.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def _message(exception: Any) -> str:
    """A message a view gave its PermissionDenied, if it is meant for people (not a class
    name or Django's English default)."""
    text = str(exception or "").strip()
    if not text or not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return ""
    return text[:300]


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "403.html", {"reason": _message(exception)}, status=403)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale form (the page stood open past the session): say so and offer to go back."""
    return render(request, "403_csrf.html", status=403)
