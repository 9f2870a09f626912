"""Redis outage during a decision: the decision commits, its render waits in the outbox, and once
Redis is back the dispatcher sends it and a real worker renders the document exactly once.

Starts its own redis-server on a spare port (never the shared one), kills it before the decision,
restarts it, and stops it at the end."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from outbox.models import OutboxMessage
from outbox.services import dispatch_pending
from review.models import Opinion
from tests.integration.conftest import start_worker, stop_worker, worker_env
from tests.opinions.conftest import helen, make_case, sign_pending  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Redis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.5):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def own_redis() -> Iterator[Redis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    from config.celery import app

    def point_at(url: str) -> None:
        """This process's Celery app talks to `url` from now on (fresh connection pools)."""
        app.pool.force_close_all()
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    redis = Redis(_spare_port())
    redis.start()
    saved = app.conf.broker_url
    point_at(redis.url)
    try:
        yield redis
    finally:
        redis.kill()
        point_at(saved)


def _wait_ready(pk: int, timeout: float = 120) -> Opinion:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        opinion = Opinion.objects.get(pk=pk)
        if opinion.state == Opinion.State.READY:
            return opinion
        time.sleep(0.5)
    pytest.fail(f"opinion {pk} not rendered after {timeout} s: {opinion.state} {opinion.error}")


def test_a_decision_survives_a_redis_outage_and_is_rendered_exactly_once(
    own_redis,
    test_database,
    make_case,  # noqa: F811
    sign_pending,  # noqa: F811
    policy_versions_loaded,
):
    env = worker_env(test_database, REDIS_URL=own_redis.url)
    worker = start_worker(name=f"outbox-{os.getpid()}@localhost", env=env)
    try:
        case = make_case("approval")
        own_redis.kill()  # Redis goes down before the decision
        started = time.monotonic()
        opinion = sign_pending(case)  # the decision: draft signed off, document issued
        assert time.monotonic() - started < 30  # the request did not hang on the broker
        opinion.refresh_from_db()
        assert opinion.state == Opinion.State.PENDING
        message = OutboxMessage.objects.get(args=[opinion.pk])
        assert message.sent_at is None
        assert message.last_error

        own_redis.start()  # Redis is back (empty: nothing survived in it)
        deadline = time.monotonic() + 60
        while dispatch_pending() == 0:  # what beat's dispatch_outbox_task does every 30 s
            assert time.monotonic() < deadline, OutboxMessage.objects.get(pk=message.pk).last_error
            time.sleep(1)
        opinion = _wait_ready(opinion.pk)
        assert opinion.attempts == 1
        assert dispatch_pending() == 0
        time.sleep(3)
        opinion.refresh_from_db()
        assert opinion.attempts == 1  # rendered exactly once
        assert Opinion.objects.filter(case=case).count() == 1
        assert worker.poll() is None
    finally:
        stop_worker(worker)
