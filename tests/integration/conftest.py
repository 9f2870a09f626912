"""The integration layer: PostgreSQL, Redis and a real Celery worker process.

Run with DATABASE_URL (PostgreSQL), REDIS_URL and CELERY_WORKER_TESTS=1 (the Makefile does).
With REQUIRE_SERVICES=1 a missing service fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _services_present() -> None:
    if connection.vendor != "postgresql":
        _unavailable("the integration layer needs DATABASE_URL pointing at PostgreSQL")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or not _reachable(redis_url, 6379):
        _unavailable("the integration layer needs REDIS_URL pointing at a running Redis")
    if not os.environ.get("CELERY_WORKER_TESTS"):
        _unavailable("the integration layer needs CELERY_WORKER_TESTS=1")


def worker_env(db: dict, **extra: str) -> dict[str, str]:
    """The environment of a worker subprocess: the test database and media, plus `extra`."""
    from django.conf import settings

    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    # The worker stores files where the tests look for them.
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    env.update(extra)
    return env


def start_worker(
    *, name: str, env: dict[str, str], queues: str = "celery,documents"
) -> subprocess.Popen:
    """Start `celery worker` (solo pool) as `name` and wait until it answers a ping."""
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / f"celery-{name.split('@')[0]}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "INFO",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queues,
            "-n",
            name,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log = log  # type: ignore[attr-defined]
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"celery worker exited early; see {log.name}")
        try:
            if app.control.inspect(destination=[name], timeout=1).ping():
                return proc
        except Exception:  # noqa: S110 - the broker may still be starting
            pass
        time.sleep(0.5)
    proc.kill()
    pytest.fail(f"celery worker did not answer within 60 s; see {log.name}")


def stop_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    proc.log.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def test_database(django_db_setup: None, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return dict(connection.settings_dict)


@pytest.fixture(scope="session")
def celery_worker_process(test_database: dict) -> Iterator[subprocess.Popen | None]:
    """A real `celery worker` subprocess on the test database, stopped after the session."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        yield None  # the autouse fixture reports the missing service
        return
    proc = start_worker(name=f"integration-{os.getpid()}@localhost", env=worker_env(test_database))
    yield proc
    stop_worker(proc)
