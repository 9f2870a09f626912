"""Building blocks shared by the supervision services: audit events, notices, recipients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts import roles
from review.models import CaseEvent, Notice, ReviewCase

from .. import permissions

MAX_ITEMS = 30
MAX_ITEM_LENGTH = 300


def today_or(today: Any) -> Any:
    return today or timezone.localdate()


def record_event(
    *,
    case: ReviewCase,
    actor: Any,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """An immutable audit event on the case's timeline (the state does not change)."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action[:32],
        from_state=case.state,
        to_state=case.state,
        reason=reason[:2000],
        data=data or {},
        assessment=case.submission.assessment,
    )


def notify(users: Iterable[Any], *, case: ReviewCase | None, message: str) -> int:
    """One in-app notice per distinct user."""
    seen: set[int] = set()
    notices = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notices.append(Notice(user=user, case=case, message=message[:500]))
    Notice.objects.bulk_create(notices)
    return len(notices)


def authority_users(case: ReviewCase) -> list[Any]:
    """Who supervises ``case``: its authority's reviewers and heads, or the province's reviewers."""
    user_model = get_user_model()
    qs = user_model.objects.filter(is_active=True)
    if permissions.SCOPE_BY_AUTHORITY and getattr(case, "authority_id", None):
        qs = qs.filter(
            Q(review_authorities__pk=case.authority_id)
            | Q(headed_authorities__pk=case.authority_id)
        )
    else:
        qs = qs.filter(groups__name=roles.REVIEWER, profile__jurisdiction=case.province)
    return list(qs.distinct().order_by("pk"))


def owner_users(case: ReviewCase) -> list[Any]:
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            is_active=True,
            profile__organization_id=case.project.organization_id,
            groups__name=roles.APPLICANT,
        ).order_by("pk")
    )


def clean_items(raw: Iterable[str], *, field: str, required: bool = True) -> list[str]:
    """Non-blank lines, each at most MAX_ITEM_LENGTH, at most MAX_ITEMS; ValidationError names
    ``field``."""
    items = [str(line).strip() for line in raw if str(line).strip()]
    if required and not items:
        raise ValidationError({field: ["请至少填写一项。"]})
    if len(items) > MAX_ITEMS:
        raise ValidationError({field: [f"最多{MAX_ITEMS}项。"]})
    if any(len(item) > MAX_ITEM_LENGTH for item in items):
        raise ValidationError({field: [f"每项不超过{MAX_ITEM_LENGTH}字。"]})
    return items


def title(case: ReviewCase) -> str:
    return f"{case.project.name}（案件{case.pk}）"
