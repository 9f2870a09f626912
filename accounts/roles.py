"""Roles are Django groups; this module is the one place that names them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .lookups import user_lookups

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
    """The user's group names (read with his other per-request lookups: accounts.lookups)."""
    return user_lookups(user).groups


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


def _profile(user: Any) -> Any:
    user_lookups(user)  # loads the profile with the lookups (no query of its own)
    return getattr(user, "profile", None)


def organization_id(user: Any) -> int | None:
    profile = _profile(user)
    return profile.organization_id if profile else None


def jurisdiction(user: Any) -> str:
    profile = _profile(user)
    return profile.jurisdiction if profile else ""
