"""PostgreSQL restarting under load: no decision that was answered as done is lost, /healthz
degrades while the server is down and recovers, and the same process goes on working (no restart
of the web tier). Uses its own initdb/pg_ctl instance on a spare port, stopped at the end."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture
def own_postgres(tmp_path_factory):
    if shutil.which("initdb") is None or shutil.which("pg_ctl") is None:
        pytest.skip("initdb/pg_ctl are not installed")
    data = Path("/tmp") / f"er-pg-{os.getpid()}-{_spare_port()}"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _spare_port()
    subprocess.run(
        _as_postgres(["initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(
            f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{data}'\n"
        )
    subprocess.run(
        _as_postgres(["pg_ctl", "-D", str(data), "-w", "-l", str(data / "server.log"), "start"]),
        check=True,
        stdout=subprocess.DEVNULL,  # the server would inherit a pipe and hold it open
        stderr=subprocess.DEVNULL,
    )
    subprocess.run(
        _as_postgres(["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "er"]),
        check=True,
        capture_output=True,
    )
    try:
        yield data, port
    finally:
        subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(data), "-w", "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(data, ignore_errors=True)


def test_a_postgres_restart_under_load_loses_no_decision_and_the_process_recovers(own_postgres):
    data, port = own_postgres
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/er",
        "PGDATA": str(data),
        "CELERY_WORKER_TESTS": "",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
        "ALLOWED_HOSTS": "testserver,localhost",  # the probe's Django test client
    }
    result = subprocess.run(
        [sys.executable, "tests/integration/pg_restart_probe.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    # Every decision went through in the end (answered, or committed with the answer lost) ...
    assert len(seen["committed"]) + len(seen["unacknowledged"]) == seen["cases"]
    # ... and none answered as done was lost.
    assert set(seen["committed"]) <= set(seen["accepted"])
    assert len(seen["accepted"]) == seen["cases"]
    assert seen["healthz_down"] == 503
    assert seen["healthz_back"] == 200
