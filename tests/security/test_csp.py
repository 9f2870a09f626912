"""Content-Security-Policy on every page (django-csp): scripts only from our own files or a
nonced inline block, no inline event handlers, the API docs served from our static files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_pages_carry_a_strict_policy(client: Client, alice_client: Client):
    for response in (client.get("/login/"), alice_client.get("/projects/")):
        assert response.status_code == 200
        policy = _policy(response)
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-eval'" not in policy["script-src"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["default-src"] == ["'self'"]


def test_every_inline_script_carries_the_nonce(alice_client: Client):
    for url in ("/projects/", "/projects/new/", "/login/"):
        response = alice_client.get(url)
        html = response.content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        if not inline:
            continue
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert nonce is not None, f"{url}: inline script without a nonce in the policy"
        for attrs in inline:
            assert f'nonce="{nonce.group(1)}"' in attrs, url


def test_no_template_uses_inline_event_handlers():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "templates").rglob("*.html")
        if "/pdf/" not in str(path)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HANDLER.search(line) or "javascript:" in line
    ]
    assert offenders == []


def test_api_docs_load_no_script_from_another_origin(alice_client: Client):
    response = alice_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    assert sources
    for source in sources:
        assert not source.startswith(("http:", "https:", "//")), source
    assert "drf_spectacular_sidecar" in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html) is None  # no inline script
