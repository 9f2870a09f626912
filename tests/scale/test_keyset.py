"""Keyset (cursor) pages on the cases API: every row once, in order, at any depth (issue 14)."""

from __future__ import annotations

from datetime import date

import pytest

from review.models import ReviewCase
from scale.keyset import Keyset, decode_cursor, encode_cursor, keyset_page

LIST = "/api/v1/cases/"


def _walk(client, params: dict) -> list[int]:
    ids: list[int] = []
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    body = response.json()
    pages = 1
    while True:
        assert "count" not in body
        assert len(body["results"]) <= 20
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            return ids
        body = client.get(body["next"]).json()
        pages += 1
        assert pages < 50


def _nulls_last(rows, descending: bool) -> list[int]:
    with_key = [r for r in rows if r[1] is not None]
    without = [r for r in rows if r[1] is None]
    with_key.sort(key=lambda r: (r[1], r[0]), reverse=descending)
    without.sort(key=lambda r: r[0], reverse=descending)
    return [r[0] for r in with_key + without]


@pytest.mark.parametrize("sort", ["deadline", "-deadline", "submitted", "-submitted"])
def test_cases_api_pages_list_every_case_once_in_order(load, dana_client, sort):
    # A few cases without a deadline, and ties on the deadline.
    some = list(ReviewCase.objects.order_by("id").values_list("id", flat=True)[:6])
    ReviewCase.objects.filter(pk__in=some[:3]).update(deadline=None)
    ReviewCase.objects.filter(pk__in=some[3:]).update(deadline=date(2026, 12, 1))
    key = "deadline" if "deadline" in sort else "submitted_at"
    rows = list(ReviewCase.objects.values_list("id", key))
    assert len(rows) > 40  # more than two pages
    assert _walk(dana_client, {"sort": sort}) == _nulls_last(rows, sort.startswith("-"))


def test_cases_api_filters_apply_to_every_page(load, bob_client, bob):
    ids = _walk(bob_client, {"state": "approved"})
    assert ids
    assert set(ReviewCase.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        "approved"
    }


@pytest.mark.parametrize("cursor", ["junk", encode_cursor("not-a-date", 3), "W251bGwsIjEiXQ"])
def test_a_bad_cursor_is_a_400_naming_it(load, dana_client, cursor):
    response = dana_client.get(LIST, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_cursor_round_trip_and_a_page_is_one_query(load, django_assert_num_queries):
    keyset = Keyset("submitted_at", descending=True)
    qs = ReviewCase.objects.all()
    with django_assert_num_queries(1):
        first, cursor = keyset_page(qs, keyset, None, 10)
    value, pk = decode_cursor(cursor, ReviewCase, keyset)
    assert (value, pk) == (first[-1].submitted_at, first[-1].pk)
    with django_assert_num_queries(1):
        second, _ = keyset_page(qs, keyset, cursor, 10)
    assert not {c.pk for c in first} & {c.pk for c in second}


def test_queue_page_walks_keyset_pages_and_totals_from_the_counters(
    load, bob, bob_client, monkeypatch
):
    from review import views
    from review.permissions import case_scope

    expected = set(ReviewCase.objects.filter(case_scope(bob)).values_list("id", flat=True))
    assert len(expected) > 10
    seen: list[int] = []
    monkeypatch.setattr(views, "PAGE_SIZE", 7)  # several pages of bob's cases
    response = bob_client.get("/review/", {"sort": "-deadline"})
    for _ in range(20):
        assert response.status_code == 200
        assert response.context["total"] == len(expected)
        seen += [case.pk for case in response.context["cases"]]
        if not response.context["next_cursor"]:
            break
        response = bob_client.get(
            "/review/", {"sort": "-deadline", "cursor": response.context["next_cursor"]}
        )
    assert sorted(seen) == sorted(expected)
    mangled = bob_client.get("/review/", {"cursor": "%%%"})
    assert mangled.status_code == 200  # back at the first page
    assert mangled.context["cursor"] is None
    filtered = bob_client.get("/review/", {"q": "负载"})
    assert filtered.context["total"] is None  # unknown without counting: not shown
