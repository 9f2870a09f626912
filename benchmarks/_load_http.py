"""The load benchmark's server and client: gunicorn on loopback, keep-alive requests, timings.

``Server`` starts gunicorn (2 workers, ``config.settings.bench``) on the database ``_load_db``
points at and waits for ``/healthz``; ``request`` keeps one connection per port; ``measure``
times an endpoint at concurrency 1 for a bounded time (req/s, p50, p95) into a ``Result``;
``deep_cases_path`` follows the cases API's ``next`` links. Used by ``bench_load.py`` and
``bench_burst.py``.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import time
from dataclasses import dataclass

from _load_db import HOST, PY, ROOT, _env, _flush_bench_redis


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p95_ms: float
    requests: int


class Server:
    """gunicorn on loopback; ``pin`` restricts it to those cores (``taskset -c``)."""

    def __init__(
        self, port: int, pin: str | None = None, env_extra: dict[str, str] | None = None
    ) -> None:
        self.port = port
        self.pin = pin
        self.env_extra = env_extra or {}
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        _flush_bench_redis()  # no snapshot or throttle count of another database or run
        self.proc = subprocess.Popen(
            [
                *(["taskset", "-c", self.pin] if self.pin else []),
                PY,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-b",
                f"{HOST}:{self.port}",
                "-w",
                "2",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=_env(**self.env_extra),
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = request(self.port, "GET", "/healthz", {})
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *_: object) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


_CONNECTIONS: dict[int, http.client.HTTPConnection] = {}


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, bytes]:
    conn = _CONNECTIONS.get(port)
    if conn is None:
        conn = _CONNECTIONS[port] = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (http.client.HTTPException, OSError):
        conn.close()
        _CONNECTIONS.pop(port, None)
        raise


def measure(
    port: int,
    name: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None,
    seconds: float,
) -> Result:
    for _ in range(3):  # warm: connections, caches, imports
        status, content = request(port, method, path, headers, body)
        if status >= 400:
            raise SystemExit(f"{name}: {method} {path} answered {status}: {content[:300]!r}")
    latencies: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds and len(latencies) < 5000:
        t0 = time.perf_counter()
        status, content = request(port, method, path, headers, body)
        latencies.append(time.perf_counter() - t0)
        if status >= 400:  # an error page is not throughput
            raise SystemExit(f"{name}: {method} {path} answered {status}: {content[:300]!r}")
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(
        name=name,
        rps=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=latencies[int(len(latencies) * 0.95) - 1 if len(latencies) > 1 else 0] * 1000,
        requests=len(latencies),
    )


def deep_cases_path(port: int, headers: dict[str, str], depth: int, budget_s: float) -> str:
    """The cases API page ``depth`` pages in: follows ``next`` (cursor or page links)."""
    path = "/api/v1/cases/"
    started = time.perf_counter()
    for _ in range(depth - 1):
        status, content = request(port, "GET", path, headers)
        following = json.loads(content).get("next") if status == 200 else None
        if not following or time.perf_counter() - started > budget_s:
            break
        path = following.split(f"{HOST}:{port}", 1)[-1] if "://" in following else following
    return path
