"""Redis outage during a decision: the decision commits, its render waits in the outbox, and once
Redis is back the dispatcher sends it and a real worker renders the document exactly once.

The scenario runs in its own process (outbox_outage_probe.py) with its own redis-server on a
spare port (never the shared one), killed before the decision and restarted after."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from review.models import Opinion
from tests.opinions.conftest import make_case  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_decision_survives_a_redis_outage_and_is_rendered_exactly_once(
    test_database,
    make_case,  # noqa: F811
    policy_versions_loaded,
):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    from tests.integration.conftest import worker_env

    case = make_case("approval")
    env = worker_env(test_database, REDIS_URL=f"redis://127.0.0.1:{_spare_port()}/0")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "tests/integration/outbox_outage_probe.py", str(case.pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["decision_seconds"] < 30  # the decision did not hang on the broker
    assert seen["state_after_decision"] == "pending"  # committed, render waiting
    assert seen["sent_while_down"] is False
    assert seen["error_while_down"]
    assert seen["sent_when_back"] == 1
    assert seen["sent_again"] == 0
    assert seen["state_at_end"] == "ready"
    assert seen["attempts"] == 1  # rendered exactly once
    assert seen["worker_alive"] is True
    opinion = Opinion.objects.get(pk=seen["opinion"])
    assert opinion.state == Opinion.State.READY
    assert Opinion.objects.filter(case=case).count() == 1
