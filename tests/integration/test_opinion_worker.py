"""Issued documents with PostgreSQL, Redis and a real Celery worker process."""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection, transaction

from documents import services as drafting
from documents.models import NumberSequence
from review.documents import opinion_issue
from review.models import Opinion
from tests.opinions.conftest import helen, make_case  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_until_settled(pk: int, timeout: float = 90) -> Opinion:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        opinion = Opinion.objects.get(pk=pk)
        if opinion.state == Opinion.State.READY:
            return opinion
        time.sleep(0.25)
    pytest.fail(f"opinion {pk} not ready after {timeout} s: {opinion.state} {opinion.error}")


def _worker_file(opinion: Opinion) -> Path:
    """The worker has its own temporary MEDIA_ROOT (config.settings.test); the token in the file
    name finds the one file it wrote."""
    found = list(Path(tempfile.gettempdir()).glob(f"energyreview-test-media-*/{opinion.file.name}"))
    assert len(found) == 1, found
    return found[0]


def _sign_off(case, kind: str, head, dana) -> Opinion:
    """Draft, send and sign off (the number is taken here); the render is queued on commit."""
    draft = opinion_issue(case=case, kind=kind)
    drafting.draft_submit(draft=draft, by=dana)
    return drafting.draft_sign(draft=draft, by=head).opinion


def test_a_real_worker_renders_signs_and_stores_the_document(
    celery_worker_process,
    make_case,  # noqa: F811
    helen,  # noqa: F811
    dana,
):
    case = make_case("deferral")
    with transaction.atomic():
        opinion = _sign_off(case, "deferral", helen, dana)
        assert Opinion.objects.get(pk=opinion.pk).state == Opinion.State.PENDING
    opinion = _wait_until_settled(opinion.pk)
    assert opinion.attempts == 1
    assert opinion.error == ""
    data = _worker_file(opinion).read_bytes()
    assert hashlib.sha256(data).hexdigest() == opinion.sha256
    assert len(data) == opinion.size
    assert data.startswith(b"%PDF-")
    assert b"/ByteRange" in data
    assert celery_worker_process.poll() is None


def test_numbers_stay_gap_free_under_concurrent_sign_offs(make_case, helen, dana):  # noqa: F811
    cases = [make_case() for _ in range(8)]
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(cases))

    def decide(case) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                numbers.append(_sign_off(case, "approval", helen, dana).number)
                time.sleep(0.05)  # hold the counter lock while others queue up behind it
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch("review.documents._queue_render") as queue:
        threads = [threading.Thread(target=decide, args=(case,)) for case in cases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert queue.call_count == len(cases)
    sequence = sorted(int(n.split("〕")[1].removesuffix("号")) for n in numbers)
    assert sequence == list(range(1, len(cases) + 1))
    year = Opinion.objects.first().issued_on.year
    assert NumberSequence.objects.get(key="province:32", year=year).last == len(cases)
