"""Authority-side pages about policy data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import PolicyVersion, RegionStatus


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "rules/overview.html", {})


@login_required
def barometer(request: HttpRequest) -> HttpResponse:
    return render(request, "rules/overview.html", {"statuses": RegionStatus.objects.all()})


@login_required
def policy_versions(request: HttpRequest) -> HttpResponse:
    return render(request, "rules/overview.html", {"versions": PolicyVersion.objects.all()})
