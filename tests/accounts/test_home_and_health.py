from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("alice", "/projects/"),
        ("carol", "/projects/"),
        ("bob", "/review/"),
        ("erin", "/review/"),
        ("dana", "/policy/overview/"),
    ],
)
def test_home_sends_each_persona_to_their_start_page(request, persona, target):
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == target
    page = client.get(target)
    assert page.status_code == 200
    assert "节能审查服务平台" in page.content.decode()


def test_home_requires_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_with_demo_password(alice):
    client = Client()
    response = client.post("/login/", {"username": "alice", "password": "review-demo-2026"})
    assert response.status_code == 302
    assert client.get("/projects/").status_code == 200


def test_healthz_reports_database_and_broker(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["status"] == "ok"


def test_openapi_schema_and_docs_are_served(db):
    client = Client()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_english_is_available_through_the_language_switch(alice):
    client = Client()
    client.force_login(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/projects/"})
    page = client.get("/projects/")
    assert page.status_code == 200
    assert 'lang="en"' in page.content.decode()
