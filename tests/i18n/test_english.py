"""English UI: the language switch (POST /i18n/setlang/) and Accept-Language turn every persona's
pages English; without them the service stays Chinese. The catalogue itself is complete."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import client_for

from .conftest import PO

CJK = re.compile(r"[\u3400-\u9fff]")
NAV = re.compile(r'<nav class="mainnav".*?</nav>', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
FOOTER = re.compile(r'<footer class="footer">(.*?)</footer>', re.S)
H1 = re.compile(r"<h1>(.*?)</h1>", re.S)

# Per persona: the home page, 2-3 other pages of theirs, and what each must show in English.
PAGES: dict[str, dict[str, tuple[str, ...]]] = {
    "alice": {
        "/": ("My projects", "Project status", "Review status", "Organization details", "Log out"),
        "/projects/new/": ("New project", "Basic information", "Project name", "Save draft"),
        "/projects/organization/": ("Organization details", "unified social credit code"),
    },
    "bob": {
        "/": ("Review queue", "All statuses", "Overdue only", "Deadline, earliest first"),
        "/policy/overview/": ("Overview", "Total cases", "Monthly trend", "Overdue cases"),
        "/policy/barometer/": ("Dual-control barometer of energy consumption", "Basic target"),
        "/policy/budgets/": ("Energy budgets", "Remaining budget", "Utilization"),
    },
    "erin": {
        "/": ("Review queue", "Only cases assigned to me", "Sort by"),
        "/policy/overview/": ("Overview", "Cases under review", "Two-high project cases"),
        "/policy/versions/": ("Policy versions", "Effective date", "Provincial review threshold"),
    },
    "dana": {
        "/": ("Overview", "Total cases", "System recommendation"),
        "/review/": ("Review queue", "All routes"),
        "/policy/versions/": ("Policy versions", "New policy version", "Two-high window guidance"),
        "/policy/versions/new/": ("New policy version", "Effective date", "Save (do not publish)"),
    },
}
# What each persona's navigation says in English, and the Chinese it must no longer say.
NAV_EN = {
    "alice": ("My projects", "New project"),
    "bob": ("Review queue", "Overview", "Barometer", "Energy budgets", "Policy versions"),
    "erin": ("Review queue", "Overview", "Barometer", "Energy budgets", "Policy versions"),
    "dana": ("Review queue", "Overview", "Policy versions", "Data admin"),
}
NAV_ZH = {
    "alice": ("我的项目", "新建项目"),
    "bob": ("审查工作台", "总览", "双控晴雨表", "用能预算", "政策版本"),
    "erin": ("审查工作台", "总览", "双控晴雨表", "用能预算", "政策版本"),
    "dana": ("审查工作台", "总览", "政策版本", "数据维护"),
}


def _switch(client: Client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def _html(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, follow=True, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _chrome(html: str) -> str:
    """The navigation, the <title> and the footer: UI text only, no data."""
    nav = NAV.search(html)
    assert nav, "no main navigation"
    return nav.group(0) + TITLE.search(html).group(1) + FOOTER.search(html).group(1)


@pytest.mark.parametrize("persona", list(PAGES))
def test_language_switch_turns_each_persona_english(persona: str, request) -> None:
    user: User = request.getfixturevalue(persona)
    client = client_for(user)
    _switch(client, "en")
    for url, expected in PAGES[persona].items():
        html = _html(client, url)
        assert '<html lang="en">' in html, url
        for text in expected:
            assert text in html, (url, text)
        chrome = _chrome(html)
        assert not CJK.search(chrome), (url, CJK.findall(chrome))
        for text in NAV_EN[persona]:
            assert f">{text}<" in chrome, (url, text)
        for text in NAV_ZH[persona]:
            assert text not in html, (url, text)
        # The page heading's own words are English (what follows "·" is data: a province).
        heading = H1.search(html).group(1).split("·")[0].split("<span")[0]
        assert heading.strip(), url
        assert not CJK.search(heading), (url, heading)


@pytest.mark.parametrize("persona", list(PAGES))
def test_default_is_chinese(persona: str, request) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in PAGES[persona]:
        html = _html(client, url)
        assert '<html lang="zh-hans">' in html, url
        for text in NAV_ZH[persona]:
            assert text in html, (url, text)
        for text in NAV_EN[persona]:
            assert f">{text}<" not in html, (url, text)


def test_accept_language_english_without_the_switch(bob: User) -> None:
    client = client_for(bob)
    html = _html(client, "/review/", accept_language="en-US,en;q=0.9,zh;q=0.5")
    assert '<html lang="en">' in html
    assert "Review queue" in html
    assert "审查工作台" not in html
    # A Chinese browser still gets Chinese.
    html = _html(client, "/review/", accept_language="zh-CN,zh;q=0.9")
    assert '<html lang="zh-hans">' in html
    assert "审查工作台" in html


def test_switch_back_to_chinese_and_cookie_beats_accept_language(alice: User) -> None:
    client = client_for(alice)
    _switch(client, "en")
    assert "My projects" in _html(client, "/projects/", accept_language="zh-CN")
    _switch(client, "zh-hans")
    html = _html(client, "/projects/", accept_language="en")
    assert '<html lang="zh-hans">' in html
    assert "我的项目" in html
    assert ">My projects<" not in html


def test_anonymous_login_page_in_english() -> None:
    client = Client()
    _switch(client, "en")
    html = _html(client, "/login/")
    assert '<html lang="en">' in html
    for text in ("Log in", "Username", "Password"):
        assert text in html
    assert "用户名" not in html
    assert "密码" not in html


def test_python_messages_translated(alice: User) -> None:
    """gettext in a view (messages framework) and gettext_lazy in a form follow the language."""
    client = client_for(alice)
    _switch(client, "en")
    response = client.post(
        "/projects/new/",
        {"name": "Kiln retrofit", "construction_type": "new", "action": "save"},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Draft saved." in html
    assert "草稿已保存" not in html
    response = client.post("/projects/new/", {"action": "save"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Construction type" in html
    assert "建设性质" not in html


# --- The catalogue ---------------------------------------------------------------------------
def _entries(path: Path) -> list[dict[str, object]]:
    """Parse a .po file: flags, msgid, msgid_plural and msgstr / msgstr[n] of each entry."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in current:
                entries.append(current)
            current, key = {}, ""
            continue
        if line.startswith("#,"):
            current.setdefault("flags", set()).update(  # type: ignore[union-attr]
                flag.strip() for flag in line[2:].split(",")
            )
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] = str(current[key]) + ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return entries


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)[sd]", text))


def test_catalogue_complete_without_fuzzy_entries() -> None:
    entries = _entries(PO)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert "Language: en" in str(header["msgstr"])
    assert len(messages) > 600
    for entry in [header, *messages]:
        assert "fuzzy" not in entry.get("flags", set()), entry["msgid"]
    for entry in messages:
        msgid = str(entry["msgid"])
        forms = [v for k, v in entry.items() if str(k).startswith("msgstr")]
        assert forms, msgid
        assert all(str(v).strip() for v in forms), f"untranslated: {msgid}"
        if "msgid_plural" in entry:
            assert {"msgstr[0]", "msgstr[1]"} <= set(entry), msgid
        for form in forms:
            # English text only, and the same named placeholders as the source.
            assert not CJK.search(str(form)), (msgid, form)
            if "python-format" in entry.get("flags", set()):
                assert _placeholders(str(form)) == _placeholders(msgid), (msgid, form)


def test_every_template_literal_is_in_the_catalogue() -> None:
    """A new {% translate "…" %} without `makemessages` + translation fails here."""
    msgids = {str(e["msgid"]) for e in _entries(PO)}
    literal = re.compile(r"""\{%\s*translate\s+(?:"([^"]*)"|'([^']*)')""")
    missing = []
    for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            text = match.group(1) if match.group(1) is not None else match.group(2)
            # makemessages doubles "%" in template literals (python-format); so does the
            # translate tag when it looks them up.
            if text not in msgids and text.replace("%", "%%") not in msgids:
                missing.append(f"{path.name}: {text}")
    assert not missing, missing
