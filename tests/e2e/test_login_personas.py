from __future__ import annotations

import pytest

from .conftest import login, screenshot

DISPLAY_NAMES = {
    "alice": "李爱丽",
    "carol": "陈卡罗",
    "bob": "王博",
    "erin": "赵怡然",
    "dana": "孙丹",
}

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(
    ("persona", "path", "heading"),
    [
        ("alice", "/projects/", "我的项目"),
        ("carol", "/projects/", "我的项目"),
        ("bob", "/review/", "审查工作台"),
        ("erin", "/review/", "审查工作台"),
        ("dana", "/policy/overview/", "总览"),
    ],
)
def test_each_persona_logs_in_and_lands_on_their_home(page, personas, persona, path, heading):
    login(page, persona)
    assert page.url.endswith(path)
    assert page.locator("h1").first.inner_text().startswith(heading)
    assert DISPLAY_NAMES[persona] in page.locator("[data-testid=who]").inner_text()
    screenshot(page, f"home-{persona}")


def test_wrong_password_shows_an_error_and_stays_on_login(page, personas):
    login(page, "alice", "wrong-password")
    assert "/login/" in page.url
    assert "请输入一个正确的用户名和密码" in page.locator(".errorlist").first.inner_text()
