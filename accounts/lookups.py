"""What every request asks about its user, read in one query (issue 14).

Every page and API answer needs the user's roles (groups), the authorities he reviews for or
heads, his profile (organization, jurisdiction, name) and, on pages, his unread notices (the
bell). Four small queries a request became one ``UNION ALL`` whose rows carry a discriminator
(``g`` group, ``r`` reviewer and ``h`` head of an active authority, ``p`` profile, ``n`` unread
count) and text-cast values, so that it reads the same on PostgreSQL and SQLite.

The result is kept on the user object, as the per-request caches before it were: the user is
loaded anew for every request, so nothing outlives the request and nothing needs invalidating.
The profile goes into Django's own cache of ``user.profile`` (unless already loaded), so a
template's ``user.profile.display_name`` costs no query either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.functional import LazyObject, empty

_ATTR = "_er_lookups"


@dataclass(frozen=True)
class UserLookups:
    """The user's group names, authority memberships and unread notice count."""

    groups: frozenset[str]
    reviewer_of: frozenset[int]  # ids of active authorities he reviews for
    head_of: frozenset[int]  # ids of active authorities he heads
    provincial_provinces: frozenset[str]  # provinces of the provincial ones among them
    unread_notices: int  # at most BELL_CAP


# The bell counts unread notices up to this many and shows more as 「99+」.
BELL_CAP = 100

EMPTY = UserLookups(frozenset(), frozenset(), frozenset(), frozenset(), 0)


@cache
def _sql() -> str:
    """The query (table names from the models' metadata; one parameter, the user id, x5)."""
    q = connection.ops.quote_name
    user_model = get_user_model()
    groups = user_model._meta.get_field("groups")
    group_table = groups.related_model._meta.db_table
    user_groups = groups.remote_field.through._meta
    user_col = user_groups.get_field(groups.m2m_field_name()).column
    group_col = user_groups.get_field(groups.m2m_reverse_field_name()).column
    authority = apps.get_model("authorities", "Authority")
    profile = apps.get_model("accounts", "Profile")._meta
    notice = apps.get_model("review", "Notice")._meta

    def members(kind: str, name: str) -> str:
        field = authority._meta.get_field(name)
        through = field.remote_field.through._meta
        a_col = through.get_field(field.m2m_field_name()).column
        u_col = through.get_field(field.m2m_reverse_field_name()).column
        return (
            f"SELECT '{kind}', CAST(m.{q(a_col)} AS TEXT), a.{q('level')}, a.{q('province')}, "
            f"NULL FROM {q(through.db_table)} m INNER JOIN {q(authority._meta.db_table)} a "
            f"ON a.{q('id')} = m.{q(a_col)} WHERE m.{q(u_col)} = %s AND a.{q('is_active')} = %s"
        )

    return " UNION ALL ".join(
        (
            f"SELECT 'g' AS k, g.{q('name')} AS a, NULL AS b, NULL AS c, NULL AS d "
            f"FROM {q(user_groups.db_table)} ug INNER JOIN {q(group_table)} g "
            f"ON g.{q('id')} = ug.{q(group_col)} WHERE ug.{q(user_col)} = %s",
            members("r", "reviewers"),
            members("h", "heads"),
            f"SELECT 'p', CAST(p.{q('id')} AS TEXT), CAST(p.{q('organization_id')} AS TEXT), "
            f"p.{q('jurisdiction')}, p.{q('display_name')} FROM {q(profile.db_table)} p "
            f"WHERE p.{q('user_id')} = %s",
            # counted up to BELL_CAP: a reviewer with 1,817 unread notices paid 1 ms a page
            # for a figure the bell shows as 「99+」 (issue 14)
            f"SELECT 'n', CAST(COUNT(*) AS TEXT), NULL, NULL, NULL FROM (SELECT 1 AS one "
            f"FROM {q(notice.db_table)} n WHERE n.{q('user_id')} = %s "
            f"AND n.{q('read_at')} IS NULL LIMIT {BELL_CAP}) unread",
        )
    )


def _set_profile(user: Any, row: tuple[Any, ...] | None) -> None:
    """Put the profile read with the lookups into ``user.profile``'s cache (None: no profile,
    so ``user.profile`` raises as it would have), unless it is loaded already."""
    related = user.__class__.profile.related
    if related.is_cached(user):
        return
    profile = None
    if row is not None:
        _k, pk, organization_id, jurisdiction, display_name = row
        model = related.related_model
        profile = model.from_db(
            connection.alias,
            ["id", "user_id", "organization_id", "jurisdiction", "display_name"],
            [
                int(pk),
                user.pk,
                int(organization_id) if organization_id is not None else None,
                jurisdiction,
                display_name,
            ],
        )
        model.user.field.set_cached_value(profile, user)
    related.set_cached_value(user, profile)


def user_lookups(user: Any) -> UserLookups:
    """The lookups of ``user`` (one query, then kept on the user object); nothing for anonymous
    users."""
    if not getattr(user, "is_authenticated", False):
        return EMPTY
    if isinstance(user, LazyObject):  # request.user: work on the user itself
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    cached = getattr(user, _ATTR, None)
    if cached is not None:
        return cached
    from authorities.models import AuthorityLevel  # not at the top: roles loads with the apps

    with connection.cursor() as cursor:
        cursor.execute(_sql(), [user.pk, user.pk, True, user.pk, True, user.pk, user.pk])
        rows = cursor.fetchall()
    groups: set[str] = set()
    reviewer: set[int] = set()
    head: set[int] = set()
    provinces: set[str] = set()
    profile_row = None
    unread = 0
    for row in rows:
        kind = row[0]
        if kind == "g":
            groups.add(row[1])
        elif kind in ("r", "h"):
            (reviewer if kind == "r" else head).add(int(row[1]))
            if row[2] == AuthorityLevel.PROVINCIAL:
                provinces.add(row[3])
        elif kind == "p":
            profile_row = row
        else:
            unread = int(row[1])
    _set_profile(user, profile_row)
    cached = UserLookups(
        frozenset(groups), frozenset(reviewer), frozenset(head), frozenset(provinces), unread
    )
    setattr(user, _ATTR, cached)
    return cached
