"""Login throttling: repeated wrong passwords lock the account for this client (django-axes), and
the API is rate limited (DRF throttles)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts.services import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_fifty_wrong_passwords_then_the_right_one_does_not_log_in(personas):
    client = Client()
    for _ in range(50):
        _login(client, "alice", "wrong-password")
    response = _login(client, "alice", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "登录失败次数过多" in text
    # Still locked on the next page view: no session was created.
    assert client.get(reverse("home")).status_code == 302


def test_a_few_mistakes_do_not_lock_the_account(personas):
    client = Client()
    for _ in range(3):
        response = _login(client, "alice", "wrong-password")
        assert response.status_code == 200
    response = _login(client, "alice", DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas["alice"].pk)


def test_lockout_of_one_user_leaves_others_alone(personas):
    client = Client()
    for _ in range(20):
        _login(client, "alice", "wrong-password")
    response = _login(client, "carol", DEMO_PASSWORD)
    assert response.status_code == 302


def test_api_requests_are_throttled_per_user(alice_client):
    cache.clear()
    with override_settings(API_THROTTLE_USER="5/minute"):
        codes = [alice_client.get("/api/v1/projects/").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5
    assert codes[-1] == 429


def test_anonymous_api_requests_are_throttled(db):
    cache.clear()
    client = Client()
    with override_settings(API_THROTTLE_ANON="3/minute"):
        codes = [client.get("/api/schema/").status_code for _ in range(5)]
    assert codes[:3] == [200] * 3
    assert codes[-1] == 429


def test_behind_a_proxy_each_client_is_counted_on_its_own_address(personas, settings):
    settings.AXES_TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(20):
        attacker.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert _login(attacker, "alice", DEMO_PASSWORD).status_code == 429
    # alice herself, through the same proxy from another address, still signs in
    alice = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _login(alice, "alice", DEMO_PASSWORD).status_code == 302
    # a forged first hop does not help the attacker: the proxy's appended hop counts
    forged = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    assert _login(forged, "alice", DEMO_PASSWORD).status_code == 429
