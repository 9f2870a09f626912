"""Reads of review cases, scoped by jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import roles

from .models import ReviewCase


def case_list_for_user(*, user: Any) -> QuerySet[ReviewCase]:
    qs = ReviewCase.objects.select_related("project", "project__organization", "assignee")
    if roles.is_admin(user):
        return qs
    if roles.is_national_reviewer(user):
        return qs.filter(route="national_window_guidance")
    if roles.is_reviewer(user):
        return qs.filter(province=roles.jurisdiction(user))
    return qs.none()
