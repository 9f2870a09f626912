"""The shared cache on an unreachable Redis: reads miss, writes are dropped, pages still serve
(sessions load from the database), and it stops retrying for a few seconds after a failure."""

from __future__ import annotations

import socket

from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from config import cache as resilient


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


DEAD = {
    "default": {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{_dead_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(CACHES=DEAD)
def test_every_call_on_an_unreachable_redis_answers_as_an_empty_cache():
    cache = caches.create_connection("default")
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    assert cache.incr("k", 3) == 3
    assert cache.touch("k") is False
    assert cache.clear() is False


@override_settings(CACHES=DEAD)
def test_after_a_failure_it_does_not_retry_until_the_pause_ends(monkeypatch):
    cache = caches.create_connection("default")
    calls = []
    real = resilient.RedisCache.get

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(resilient.RedisCache, "get", counting)
    clock = [1000.0]
    monkeypatch.setattr(resilient.time, "monotonic", lambda: clock[0])
    assert cache.get("k") is None
    assert cache.get("k") is None
    assert len(calls) == 1  # the second read did not try the connection
    clock[0] += resilient.DOWN_SECONDS + 1
    assert cache.get("k") is None
    assert len(calls) == 2  # tried again once the pause was over


@override_settings(CACHES=DEAD, SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_a_logged_in_applicant_is_served_while_redis_is_down(alice):
    client = Client()
    login = client.post(reverse("login"), {"username": "alice", "password": "review-demo-2026"})
    assert login.status_code == 302  # logged in through the real form (axes, session)
    page = client.get(reverse("projects:dashboard"))
    assert page.status_code == 200
    assert page.wsgi_request.user == alice  # the session came from the database
    again = client.get(reverse("projects:dashboard"))
    assert again.status_code == 200
