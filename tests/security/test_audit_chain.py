"""Tamper-evident audit: each case event carries the SHA-256 of its content and of the event before
it; verify_audit_chain and the case page detect a changed or removed event; the timeline CSV
carries the chain so that an outside party can check it with hashlib alone."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from review import audit, services
from review.models import CaseEvent
from tests.review.conftest import make_case  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _case_with_events(make_case, bob):  # noqa: F811
    case = services.case_return_for_correction(case=make_case(), by=bob, items=["补正一"])
    return case


def _drop_update_guard() -> None:
    """The database refuses UPDATE of audit rows; a tamperer with DBA rights would lift that."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the guard's name and syntax there (migration 0002)
            cursor.execute("DROP TRIGGER IF EXISTS review_caseevent_no_change ON review_caseevent")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS review_caseevent_no_update")


def test_every_event_is_chained_to_the_one_before(make_case, bob):  # noqa: F811
    case = _case_with_events(make_case, bob)
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    assert len(events) >= 2
    assert events[0].prev_hash == audit.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    for event in events:
        assert len(event.hash) == 64
        assert event.hash == audit.event_digest(audit.values_of(event))
    assert audit.verify_case(case).ok


def test_verify_command_passes_on_an_intact_trail(make_case, bob, capsys):  # noqa: F811
    _case_with_events(make_case, bob)
    call_command("verify_audit_chain")
    assert "审查记录链完整" in capsys.readouterr().out


def test_a_changed_event_is_detected_by_the_command_and_the_page(make_case, bob, bob_client):  # noqa: F811
    case = _case_with_events(make_case, bob)
    first = CaseEvent.objects.filter(case=case).order_by("id").first()
    _drop_update_guard()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE review_caseevent SET reason = %s WHERE id = %s", ["改过的理由", first.pk]
        )
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")
    report = audit.verify_case(case)
    assert report.broken_at == first.pk
    page = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'data-ok="false"' in page


def test_a_removed_event_is_detected(make_case, bob):  # noqa: F811
    case = _case_with_events(make_case, bob)
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    _drop_update_guard()  # on PostgreSQL the guard refuses DELETE too
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM review_caseevent WHERE id = %s", [events[0].pk])
    report = audit.verify_case(case)
    assert not report.ok
    assert report.broken_at == events[1].pk


def test_the_case_page_shows_an_intact_chain(make_case, bob, bob_client):  # noqa: F811
    case = _case_with_events(make_case, bob)
    page = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'data-testid="audit-chain" data-ok="true"' in page


def test_the_timeline_csv_lets_anyone_check_the_chain(make_case, bob, bob_client):  # noqa: F811
    case = _case_with_events(make_case, bob)
    response = bob_client.get(reverse("review:timeline_csv", args=[case.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == CaseEvent.objects.filter(case=case).count()
    previous = "0" * 64
    for row in sorted(rows, key=lambda r: int(r["记录编号"])):
        text = row["哈希原文"]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == row["记录哈希"]
        assert row["上一记录哈希"] == previous == json.loads(text)["prev_hash"]
        previous = row["记录哈希"]
