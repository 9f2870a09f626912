"""Applicant pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list_for_user(user=request.user)
    return render(request, "projects/dashboard.html", {"projects": projects})


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/dashboard.html", {"projects": []})
