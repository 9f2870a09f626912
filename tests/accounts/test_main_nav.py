"""The kept main navigation is the template's, per language and role (issue 14)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from accounts.templatetags.main_nav import FLAGS

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    return re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_role_gets_its_own_navigation_in_its_language(
    alice_client, bob_client, dana_client, erin_client, language
):
    expected = {
        alice_client: {"is_applicant"},
        bob_client: {"is_reviewer"},
        erin_client: {"is_national_reviewer"},
        dana_client: {"is_admin_user"},
    }
    navs = set()
    for _round in range(2):  # rendered, then kept
        for client, flags in expected.items():
            html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language, follow=True)
            with translation.override(language):
                template = get_template("accounts/_main_nav.html")
                want = template.render({flag: flag in flags for flag in FLAGS})
            assert _nav(html.content.decode()) == want
            navs.add(want)
    assert len(navs) == len(expected)  # each role its own links
