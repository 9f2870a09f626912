"""Tenant privacy of the credit code, organization facts frozen after a decision, seed_demo kept out
of production, and a locked database answered with 409 instead of 500."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from projects.models import Organization
from projects.organization_rules import CREDIT_CODE_UNAVAILABLE, FROZEN_MESSAGE
from review.models import ReviewCase
from tests.review.conftest import make_case  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _patch(client, body):
    return client.patch("/api/v1/organization/", json.dumps(body), content_type="application/json")


def test_credit_code_taken_by_another_tenant_gets_a_generic_message(alice, carol_client):
    taken = Organization.objects.get(members__user=alice)
    response = _patch(carol_client, {"credit_code": taken.credit_code})
    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "已存在" not in text
    assert taken.name not in text
    assert str(CREDIT_CODE_UNAVAILABLE) in text


def test_credit_code_taken_gets_the_generic_message_on_the_page_too(alice, carol, carol_client):
    taken = Organization.objects.get(members__user=alice)
    mine = Organization.objects.get(members__user=carol)
    response = carol_client.post(
        "/projects/organization/",
        {"name": mine.name, "credit_code": taken.credit_code, "contact_name": "x"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "已存在" not in html
    assert str(CREDIT_CODE_UNAVAILABLE) in html


def test_organization_name_and_code_are_frozen_after_a_decision(make_case, alice_client):  # noqa: F811
    case = make_case()
    ReviewCase.objects.filter(pk=case.pk).update(state="approved")
    before = Organization.objects.get(pk=case.project.organization_id)
    response = _patch(alice_client, {"name": "改名后的公司"})
    assert response.status_code == 400
    assert str(FROZEN_MESSAGE) in json.dumps(response.json(), ensure_ascii=False)
    page = alice_client.post(
        "/projects/organization/",
        {"name": "改名后的公司", "credit_code": before.credit_code, "contact_name": "x"},
    )
    assert page.status_code == 400
    assert Organization.objects.get(pk=before.pk).name == before.name
    # Contacts stay editable.
    ok = _patch(alice_client, {"contact_phone": "0512-12345678"})
    assert ok.status_code == 200, ok.content
    assert Organization.objects.get(pk=before.pk).contact_phone == "0512-12345678"


def test_organization_stays_editable_before_any_decision(make_case, alice_client):  # noqa: F811
    make_case()
    response = _patch(alice_client, {"name": "新名称有限公司"})
    assert response.status_code == 200, response.content


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())


def test_seed_demo_refuses_under_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 64,
        "SIGNING_PKCS12_PATH": "/etc/energyreview/authority.p12",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--allow-without-debug"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "生产" in result.stderr
    assert not (tmp_path / "prod.sqlite3").exists() or "dana" not in result.stdout


def test_a_locked_database_during_a_decision_is_a_409(make_case, bob_client, monkeypatch):  # noqa: F811
    import review.services

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(review.services, "case_accept", locked)
    case = make_case()
    response = bob_client.post(
        f"/api/v1/cases/{case.pk}/accept/", json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 409
    assert "稍后重试" in response.json()["detail"]


def test_a_locked_database_on_a_page_is_a_409(alice_client, monkeypatch):
    import projects.views

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(projects.views.services, "organization_update", locked)
    org = Organization.objects.get(members__user__username="alice")
    response = alice_client.post(
        "/projects/organization/",
        {"name": org.name, "credit_code": org.credit_code, "contact_name": "y"},
    )
    assert response.status_code == 409
