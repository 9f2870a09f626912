"""POST /api/v1/assessments/: the contract's JSON in and out, nothing stored, per persona."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.authtoken.models import Token

from rules.engine.examples import CONTRACT_EXAMPLE_OUTPUT
from tests.rules_django.conftest import model_counts

URL = "/api/v1/assessments/"
CONTRACT_KEYS = (
    "contract_version",
    "policy_version",
    "energy",
    "review_required",
    "review_level",
    "two_high",
    "high_energy",
    "route",
    "efficiency",
    "substitution",
    "recommendation",
    "findings",
)


def post(client: Client, body: Any, **headers: str) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", headers=headers)


def command_output(body: Any, tmp_path: Path, *args: str) -> tuple[bytes, int]:
    path = tmp_path / "facts.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    out = io.StringIO()
    try:
        call_command("assess", str(path), *args, stdout=out)
    except CommandError as exc:
        return out.getvalue().strip().encode(), exc.returncode
    return out.getvalue().strip().encode(), 0


def test_contract_example_gives_the_contract_output(alice_client: Client, payload: dict) -> None:
    response = post(alice_client, payload)

    assert response.status_code == 200
    body = response.json()
    for key in CONTRACT_KEYS:
        if key == "findings":
            continue
        expected = CONTRACT_EXAMPLE_OUTPUT[key]
        if isinstance(expected, dict):
            assert {k: body[key][k] for k in expected} == expected, key
        elif key == "efficiency":
            assert [{k: e[k] for k in expected[0]} for e in body[key]] == expected
        else:
            assert body[key] == expected, key
    assert [(f["code"], f["severity"]) for f in body["findings"]] == [
        (f["code"], f["severity"]) for f in CONTRACT_EXAMPLE_OUTPUT["findings"]
    ]
    # Full citations (document name, number, article), never a bare 方案（七）.
    assert all(f["basis"].startswith("《") for f in body["findings"])
    assert "吨标准煤" in body["findings"][0]["message"]


def test_messages_are_english_with_accept_language_en(alice_client: Client, payload: dict) -> None:
    response = post(alice_client, payload, accept_language="en-US,en;q=0.9")

    assert response.status_code == 200
    message = response.json()["findings"][0]["message"]
    assert "tce" in message
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_invalid_facts_answer_400_naming_every_field(alice_client: Client, payload: dict) -> None:
    payload["region"] = "999999"
    payload["energy"][1]["quantity"] = -5
    payload["products"][0]["product"] = "unobtainium"

    response = post(alice_client, payload)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"region", "energy.1.quantity", "products.0.product"}
    assert all(isinstance(v, list) and v for v in errors.values())
    assert "999999" in errors["region"][0]


def test_errors_are_english_with_accept_language_en(alice_client: Client, payload: dict) -> None:
    payload["energy"][0]["quantity"] = "NaN"

    response = post(alice_client, payload, accept_language="en")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"energy.0.quantity": ["Must be finite (no NaN or infinity)."]}
    }


@pytest.mark.parametrize(
    "body", ["{not json", "[1, 2]", "42"], ids=["malformed", "array", "number"]
)
def test_non_object_body_answers_400_with_the_errors_shape(alice_client: Client, body: str) -> None:
    response = post(alice_client, body)

    assert response.status_code == 400
    assert list(response.json()) == ["errors"]
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_nothing_is_stored(alice_client: Client, payload: dict) -> None:
    before = model_counts()

    assert post(alice_client, payload).status_code == 200
    payload["region"] = "bad"
    assert post(alice_client, payload).status_code == 400

    assert model_counts() == before


@pytest.mark.parametrize("persona", ["alice", "carol", "bob", "erin", "dana"])
def test_every_signed_in_persona_may_assess(
    persona: str, personas: dict, payload: dict, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    assert post(client, payload).status_code == 200


def test_token_authentication(alice, payload: dict) -> None:
    token = Token.objects.create(user=alice)

    response = post(Client(), payload, authorization=f"Token {token.key}")

    assert response.status_code == 200


def test_anonymous_is_refused(db: None, payload: dict) -> None:
    before = model_counts()

    response = post(Client(), payload)

    assert response.status_code in (401, 403)
    assert model_counts() == before


def test_bad_token_is_refused(db: None, payload: dict) -> None:
    response = post(Client(), payload, authorization="Token nope")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "lang"),
    [
        ({}, "zh"),
        ({}, "en"),
        ({"region": "999999", "energy": [{"type": "coal?", "quantity": 1, "unit": "t"}]}, "zh"),
        ({"industry": "12"}, "en"),
    ],
    ids=["valid-zh", "valid-en", "invalid-zh", "invalid-en"],
)
def test_command_prints_the_same_bytes_as_the_api(
    alice_client: Client, payload: dict, tmp_path: Path, change: dict, lang: str
) -> None:
    payload.update(change)
    response = post(alice_client, payload, accept_language=lang)

    printed, code = command_output(payload, tmp_path, "--lang", lang)

    assert printed == response.content
    assert code == (0 if response.status_code == 200 else 2)


def test_command_and_api_agree_on_malformed_json(alice_client: Client, tmp_path: Path) -> None:
    response = post(alice_client, "{oops")
    printed, code = command_output("{oops", tmp_path)

    assert code == 2
    assert response.status_code == 400
    assert list(json.loads(printed)["errors"]) == list(response.json()["errors"])


def test_openapi_schema_documents_the_endpoint_with_examples(client: Client, db: None) -> None:
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/assessments/"]["post"]
    request_examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert any(
        e["value"]["project_code"] == "2611-320500-04-01-381276" for e in request_examples.values()
    )
    ok = operation["responses"]["200"]["content"]["application/json"]
    assert any(e["value"]["route"] == "national_window_guidance" for e in ok["examples"].values())
    assert "400" in operation["responses"]
