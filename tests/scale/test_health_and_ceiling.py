"""The cached broker check of /healthz and the benchmark's one-query ceiling view (issue 14)."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client, override_settings

from accounts import views as account_views


class FakeConnection:
    def __init__(self, fail: bool) -> None:
        self.fail = fail

    def ensure_connection(self, **_: object) -> None:
        if self.fail:
            raise ConnectionError("broker down")


@pytest.fixture
def redis_mode():
    """The broker check as with a real broker, counting the connections taken from the pool."""
    calls = {"n": 0, "fail": False}

    @contextmanager
    def acquire(**_: object):
        calls["n"] += 1
        yield FakeConnection(calls["fail"])

    account_views._broker_checked.update(at=-1e9, status=None)
    fake = SimpleNamespace(
        conf=SimpleNamespace(task_always_eager=False), pool=SimpleNamespace(acquire=acquire)
    )
    with mock.patch.object(account_views, "celery_app", fake):
        yield calls
    account_views._broker_checked.update(at=-1e9, status=None)


def test_healthz_checks_the_broker_once_per_interval(db, redis_mode):
    client = Client()
    for _ in range(5):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["broker"] == {"ok": True, "mode": "redis"}
    assert redis_mode["n"] == 1  # not one connection per request
    account_views._broker_checked["at"] -= account_views.BROKER_CHECK_SECONDS + 1
    redis_mode["fail"] = True
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert redis_mode["n"] == 2


def test_the_ceiling_view_is_one_query_and_only_in_the_bench_urls(
    db, django_assert_num_queries, load
):
    with override_settings(ROOT_URLCONF="scale.bench_urls"):
        with django_assert_num_queries(1):
            response = Client().get("/bench/ceiling/")
        assert response.status_code == 200
        assert len(response.json()["results"]) == 20
    assert Client().get("/bench/ceiling/").status_code == 404
