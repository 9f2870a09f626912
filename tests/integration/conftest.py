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


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, django_db_blocker) -> Iterator[subprocess.Popen]:
    """A real `celery worker` subprocess on the test database, stopped after the session."""
    redis_url = os.environ.get("REDIS_URL", "")
    if connection.vendor != "postgresql" or not redis_url:
        yield None  # the autouse fixture reports the missing service
        return
    with django_db_blocker.unblock():
        db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    # The worker stores files where the tests look for them.
    from django.conf import settings

    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    log = open(ROOT / "var" / "celery-integration.log", "w")  # noqa: SIM115
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
            "-n",
            f"integration-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"celery worker exited early; see {log.name}")
        try:
            if app.control.inspect(timeout=1).ping():
                break
        except Exception:  # noqa: S110 - the broker may still be starting
            pass
        time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail(f"celery worker did not answer within 60 s; see {log.name}")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
