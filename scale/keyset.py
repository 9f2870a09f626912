"""Keyset (cursor) pagination: every page costs the same, however deep (issue 14).

OFFSET pagination reads and throws away every row before the page (``?page=500`` read 10,000
rows) and needs a ``COUNT(*)`` of the whole list for its page links. A keyset page starts where
the previous one ended: ``WHERE (key, id) > (last key, last id) ORDER BY key, id LIMIT n``,
which an index on ``(key, id)`` answers by reading ``n`` rows. The condition is written as
``key >= v AND (key > v OR id > i)`` so that both PostgreSQL and SQLite use the index's range.

A nullable key sorts its NULLs last in both directions (as the queue does): the non-null part is
read first and the NULL part (ordered by id) fills the rest of the page.

The cursor is opaque to clients: URL-safe base64 of ``[key, id]``; a bad cursor is a 400 naming
the ``cursor`` parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Model, Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

CURSOR_PARAM = "cursor"


@dataclass(frozen=True)
class Keyset:
    """An ordering by one key then the primary key, both ascending or both descending."""

    key: str
    descending: bool = False
    nullable: bool = False

    def order(self) -> tuple[Any, ...]:
        if self.descending:
            return (F(self.key).desc(nulls_last=True), "-pk")
        return (F(self.key).asc(nulls_last=True), "pk")

    def after(self, value: Any, pk: int) -> Q:
        """Rows after (value, pk) with a non-null key."""
        if self.descending:
            return Q(**{f"{self.key}__lte": value}) & (
                Q(**{f"{self.key}__lt": value}) | Q(pk__lt=pk)
            )
        return Q(**{f"{self.key}__gte": value}) & (Q(**{f"{self.key}__gt": value}) | Q(pk__gt=pk))

    def after_in_nulls(self, pk: int) -> Q:
        return Q(**{f"{self.key}__isnull": True}) & (
            Q(pk__lt=pk) if self.descending else Q(pk__gt=pk)
        )


def encode_cursor(value: Any, pk: int) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else value
    raw = json.dumps([text, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[Model], keyset: Keyset) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        text, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError(pk)
        value = None if text is None else model._meta.get_field(keyset.key).to_python(text)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationError({CURSOR_PARAM: ["无效的分页游标。"]}) from exc
    except Exception as exc:  # a field's own validation error (a bad date)
        raise ValidationError({CURSOR_PARAM: ["无效的分页游标。"]}) from exc
    if value is None and not keyset.nullable:
        raise ValidationError({CURSOR_PARAM: ["无效的分页游标。"]})
    return value, pk


def keyset_page(
    queryset: QuerySet[Any],
    keyset: Keyset,
    cursor: str | None,
    size: int,
    fetch: Callable[[QuerySet[Any]], list[Any]] = list,
) -> tuple[list[Any], str | None]:
    """One page of ``queryset`` after ``cursor`` and the cursor of the next page (or None).

    One query; for a nullable key two when the page reaches the NULL rows. The non-null rows are
    read in the index's plain order (``key, id`` or its reverse), so that a backward scan of one
    ``(key, id)`` index serves the descending order too. The rows are model instances, or
    dictionaries for a ``values()`` queryset naming the key and the primary key. ``fetch`` reads
    a page's queryset (``common.prepared.values_dicts`` runs it as a prepared statement).
    """
    pk_order = "-pk" if keyset.descending else "pk"
    plain = (f"-{keyset.key}" if keyset.descending else keyset.key, pk_order)
    value, pk = decode_cursor(cursor, queryset.model, keyset) if cursor else (None, None)
    if pk is not None and value is None:  # already in the NULL part
        rows = fetch(queryset.filter(keyset.after_in_nulls(pk)).order_by(pk_order)[: size + 1])
    else:
        head = queryset.filter(**{f"{keyset.key}__isnull": False}) if keyset.nullable else queryset
        if pk is not None:
            head = head.filter(keyset.after(value, pk))
        rows = fetch(head.order_by(*plain)[: size + 1])
        if keyset.nullable and len(rows) <= size:
            nulls = queryset.filter(**{f"{keyset.key}__isnull": True}).order_by(pk_order)
            rows += fetch(nulls[: size + 1 - len(rows)])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    if isinstance(last, dict):  # a values() queryset: the key and the primary key by name
        return rows, encode_cursor(last[keyset.key], last[queryset.model._meta.pk.attname])
    return rows, encode_cursor(getattr(last, keyset.key), last.pk)


def paginated_response_data(
    request: Request, rows_data: list[Any], next_cursor: str | None
) -> dict[str, Any]:
    """The list envelope: ``next`` (a URL with the next cursor, or null) and ``results``."""
    next_url = (
        replace_query_param(request.build_absolute_uri(), CURSOR_PARAM, next_cursor)
        if next_cursor
        else None
    )
    return {"next": next_url, "results": rows_data}
