"""The case page's case in one round trip (issue 14): the case with its project, the project's
organization, the submission, the assignee with his profile and the authority, as
``select_related`` gives them, and in the same row which of the case's lists have rows
(``case_page.Present``).

Written as SQL once per process: building and compiling the seven-table query with the ORM and
turning its row into objects cost as much as running it, on every page view. The row is turned
into model instances with the ORM's own converters (``Model.from_db``) and the relations cached
the way ``select_related`` caches them, so the case behaves as ``selectors.case_get_for_user``'s
(tests/review/test_case_row.py compares the two).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model

from common import prepared

from .models import ReviewCase


@dataclass(frozen=True)
class Part:
    """One model of the row: its alias, how it joins, and where its columns are."""

    model: type[Model]
    alias: str
    join: str  # "" for the case itself
    start: int
    stop: int
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]  # (column, converters, expression)


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _col(model: type[Model], name: str) -> str:
    return _qn(model._meta.get_field(name).column)


def _models() -> list[tuple[type[Model], str, str]]:
    from accounts.models import Profile
    from authorities.models import Authority
    from projects.models import Organization, Project, Submission

    user = get_user_model()
    case, pk = ReviewCase, lambda m: _qn(m._meta.pk.column)
    return [
        (case, "c", ""),
        (Project, "p", f"INNER JOIN {{t}} p ON p.{pk(Project)} = c.{_col(case, 'project')}"),
        (
            Organization,
            "o",
            f"INNER JOIN {{t}} o ON o.{pk(Organization)} = p.{_col(Project, 'organization')}",
        ),
        (
            Submission,
            "s",
            f"INNER JOIN {{t}} s ON s.{pk(Submission)} = c.{_col(case, 'submission')}",
        ),
        (user, "u", f"LEFT JOIN {{t}} u ON u.{pk(user)} = c.{_col(case, 'assignee')}"),
        (Profile, "pr", f"LEFT JOIN {{t}} pr ON pr.{_col(Profile, 'user')} = u.{pk(user)}"),
        (Authority, "a", f"LEFT JOIN {{t}} a ON a.{pk(Authority)} = c.{_col(case, 'authority')}"),
    ]


@functools.cache
def _plan(vendor: str, probes: str) -> tuple[str, tuple[Part, ...]]:
    columns: list[str] = []
    joins: list[str] = []
    parts: list[Part] = []
    for model, alias, join in _models():
        start = len(columns)
        converters = []
        for i, field in enumerate(model._meta.concrete_fields):
            expression = field.get_col(alias)
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            if found:
                converters.append((start + i, tuple(found), expression))
            columns.append(f"{alias}.{_qn(field.column)}")
        table = _qn(model._meta.db_table)
        joins.append(join.format(t=table) if join else f"FROM {table} c")
        parts.append(Part(model, alias, join, start, len(columns), tuple(converters)))
    sql = f"SELECT {', '.join(columns)}, {probes} {' '.join(joins)} WHERE c.{_qn('id')} = %s"
    return sql, tuple(parts)


def _instance(part: Part, row: list[Any]) -> Model | None:
    values = row[part.start : part.stop]
    if values[[f.primary_key for f in part.model._meta.concrete_fields].index(True)] is None:
        return None  # the LEFT JOIN found nothing
    names = [f.attname for f in part.model._meta.concrete_fields]
    return part.model.from_db(connection.alias, names, values)


@dataclass(frozen=True)
class CaseRow:
    case: ReviewCase
    probes: tuple[Any, ...]


def case_row(*, pk: int, probes: str, params: list[Any]) -> CaseRow | None:
    """The case ``pk`` with its relations and the values of ``probes`` (SQL expressions over the
    case's row ``c``, with ``params``), or None (one query)."""
    sql, parts = _plan(connection.vendor, probes)
    # a prepared statement on PostgreSQL: planning the seven tables cost ~1 ms, the run 0.1 ms
    found = prepared.fetchall(sql, [*params, pk], fetch_one=True)
    if found is None:
        return None
    row = list(found)
    for part in parts:
        for index, converters, expression in part.converters:
            value = row[index]
            for converter in converters:
                value = converter(value, expression, connection)
            row[index] = value
    case, project, organization, submission, user, profile, authority = (
        _instance(part, row) for part in parts
    )
    _cache(ReviewCase, "project", case, project)
    _cache(type(project), "organization", project, organization)
    _cache(ReviewCase, "submission", case, submission)
    _cache(ReviewCase, "assignee", case, user)
    _cache(ReviewCase, "authority", case, authority)
    if user is not None:
        # the reverse one-to-one, as select_related("assignee__profile") caches it
        field = parts[5].model._meta.get_field("user")
        field.remote_field.set_cached_value(user, profile)
        if profile is not None:
            field.set_cached_value(profile, user)
    return CaseRow(case, tuple(row[parts[-1].stop :]))  # type: ignore[arg-type]


def _cache(model: type[Model], name: str, instance: Any, related: Any) -> None:
    model._meta.get_field(name).set_cached_value(instance, related)  # type: ignore[union-attr]
