"""Personas shared by every test layer: alice and carol (applicants of two organizations), bob
(reviewer, province 32), erin (national window guidance) and dana (admin)."""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from accounts.services import DEMO_PASSWORD, personas_ensure
from tests.browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(autouse=True)
def _chinese_first() -> Iterator[None]:
    """Each test starts in the default language: a request in English must not leak into the
    next test through the thread's active translation."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: a figure snapshot (scale.snapshots) or a throttle
    count taken in one test must not answer for the next test's data."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    return personas_ensure(password=DEMO_PASSWORD)


@pytest.fixture
def alice(personas: dict[str, User]) -> User:
    return personas["alice"]


@pytest.fixture
def carol(personas: dict[str, User]) -> User:
    return personas["carol"]


@pytest.fixture
def bob(personas: dict[str, User]) -> User:
    return personas["bob"]


@pytest.fixture
def erin(personas: dict[str, User]) -> User:
    return personas["erin"]


@pytest.fixture
def dana(personas: dict[str, User]) -> User:
    return personas["dana"]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice: User) -> Client:
    return client_for(alice)


@pytest.fixture
def carol_client(carol: User) -> Client:
    return client_for(carol)


@pytest.fixture
def bob_client(bob: User) -> Client:
    return client_for(bob)


@pytest.fixture
def erin_client(erin: User) -> Client:
    return client_for(erin)


@pytest.fixture
def dana_client(dana: User) -> Client:
    return client_for(dana)


# --- Browser fixtures (one Playwright session for the whole run) ---------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"chromium not found at {CHROMIUM}", pytrace=False)
        pytest.skip("Debian chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by test bodies
    # stay synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def policy_versions_loaded(transactional_db: None) -> None:
    """Transactional tests flush tables, data migrations included: reload the policy versions."""
    seed = importlib.import_module("rules.migrations.0002_seed_policy_versions")
    seed.load(django_apps, None)
    # Contract v2: the versions' new columns and the admin-maintained reference data.
    importlib.import_module("rules.migrations.0005_seed_policy_v2_reference_data").load(
        django_apps, None
    )


@pytest.fixture
def page(browser, live_server, policy_versions_loaded) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()
