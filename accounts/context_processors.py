from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts import roles as role_rules


def roles(request: HttpRequest) -> dict[str, Any]:
    """Role flags for navigation in every template."""
    user = request.user
    role = role_rules.primary_role(user)
    return {
        "user_role": role,
        "user_role_label": role_rules.ROLE_LABELS.get(role or "", ""),
        "is_applicant": role_rules.is_applicant(user),
        "is_reviewer": role_rules.is_reviewer(user),
        "is_national_reviewer": role_rules.is_national_reviewer(user),
        "is_admin_user": role_rules.is_admin(user),
    }
