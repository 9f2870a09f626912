"""Hot read queries run as PostgreSQL prepared statements: planned once per connection (issue 14).

The case page's case row (seven tables) and split check, and the queue's page of rows (five
joins) each cost PostgreSQL about 1 ms to plan and 0.1-0.4 ms to run, on every request: a third
of a page's database time at 100,000 cases. Django binds parameters on the client, so psycopg
never prepares; here the statement is prepared by name (a hash of its text) the first time a
connection runs it, then each request sends ``EXECUTE name(params)`` and PostgreSQL reuses one
generic plan (``plan_cache_mode=force_generic_plan`` on the connection, config/settings/base.py;
replanned when the schema changes). So only statements whose best plan does not depend on the
values go through here: a case by its key, the split check, the queue's pages without filters.

The ``PREPARE`` goes through the raw connection, so a test counting queries sees one query, as
before. Statements last as long as their connection (a rolled-back transaction keeps them). A
transaction-mode connection pooler (pgbouncer) does not keep a session's statements: set
``DB_PREPARED_STATEMENTS=0`` behind one. SQLite and the switch turned off run the SQL as it is.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

# names prepared on each raw connection (a new connection starts with none)
_PREPARED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%s|%%")
# each statement's SQL by name, for reading a captured ``EXECUTE`` (tests, debugging)
_TEXT: dict[str, str] = {}
_EXECUTE = re.compile(r"EXECUTE (er_[0-9a-f]{20})\b")


def enabled(connection: BaseDatabaseWrapper = default_connection) -> bool:
    return connection.vendor == "postgresql" and getattr(settings, "DB_PREPARED_STATEMENTS", True)


def _numbered(sql: str) -> tuple[str, int]:
    """``sql`` with its ``%s`` placeholders numbered ``$1, $2…`` (``%%`` as ``%``), and how many."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql), count


def statement_name(sql: str) -> str:
    return "er_" + hashlib.sha1(sql.encode()).hexdigest()[:20]


def original_sql(statement: str) -> str:
    """The SQL an ``EXECUTE er_…`` statement runs (any other statement as it is)."""
    match = _EXECUTE.match(statement)
    return _TEXT.get(match.group(1), statement) if match else statement


def execute(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """Run ``sql`` with ``params`` on ``cursor`` (a Django cursor), prepared where enabled."""
    connection = cursor.db
    if not enabled(connection):
        cursor.execute(sql, params)
        return
    raw = connection.connection
    name = statement_name(sql)
    done = _PREPARED.setdefault(raw, set())
    if name not in done:
        text, count = _numbered(sql)
        if count != len(params):
            raise ValueError(f"{count} placeholders for {len(params)} parameters")
        raw.execute(f"PREPARE {name} AS {text}")
        done.add(name)
        _TEXT[name] = sql
    if params:
        cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


def fetchall(sql: str, params: Sequence[Any], *, fetch_one: bool = False) -> Any:
    """The rows of ``sql`` (or the first row, or None, with ``fetch_one``)."""
    with default_connection.cursor() as cursor:
        execute(cursor, sql, params)
        return cursor.fetchone() if fetch_one else cursor.fetchall()


def values_dicts(queryset: QuerySet[Any]) -> list[dict[str, Any]]:
    """The rows of a ``values()`` queryset of plain columns, as the queryset gives them (dicts by
    field name), run as a prepared statement. Only for plain columns: no converters are applied
    (PostgreSQL's driver returns ints, strings, dates, decimals and floats as they are)."""
    if not enabled():
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    names = list(queryset.query.values_select) + list(queryset.query.annotation_select)
    rows = fetchall(sql, params)
    return [dict(zip(names, row, strict=True)) for row in rows]
