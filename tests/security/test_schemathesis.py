"""A bounded schemathesis run against the OpenAPI schema: generated requests (valid and invalid)
to every operation, signed in as an applicant or a reviewer; no answer may be a 5xx.

Bounded (SCHEMATHESIS_MAX_EXAMPLES per operation, 2 by default) so that it stays in the suite;
set it higher for a deeper run."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "2"))


def _load_schema():
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI app, whose request signals close old connections: on
    PostgreSQL that would close the test's own connection mid-transaction. Django's test client
    disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(personas, django_db_blocker) -> dict[str, str]:
    return {name: Token.objects.get_or_create(user=personas[name])[0].key for name in personas}


def _persona_for(path: str) -> str:
    if path.startswith(("/api/v1/cases", "/api/v1/supervision", "/api/v1/drafts", "/api/v1/doc")):
        return "bob"
    return "alice"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gives_a_server_error(case, tokens):
    persona = _persona_for(case.path)
    response = case.call(headers={"Authorization": f"Token {tokens[persona]}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
