from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import roles as role_rules
from accounts.lookups import BELL_CAP, user_lookups


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
        "unread_notices": SimpleLazyObject(lambda: _unread_notices(request, user)),
    }


def _unread_notices(request: HttpRequest, user: Any) -> int | str:
    """The bell's figure: the unread count, or 「99+」 from ``BELL_CAP`` on (0 shows nothing)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if request.method in ("GET", "HEAD"):
        # Counted with the user's lookups (accounts.lookups): a read changes no notice.
        count = user_lookups(user).unread_notices
    else:
        # A POST may have created or read notices since the lookups were read: count now.
        from review.selectors import notices_unread_count  # review imports accounts

        count = notices_unread_count(user=user, cap=BELL_CAP)
    return f"{BELL_CAP - 1}+" if count >= BELL_CAP else count
