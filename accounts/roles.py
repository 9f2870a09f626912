"""Roles are Django groups; this module is the one place that names them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

APPLICANT = "applicant"
REVIEWER = "reviewer"
NATIONAL_REVIEWER = "national_reviewer"
ADMIN = "admin"
ALL_ROLES = (APPLICANT, REVIEWER, NATIONAL_REVIEWER, ADMIN)
ROLE_LABELS = {
    APPLICANT: _("建设单位"),
    REVIEWER: _("审查人员"),
    NATIONAL_REVIEWER: _("国家窗口指导"),
    ADMIN: _("管理员"),
}


def _groups(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user: Any, role: str) -> bool:
    return role in _groups(user)


def is_applicant(user: Any) -> bool:
    return has_role(user, APPLICANT)


def is_reviewer(user: Any) -> bool:
    return has_role(user, REVIEWER)


def is_national_reviewer(user: Any) -> bool:
    return has_role(user, NATIONAL_REVIEWER)


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, ADMIN)


def is_staff_side(user: Any) -> bool:
    """Reviewers, national reviewers and admins: the authority's side."""
    return is_reviewer(user) or is_national_reviewer(user) or is_admin(user)


def primary_role(user: Any) -> str | None:
    for role in (ADMIN, NATIONAL_REVIEWER, REVIEWER, APPLICANT):
        if role == ADMIN and is_admin(user):
            return role
        if role != ADMIN and has_role(user, role):
            return role
    return None


def organization_id(user: Any) -> int | None:
    profile = getattr(user, "profile", None)
    return profile.organization_id if profile else None


def jurisdiction(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return profile.jurisdiction if profile else ""
