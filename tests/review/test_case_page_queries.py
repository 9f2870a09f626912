"""The reviewer's case page reads a fixed number of queries (issue 14): the case with which of
its lists have rows, the timeline and the related cases of the split check; each list that has
rows one more, however many rows it has. The queries every page makes (the user, the
roles and memberships, the bell) are counted apart: they are not the case page's."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import prepared
from review import services

from .conftest import evaluated, under_review

PAGE_QUERIES = (
    'SELECT c."id", ',  # the case, its project, submission, assignee, authority; which lists
    'SELECT e."id", ',  # the timeline with the actors' names
    "SELECT c.id, ",  # supervision.split: related cases and the policy in force
)


# What every signed-in page reads (accounts, authorities, the bell): not the case page's.
SHARED_TABLES = {
    "auth_user",
    "auth_user_groups",
    "auth_group",
    "authorities_authority",
    "authorities_authority_reviewers",
    "authorities_authority_heads",
    "accounts_profile",
    "review_notice",
    "django_session",
}


def _page_queries(client: Client, case) -> tuple[list[str], str]:
    url = reverse("review:case", args=[case.pk])
    client.get(url)  # the session and the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # a prepared statement (common.prepared, on PostgreSQL) is read as the SQL it runs
    sqls = [prepared.original_sql(q["sql"]) for q in ctx.captured_queries]
    own = [sql for sql in sqls if re.search(r'FROM "?(\w+)', sql).group(1) not in SHARED_TABLES]
    return own, response.content.decode()


def _kinds(queries: list[str]) -> list[str]:
    return [next((k for k in PAGE_QUERIES if q.startswith(k)), q[:40]) for q in queries]


def test_a_case_with_only_its_timeline_makes_three_queries_of_its_own(make_case, bob_client):
    own, html = _page_queries(bob_client, make_case())
    assert _kinds(own) == list(PAGE_QUERIES)
    assert 'data-testid="timeline"' in html
    assert 'data-testid="comparison"' not in html  # a single submission: no comparison card


def test_the_count_does_not_grow_with_the_timeline(make_case, bob, bob_client):
    case = make_case()
    few, _ = _page_queries(bob_client, case)
    case = evaluated(under_review(case, by=bob), by=bob)
    many, html = _page_queries(bob_client, case)
    # the evaluation list now has a row: one query more, the timeline still one
    assert len(many) == len(few) + 1
    assert 'SELECT "review_expertevaluation".' in "".join(many)
    assert 'data-testid="evaluations"' in html


def test_a_pending_extension_is_read_with_the_list(make_case, bob, helen, client):
    case = under_review(make_case(), by=bob)
    services.case_request_extension(case=case, by=bob, reason="材料较多")
    client.force_login(helen)
    own, html = _page_queries(client, case)
    extension_reads = [q for q in own if q.startswith('SELECT "review_extensionrequest".')]
    assert len(extension_reads) == 1
    assert 'data-testid="extension-pending"' in html
    assert "材料较多" in html
    assert 'data-action="approve_extension"' in html
