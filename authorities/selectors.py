"""Reads of authorities: which authority a project's facts route to, and whose a user is."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.lookups import user_lookups
from authorities.models import Authority, AuthorityLevel, DelegatedTierTo, ProvinceSetting


def provincial_authority(province: str) -> Authority | None:
    return (
        Authority.objects.filter(province=province, level=AuthorityLevel.PROVINCIAL, is_active=True)
        .order_by("code")
        .first()
    )


def _local_authority(region: str, levels: tuple[str, ...]) -> Authority | None:
    """The active authority of one of ``levels`` whose longest prefix covers ``region``."""
    best: tuple[int, Authority] | None = None
    for authority in Authority.objects.filter(
        province=region[:2], level__in=levels, is_active=True
    ):
        for prefix in authority.prefixes:
            if region.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), authority)
    return best[1] if best else None


def authority_for(*, region: str, review_level: str) -> Authority | None:
    """The authority that reviews a project in ``region`` at ``review_level``.

    ``provincial`` goes to the provincial commission; ``delegated`` to the city or county
    authority of the location, as the province's :class:`ProvinceSetting` says (falling back to
    the province when no local authority is configured). ``none`` (exempt) has no authority.
    Returns ``None`` when the province has no authority at all.
    """
    if review_level == "none" or len(region) < 2:
        return None
    province = region[:2]
    if review_level == "delegated":
        setting = ProvinceSetting.objects.filter(province=province).first()
        target = setting.delegated_tier_to if setting else DelegatedTierTo.CITY
        if target == DelegatedTierTo.COUNTY:
            local = _local_authority(region, (AuthorityLevel.COUNTY, AuthorityLevel.CITY))
        elif target == DelegatedTierTo.CITY:
            local = _local_authority(region, (AuthorityLevel.CITY,))
        else:
            local = None
        if local is not None:
            return local
    return provincial_authority(province)


def authorities_of(user: Any) -> list[Authority]:
    """Authorities where ``user`` is a reviewer or a head (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_authorities", None)
    if cached is None:
        cached = list(
            Authority.objects.filter(is_active=True)
            .filter(Q(reviewers=user) | Q(heads=user))
            .distinct()
        )
        user._authorities = cached
    return cached


def _memberships(user: Any) -> tuple[frozenset[int], frozenset[int], frozenset[str]]:
    """(ids of the active authorities ``user`` reviews for, ids of those he heads, provinces of
    the provincial ones among them), read with his other per-request lookups (accounts.lookups:
    one query a request, kept on the user object)."""
    found = user_lookups(user)
    return found.reviewer_of, found.head_of, found.provincial_provinces


def provincial_provinces(user: Any) -> frozenset[str]:
    """Provinces whose provincial authority ``user`` belongs to (reviewer or head)."""
    return _memberships(user)[2]


def reviewer_authority_ids(user: Any) -> frozenset[int]:
    return _memberships(user)[0]


def head_authority_ids(user: Any) -> frozenset[int]:
    return _memberships(user)[1]


def member_authority_ids(user: Any) -> frozenset[int]:
    reviewer, head, _provinces = _memberships(user)
    return reviewer | head


def is_head_of(user: Any, authority: Authority | None) -> bool:
    if authority is None or not getattr(user, "is_authenticated", False):
        return False
    return authority.pk in head_authority_ids(user)


def is_reviewer_of(user: Any, authority: Authority | None) -> bool:
    if authority is None or not getattr(user, "is_authenticated", False):
        return False
    return authority.pk in reviewer_authority_ids(user)
