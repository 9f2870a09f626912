"""The language switch in a real browser: the <select> in the top bar posts to /i18n/setlang/ and
the demo pages come back in English (screenshots in var/screenshots/en_*.png)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser import login, screenshot

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def demo(page) -> None:
    """The demo data (projects and cases in every state) in the live server's database."""
    call_command("seed_demo", "--allow-without-debug", stdout=StringIO())


def _switch_to_english(page) -> None:
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == "en"


def test_alice_dashboard_in_english(page, demo) -> None:
    login(page, "alice")
    assert page.inner_text("nav.mainnav").split()[:2] == ["我的项目", "新建项目"]
    _switch_to_english(page)
    nav = page.inner_text("nav.mainnav")
    assert "My projects" in nav
    assert not CJK.search(nav)
    assert page.inner_text("h1").startswith("My projects")
    headers = page.inner_text("table thead")
    for text in ("Project name", "Project code", "Review progress", "Deadline"):
        assert text in headers
    assert page.locator("tbody tr").count() >= 3
    screenshot(page, "en_alice_dashboard")
    # The choice sticks: the next page is English too.
    page.click("nav.mainnav >> text=New project")
    page.wait_for_load_state("networkidle")
    assert "Basic information" in page.inner_text("main")


def test_bob_queue_in_english(page, demo) -> None:
    login(page, "bob")
    _switch_to_english(page)
    assert page.inner_text("h1").startswith("Review queue")
    nav = page.inner_text("nav.mainnav")
    assert not CJK.search(nav)
    for text in ("Review queue", "Overview", "Barometer", "Energy budgets", "Policy versions"):
        assert text in nav
    assert "working days" in page.inner_text("table")
    assert page.locator("tbody tr").count() >= 5
    screenshot(page, "en_bob_queue")
