"""Reviewer pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_list_for_user(user=request.user)
    return render(request, "review/queue.html", {"cases": cases})
