"""Each index issue 14 added, justified by the plan PostgreSQL chooses for the query it serves.

Runs on PostgreSQL only (the app layer's PostgreSQL run, DATABASE_URL); sequential scans and
sorts are priced out (``enable_seqscan``/``enable_sort`` off) so that the plan shows whether the
index can serve the query and its order at all, as it does at 100,000 cases.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from projects.selectors import project_list_for_user
from review import permissions
from review.models import Notice, ReviewCase
from rules.selectors import CLOCK_STATES, AuthorityScope

from .conftest import TODAY


@pytest.fixture
def explain(load):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")

    def plan(qs) -> str:
        return qs.explain()

    return plan


def _top_node(text: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith("->"))


def test_projects_list_walks_the_recent_index(explain, dana):
    text = explain(project_list_for_user(user=dana)[:21])
    assert "project_recent_idx" in text
    # The page's rows come straight off the index (the latest-case subqueries sort one
    # project's few cases each).
    assert "Sort" not in _top_node(text)


@pytest.mark.parametrize("order", [("deadline", "pk"), ("-deadline", "-pk")])
def test_queue_pages_walk_the_deadline_index_both_ways(explain, order):
    first = ReviewCase.objects.filter(deadline__isnull=False).order_by(*order)[:21]
    text = explain(first)
    assert "case_deadline_id_idx" in text
    assert "Sort" not in text
    after = ReviewCase.objects.filter(deadline__gte=TODAY).order_by(*order)[:21]
    assert "case_deadline_id_idx" in explain(after)


def test_overdue_cases_read_the_partial_index(explain):
    overdue = (
        AuthorityScope(province=None)
        .cases()
        .filter(deadline__lt=TODAY, state__in=CLOCK_STATES)
        .order_by("deadline", "id")[:20]
    )
    text = explain(overdue)
    assert "case_overdue_idx" in text
    assert "Sort" not in text


@pytest.mark.parametrize("province", [None, "32"])
def test_overview_overdue_count_is_an_index_only_scan(explain, province):
    # The overview's headline count and its table (rules.selectors.overview): the partial
    # index's predicate is exactly the clock states, so nothing is read from the table.
    scope = AuthorityScope(province=province)
    overdue = scope.cases().filter(state__in=CLOCK_STATES, deadline__lt=TODAY)
    text = explain(overdue.values("pk"))
    name = "case_overdue_province_idx" if province else "case_overdue_idx"
    assert f"Index Only Scan using {name}" in text
    table = explain(overdue.order_by("deadline", "id")[:20])
    assert name in table
    assert "Sort" not in table


def test_unread_notice_count_reads_the_partial_index(explain, bob):
    # A reviewer's history: hundreds of read notices, a few unread.
    now = timezone.now()
    Notice.objects.bulk_create(
        Notice(user=bob, message="已读", read_at=now if i % 50 else None) for i in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE review_notice")
    text = explain(Notice.objects.filter(user=bob, read_at__isnull=True).order_by().values("pk"))
    assert "notice_unread_idx" in text


def test_a_scopes_overdue_count_reads_the_scope_clock_indexes(explain, bob):
    from review import selectors

    overdue = ReviewCase.objects.filter(permissions.case_scope(bob)).filter(
        selectors._overdue_q(TODAY)
    )
    # On 80 cases an index led by the deadline is as cheap as any; at 100,000 (20,000 in the
    # authority) it is not. Set those aside (rolled back with the test) to compare the scope
    # indexes with the authority's and the province's plain ones.
    with connection.cursor() as cursor:
        for name in ("case_clock_deadline_idx", "case_deadline_id_idx"):
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'review_reviewcase' "
            "AND indexdef LIKE '%%(deadline)'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
    text = explain(overdue.values("pk"))
    # each branch of the scope (its authorities; its province's cases without one) is a range of
    # running cases by deadline, not every case of the authority
    assert "case_clock_authority_idx" in text
    # the province's cases without an authority: the index whose predicate says so (0005)
    assert "case_clock_unassigned_idx" in text


def test_a_reviewers_queue_overdue_count_is_two_index_only_scans(explain, bob):
    """The queue's counts (review.selectors.case_counts): the overdue count of each branch of
    bob's scope (his authority's cases; Jiangsu's cases without an authority) reads only its
    partial index (scale migrations 0003 and 0005)."""
    from review import selectors

    parts, disjoint = permissions.case_scope_parts(bob)
    sql, params = selectors._counts_sql(parts, disjoint, TODAY, connection.alias)
    with connection.cursor() as cursor:
        # A test database is never vacuumed, so no page is marked all-visible and an index-only
        # scan is priced like a plain one (at 100,000 vacuumed cases it is chosen: "Heap
        # Fetches: 0"). Bitmap scans set aside, each branch must be answered by its index alone:
        # its conditions in the index, no row filtered after reading the table.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # On 80 cases the plain index on the authority is as cheap as any (3 rows); at 100,000
        # it read 19,628 rows to keep 1,296. Set it aside (rolled back with the test).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'review_reviewcase' "
            "AND indexdef LIKE '%%(authority_id)'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f"EXPLAIN {sql}", params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "using case_clock_authority_idx" in text
    assert "using case_clock_unassigned_idx" in text
    branches = text.split('"*SELECT* 2"', 1)[1]  # after the counters' part of the UNION
    assert "Filter:" not in branches
