"""Authorization matrix generated from the URL conf: every route × every persona, GET, against the
expected status table in tests/security/route_matrix.py. A route without a row (or a row without
a route) fails, so every new page or endpoint gets its access decided explicitly.

Routes with ids use alice's project and its case (province 32, 苏州) where the route is about a
project or a case, and an id that does not exist otherwise. Regenerate a draft of the table with
ROUTE_MATRIX_WRITE=1 (then review every 200 of carol and of anonymous by hand)."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.review.conftest import make_case  # noqa: F401  (fixture)
from tests.security.route_matrix import EXPECTED, PERSONAS

pytestmark = pytest.mark.django_db

MISSING = 987654321
TABLE = Path(__file__).with_name("route_matrix.py")


def routes() -> list[str]:
    """Every route of the URL conf (the admin site as one route: it has its own permissions)."""

    def walk(patterns: list, prefix: str) -> list[str]:
        found: list[str] = []
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if text == "admin/":
                    found.append("admin/")
                    continue
                found.extend(walk(pattern.url_patterns, text))
            elif isinstance(pattern, URLPattern):
                found.append(text)
        return found

    return walk(get_resolver().url_patterns, "")


SLUGS = {"collection": "energy", "kind": "regions", "action": "accept", "fmt": "csv"}
REGEX_EXAMPLES = {
    "key": "states",
    "fmt": "csv",
}


def concrete(route: str, ids: dict[str, int]) -> str:
    """A URL for `route`: alice's project/case where the route is about one, else missing ids."""
    area = "case" if "cases/" in route else "project" if "projects/" in route else ""

    def param(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if kind == "uuid":
            return str(uuid.uuid4())
        if kind in ("slug", "str"):
            return SLUGS.get(name, "x")
        if name == "pk" and area:
            return str(ids[area])
        if name == "number":
            return "1"
        if name == "step":
            return "1"
        return str(MISSING)

    url = re.sub(r"<(\w+):(\w+)>", param, route)
    if url.startswith("policy/^") or "(?P<" in url:
        prefix, regex = url.split("^", 1)
        regex = regex.rstrip("$").replace("\\.", ".")
        for name, value in REGEX_EXAMPLES.items():
            regex = re.sub(rf"\(\?P<{name}>[^)]*\)", value, regex)
        url = prefix + regex
    return "/" + url


@pytest.fixture
def world(make_case, personas):  # noqa: F811
    case = make_case()
    return {"project": case.project_id, "case": case.pk}


def _client(persona: str, personas) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(personas[persona])
    return client


def test_every_route_has_a_row_and_every_row_a_route():
    present = set(routes())
    assert sorted(present - set(EXPECTED)) == [], "add these routes to route_matrix.py"
    assert sorted(set(EXPECTED) - present) == [], "remove these rows from route_matrix.py"


def _observe(persona: str, world, personas) -> dict[str, int]:
    client = _client(persona, personas)
    return {route: client.get(concrete(route, world)).status_code for route in routes()}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_status_on_every_route(persona, world, personas):
    seen = _observe(persona, world, personas)
    index = PERSONAS.index(persona)
    wrong = {
        route: (int(EXPECTED[route].split()[index]), status)
        for route, status in seen.items()
        if route in EXPECTED and int(EXPECTED[route].split()[index]) != status
    }
    assert wrong == {}, f"{persona}: route -> (expected, got)"
    assert all(status < 500 for status in seen.values())


@pytest.mark.skipif(not os.environ.get("ROUTE_MATRIX_WRITE"), reason="regenerates the table")
def test_write_the_table(world, personas):
    table = {route: [] for route in routes()}
    for persona in PERSONAS:
        for route, status in _observe(persona, world, personas).items():
            table[route].append(str(status))
    lines = [
        "# ruff: noqa: E501",
        '"""Expected GET status of every route for every persona (see test_route_matrix.py).',
        "",
        "Columns: " + " ".join(PERSONAS) + '."""',
        "",
        "PERSONAS = " + repr(PERSONAS),
        "",
        "EXPECTED: dict[str, str] = {",
    ]
    lines += [f"    {route!r}: {' '.join(codes)!r}," for route, codes in table.items()]
    lines.append("}")
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
