from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

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
        # One COUNT, run only when a page shows the bell (lazy).
        "unread_notices": SimpleLazyObject(lambda: _unread_notices(user)),
    }


def _unread_notices(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    from review.selectors import notices_unread_count  # review imports accounts

    return notices_unread_count(user=user)
