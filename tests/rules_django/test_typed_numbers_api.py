"""Numbers typed as text in the JSON of POST /api/v1/assessments/ (issue 13): strings in number
fields may carry thousands separators and full-width digits; JSON numbers stay numbers; a
mis-grouped separator is refused at the field's path with a message saying why."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from rules.typed_numbers import typed_numbers_read

from .test_api import post

pytestmark = pytest.mark.django_db


def _with(payload: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(payload)
    for path, value in changes.items():
        target: Any = body
        *head, last = path.split("__")
        for part in head:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return body


def test_separators_and_full_width_digits_give_the_same_assessment(
    alice_client: Client, payload: dict
) -> None:
    plain = post(alice_client, payload).json()
    energy = payload["energy"]
    typed = _with(
        payload,
        energy__0__quantity=f"{energy[0]['quantity']:,}",  # 「150,000」
        energy__2__quantity="１２０",
        products__0__annual_output="１，２００，０００",
        substitution_sources__0__saved_tce="40,000.0",
    )
    response = post(alice_client, typed)
    assert response.status_code == 200, response.content
    assert response.json()["energy"] == plain["energy"]
    assert response.json()["substitution"] == plain["substitution"]


def test_a_decimal_with_separators_is_read_exactly(alice_client: Client, payload: dict) -> None:
    a = post(alice_client, _with(payload, feedstock_tce=1000.5)).json()
    b = post(alice_client, _with(payload, feedstock_tce="1,000.5")).json()
    assert b["energy"] == a["energy"]
    assert a["energy"]["counted_tce"] != post(alice_client, payload).json()["energy"]["counted_tce"]


@pytest.mark.parametrize("typed", ["1,00", "1.000,5", "12,34,567", "３８，００"])
def test_a_misgrouped_separator_is_refused_naming_the_field(
    alice_client: Client, payload: dict, typed: str
) -> None:
    response = post(alice_client, _with(payload, energy__1__quantity=typed))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["energy.1.quantity"]
    assert errors["energy.1.quantity"] == [
        f"「{typed}」的千位分隔符位置不对：逗号须每三位数字一组（如 1,000 或 1,000.5）。"
    ]


def test_other_errors_are_still_named_beside_a_misgrouped_number(
    alice_client: Client, payload: dict
) -> None:
    body = _with(payload, energy__0__quantity="1,00", region="999999")
    errors = post(alice_client, body).json()["errors"]
    assert set(errors) == {"energy.0.quantity", "region"}


def test_json_numbers_and_non_number_fields_are_left_alone(payload: dict) -> None:
    body = _with(payload, name="1,00 号项目", energy__0__quantity=150000)
    read, errors = typed_numbers_read(body)
    assert errors == {}
    assert read["name"] == "1,00 号项目"  # not a number field
    assert read["energy"][0]["quantity"] == 150000
    assert type(read["energy"][0]["quantity"]) is int
    assert body["energy"][1]["quantity"] == payload["energy"][1]["quantity"]  # input untouched
    assert json.dumps(read)  # still JSON


def test_text_that_is_no_number_is_still_the_engine_s_error(
    alice_client: Client, payload: dict
) -> None:
    errors = post(alice_client, _with(payload, energy__0__quantity="很多")).json()["errors"]
    assert errors["energy.0.quantity"] == ["应为数字。"]
