"""Hot read queries as prepared statements on PostgreSQL (common.prepared, issue 14)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from common import prepared
from review import queue_html, selectors
from review.models import ReviewCase

from .conftest import TODAY


def test_placeholders_are_numbered_and_literal_percents_kept():
    text, count = prepared._numbered("SELECT %s, 'a%%b' WHERE x = %s AND y LIKE 'z%%'")
    assert (text, count) == ("SELECT $1, 'a%b' WHERE x = $2 AND y LIKE 'z%'", 2)
    assert prepared.statement_name("SELECT 1") == prepared.statement_name("SELECT 1")
    assert prepared.statement_name("SELECT 1") != prepared.statement_name("SELECT 2")


def _queue(user):
    filters = selectors.QueueFilters()
    qs = selectors.case_queue(user=user, filters=filters, today=TODAY)
    return qs.select_related(None).values(*queue_html.ROW_VALUES).order_by("deadline", "pk")


@pytest.mark.parametrize("name", ["bob", "dana"])
def test_a_prepared_page_reads_what_the_queryset_reads(load, personas, name):
    """Same rows, same names, same types as the ORM's own ``values()`` (every column of the
    queue's rows), on SQLite (run as it is) and PostgreSQL (prepared)."""
    page = _queue(personas[name])[:21]
    expected = list(page)
    assert expected
    for _ in range(7):  # past PostgreSQL's five custom plans, onto its cached one
        rows = prepared.values_dicts(page)
        assert rows == expected
        assert [{k: type(v) for k, v in r.items()} for r in rows] == [
            {k: type(v) for k, v in r.items()} for r in expected
        ]


def test_postgresql_prepares_once_per_connection_and_keeps_it_across_a_rollback(load, bob):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    page = _queue(bob)[:21]
    sql, params = page.query.sql_with_params()
    name = prepared.statement_name(sql)
    with transaction.atomic():
        sid = transaction.savepoint_create()
        prepared.values_dicts(page)
        transaction.savepoint_rollback(sid)
    with CaptureQueriesContext(connection) as ctx:
        rows = prepared.values_dicts(page)
    # one query a page, as before: the EXECUTE (the PREPARE went through the raw connection)
    assert [q["sql"].split("(")[0] for q in ctx.captured_queries] == [f"EXECUTE {name}"]
    assert prepared.original_sql(ctx.captured_queries[0]["sql"]) == sql
    assert rows == list(page)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
        assert cursor.fetchone() == (1,)


def test_switched_off_the_sql_runs_as_it_is(load, bob, settings):
    settings.DB_PREPARED_STATEMENTS = False
    page = _queue(bob)[:21]
    with CaptureQueriesContext(connection) as ctx:
        rows = prepared.values_dicts(page)
    assert rows == list(page)
    assert "EXECUTE" not in ctx.captured_queries[0]["sql"]
    assert "review_reviewcase" in ctx.captured_queries[0]["sql"]


def test_the_case_page_and_the_queue_read_through_prepared_statements(load, bob, bob_client):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    case = ReviewCase.objects.filter(selectors.permissions.case_scope(bob)).first()
    for url in ("/review/", f"/review/cases/{case.pk}/"):
        bob_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert bob_client.get(url).status_code == 200
        assert any(q["sql"].startswith("EXECUTE er_") for q in ctx.captured_queries), url


def test_the_queue_prepares_only_its_unfiltered_pages_and_plans_them_once(load, bob, bob_client):
    """A page without filters has one best plan (the deadline index) for any reviewer and depth:
    prepared and planned once, generic (plan_cache_mode on the connection). A filtered page (a
    rare state, a text) is planned for its values each time."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
    for url, prepared_page in (
        ("/review/", True),
        ("/review/?sort=-deadline", True),
        ("/review/?state=deferred", False),
        ("/review/?q=项目", False),
    ):
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                assert bob_client.get(url).status_code == 200
        names = [
            q["sql"].split("(")[0].removeprefix("EXECUTE ")
            for q in ctx.captured_queries
            if q["sql"].startswith("EXECUTE ")
        ]
        page = [n for n in names if "review_reviewcase" in prepared.original_sql(f"EXECUTE {n}")]
        assert bool(page) is prepared_page, url
        if page:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE name = %s",
                    [page[0]],
                )
                generic, custom = cursor.fetchone()
            assert generic >= 3, url
            assert custom == 0, url
