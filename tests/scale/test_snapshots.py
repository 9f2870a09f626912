"""The overview's two-high table: a snapshot of a few minutes that says when it was taken; the
export counts afresh (issue 14)."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review.models import ReviewCase
from scale import snapshots

OVERVIEW = "/policy/overview/"


def _two_high_queries(queries) -> int:
    return sum('COUNT(DISTINCT "review_reviewcase"."project_id")' in q["sql"] for q in queries)


def _two_high_total(response) -> int:
    return sum(row[1] for row in response.context["tables"]["two_high"].rows)


def test_the_two_high_table_is_counted_once_per_interval_and_says_when(load, dana_client):
    with CaptureQueriesContext(connection) as first:
        response = dana_client.get(OVERVIEW)
    assert response.status_code == 200
    assert _two_high_queries(first.captured_queries) == 1
    projects = ReviewCase.objects.filter(two_high=True).values("project").distinct().count()
    assert projects
    assert _two_high_total(response) == projects
    note = response.context["tables"]["two_high"].note
    assert re.search(r"截至 \d\d:\d\d 的统计，每 5 分钟更新一次", note)
    assert 'data-testid="snapshot-note"' in response.content.decode()

    with CaptureQueriesContext(connection) as second:
        again = dana_client.get(OVERVIEW)
    assert _two_high_queries(second.captured_queries) == 0
    assert again.context["tables"]["two_high"].rows == response.context["tables"]["two_high"].rows

    # a change shows in the export at once, on the page once the snapshot is taken again
    case = ReviewCase.objects.filter(two_high=True).first()
    ReviewCase.objects.filter(project=case.project).update(two_high=False)
    export = dana_client.get(reverse("rules:overview_export", args=["two_high", "csv"]))
    assert export.status_code == 200
    assert _two_high_total(dana_client.get(OVERVIEW)) == projects
    cache.clear()
    assert _two_high_total(dana_client.get(OVERVIEW)) == projects - 1


def test_snapshots_are_kept_per_scope(load, dana_client, bob_client):
    national = dana_client.get(OVERVIEW).context["tables"]["two_high"].rows
    jiangsu = bob_client.get(OVERVIEW).context["tables"]["two_high"].rows
    in_32 = ReviewCase.objects.filter(two_high=True, province="32")
    assert sum(row[1] for row in jiangsu) == in_32.values("project").distinct().count()
    assert sum(row[1] for row in national) >= sum(row[1] for row in jiangsu)


def test_snapshot_computes_once_and_forgets_on_request(db):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    first = snapshots.snapshot("t", compute)
    second = snapshots.snapshot("t", compute)
    assert (first.value, first.fresh, second.value, second.fresh) == (1, True, 1, False)
    assert second.taken_at == first.taken_at
    snapshots.forget("t")
    assert snapshots.snapshot("t", compute).value == 2
