"""Who may draft, sign off and revoke a case's documents (no writes)."""

from __future__ import annotations

from typing import Any

from accounts import roles


def _case_authority(case: Any) -> Any:
    return getattr(case, "authority", None) if hasattr(case, "authority_id") else None


def can_draft(user: Any, case: Any) -> bool:
    """The case's reviewers (its authority's, or the province's) and admins edit drafts."""
    from authorities.selectors import is_reviewer_of
    from review.permissions import acts_as
    from review.workflow import Party

    if not getattr(user, "is_authenticated", False):
        return False
    authority = _case_authority(case)
    if authority is not None and is_reviewer_of(user, authority):
        return True
    return acts_as(user, case, Party.REVIEWER)


def can_sign(user: Any, case: Any) -> bool:
    """Only the head of the issuing authority checks and signs off (核稿、签发).

    With the case's authority set: its heads (`authorities.selectors.is_head_of`); before that,
    a head of any authority of the case's province.
    """
    from authorities.models import Authority
    from authorities.selectors import is_head_of

    if not getattr(user, "is_authenticated", False):
        return False
    authority = _case_authority(case)
    if authority is not None:
        return is_head_of(user, authority)
    return Authority.objects.filter(province=case.province, heads=user, is_active=True).exists()


def can_revoke(user: Any, case: Any) -> bool:
    return can_sign(user, case) or roles.is_admin(user)


def can_read(user: Any, case: Any) -> bool:
    """Drafts are internal: the authority side in scope and the heads who sign them."""
    from review.permissions import can_view_case

    return can_view_case(user, case) or can_sign(user, case)
