"""Reads of projects, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import roles

from .models import Project


def project_list_for_user(*, user: Any) -> QuerySet[Project]:
    """Projects the user may see: their organization's (applicants), none otherwise."""
    org_id = roles.organization_id(user)
    if roles.is_applicant(user) and org_id:
        return Project.objects.filter(organization_id=org_id).select_related("organization")
    return Project.objects.none()
