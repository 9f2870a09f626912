"""The projects API reads number text as people type it (issue 13): 「380,000」, 「1,000.5」 and
full-width digits in the number fields it accepts as text; JSON numbers stay numbers; a
mis-grouped separator is a 400 naming the field, with nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Project

from .conftest import BIG_CEMENT

pytestmark = pytest.mark.django_db

LIST = reverse("api-project-list")


def _send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _full_width(text: str) -> str:
    """「1,500,000」 → 「１，５００，０００」."""
    return "".join("，" if c == "," else chr(0xFF10 + int(c)) if c.isdigit() else c for c in text)


def _typed_cement() -> dict[str, Any]:
    energy = [dict(line) for line in BIG_CEMENT["energy"]]
    energy[0]["quantity"] = f"{energy[0]['quantity']:,}"  # 「150,000」
    energy[2]["quantity"] = _full_width(f"{energy[2]['quantity']:,}")
    output = BIG_CEMENT["products"][0]["annual_output"]
    products = [{**BIG_CEMENT["products"][0], "annual_output": _full_width(f"{output:,}")}]
    return {**BIG_CEMENT, "energy": energy, "products": products}


def test_typed_numbers_store_and_assess_like_plain_ones(alice_client):
    plain = _send(alice_client, "post", LIST, {**BIG_CEMENT, "total_investment_wan": 86000.5})
    typed = _send(
        alice_client, "post", LIST, {**_typed_cement(), "total_investment_wan": "86,000.50"}
    )
    assert typed.status_code == 201, typed.json()
    a, b = plain.json(), typed.json()
    assert [line["quantity"] for line in b["energy"]] == [line["quantity"] for line in a["energy"]]
    assert b["products"][0]["annual_output"] == a["products"][0]["annual_output"]
    assert b["assessment"]["energy"] == a["assessment"]["energy"]
    assert b["total_investment_wan"] == "86000.50"


def test_a_patch_takes_a_decimal_with_separators(alice_client):
    created = _send(alice_client, "post", LIST, BIG_CEMENT).json()
    url = reverse("api-project-detail", args=[created["id"]])
    response = _send(alice_client, "patch", url, {"feedstock_tce": "1,000.5"})
    assert response.status_code == 200, response.json()
    assert response.json()["feedstock_tce"] == 1000.5


@pytest.mark.parametrize("typed", ["1,00", "1.000,5", "３８，００"])
def test_a_misgrouped_separator_is_a_400_naming_the_field_and_nothing_is_stored(
    alice_client, typed
):
    energy = [dict(line) for line in BIG_CEMENT["energy"]]
    energy[1]["quantity"] = typed
    before = Project.objects.count()
    response = _send(alice_client, "post", LIST, {**BIG_CEMENT, "energy": energy})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "energy.1.quantity": [
            f"「{typed}」的千位分隔符位置不对：逗号须每三位数字一组（如 1,000 或 1,000.5）。"
        ]
    }
    assert Project.objects.count() == before
    bad_money = _send(alice_client, "post", LIST, {**BIG_CEMENT, "total_investment_wan": typed})
    assert bad_money.status_code == 400
    assert list(bad_money.json()["errors"]) == ["total_investment_wan"]


def test_a_line_added_alone_reads_separators_too(alice_client):
    created = _send(alice_client, "post", LIST, BIG_CEMENT).json()
    url = reverse("api-project-lines", args=[created["id"], "energy"])
    line = {"type": "electricity", "quantity": "1,000,000", "unit": "kWh"}
    response = _send(alice_client, "post", url, line)
    assert response.status_code == 201, response.json()
    assert response.json()["quantity"] == 1000000
