"""Writes of authorities: the demo authorities of Jiangsu (idempotent)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from authorities.models import Authority, AuthorityLevel, DelegatedTierTo, ProvinceSetting

DEMO_AUTHORITIES: tuple[dict[str, Any], ...] = (
    {
        "code": "32",
        "name": "江苏省发展和改革委员会",
        "short_name": "江苏省发展改革委",
        "level": AuthorityLevel.PROVINCIAL,
        "province": "32",
        "region_prefixes": ["32"],
        "doc_prefix": "苏发改能审",
    },
    {
        "code": "3205",
        "name": "苏州市发展和改革委员会",
        "short_name": "苏州市发展改革委",
        "level": AuthorityLevel.CITY,
        "province": "32",
        "region_prefixes": ["3205"],
        "doc_prefix": "苏州发改能审",
    },
)


@transaction.atomic
def demo_authorities_ensure(
    *, reviewers: dict[str, list[Any]] | None = None, heads: dict[str, list[Any]] | None = None
) -> dict[str, Authority]:
    """江苏省发展和改革委员会 (provincial tier) and 苏州市发展和改革委员会 (delegated tier in
    3205xx, as province 32's setting delegates to the city). ``reviewers``/``heads`` map an
    authority code to users added to it (never removed)."""
    result: dict[str, Authority] = {}
    for spec in DEMO_AUTHORITIES:
        data = dict(spec)
        code = data.pop("code")
        parent = result.get("32") if code != "32" else None
        authority, _ = Authority.objects.update_or_create(
            code=code, defaults={**data, "parent": parent, "is_active": True}
        )
        result[code] = authority
    ProvinceSetting.objects.update_or_create(
        province="32", defaults={"delegated_tier_to": DelegatedTierTo.CITY}
    )
    for code, users in (reviewers or {}).items():
        result[code].reviewers.add(*users)
    for code, users in (heads or {}).items():
        result[code].heads.add(*users)
    return result
