"""Load benchmark of the read paths (issue 14), against a one-query DRF ceiling on the same server.

Run from the project root: ``.venv/bin/python benchmarks/bench_load.py [--sizes 1000,10000]``.
Needs PostgreSQL on 127.0.0.1:5432 (skipped with a message otherwise). Each size has its own
database, ``er_scale_bench_<size>`` (prefix ``BENCH_DB``), filled with that many projects by
``manage.py generate_load_data`` (COPY; ``--reuse`` keeps a database already filled). It starts
gunicorn with 2 workers on 127.0.0.1 under ``config.settings.bench`` and measures each endpoint
at concurrency 1 for a bounded time: req/s, p50 and p95 latency, and the ratio of its req/s to
the ceiling view's. With two sizes it prints each endpoint's growth; then the
share of the event table in the database. Loopback only; the whole run is bounded (``--seconds``
per endpoint, default 2).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HOST = "127.0.0.1"
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "er_scale_bench")
# The database being measured: one per size (``<BENCH_DB>_<size>``), set by ``use_size``.
DATABASE_URL = f"{PG}/{DB}"
CURRENT_DB = DB


def use_size(size: int) -> str:
    """Point every later step (manage.py, psql, gunicorn) at the database of ``size``."""
    global DATABASE_URL, CURRENT_DB
    CURRENT_DB = f"{DB}_{size}"
    DATABASE_URL = f"{PG}/{CURRENT_DB}"
    return CURRENT_DB


TARGET_RATIO, TARGET_RATIO_HEAVY, TARGET_GROWTH = 0.25, 0.15, 1.5
HEAVY = {"overview page", "POST /api/v1/assessments/"}


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p95_ms: float
    requests: int


# The server's cache is Redis, as in production (config/settings/base.py: CACHE_URL, default
# REDIS_URL): the API throttles and the overview's snapshots pay a round trip there. This Redis
# database belongs to the benchmark: it is emptied before each server starts.
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    try:
        with socket.create_connection((HOST, 6379), timeout=1):
            return True
    except OSError:
        return False


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        DATABASE_URL=DATABASE_URL,
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if _redis_up():
        env["CACHE_URL"] = REDIS
    env.update(extra)
    return env


def _flush_bench_redis() -> None:
    if _redis_up():
        import redis

        redis.Redis.from_url(REDIS).flushdb()


def _postgres_up() -> bool:
    try:
        with socket.create_connection((HOST, 5432), timeout=1):
            return True
    except OSError:
        return False


def _manage(*args: str) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def _psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        [PY, "-c", _PSQL, f"{PG}/{db}", sql], cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return out.stdout.strip()


_PSQL = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as c:
    cur = c.execute(sys.argv[2])
    if cur.description:
        print("\\n".join("|".join(str(v) for v in row) for row in cur.fetchall()))
"""


def prepare_database(size: int, reuse: bool) -> None:
    """The database of ``size``: kept with ``--reuse`` when it holds ``size`` projects (or a few
    more: bench_burst.py adds 50 of its own), migrated to the code's models; otherwise dropped
    and generated again."""
    db = use_size(size)
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    if not (reuse and exists and size <= _existing_or_zero() <= size + 100):
        _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{db}"')
    _manage("migrate", "--noinput", "-v0")


def project_count() -> int:
    return int(_psql("SELECT count(*) FROM projects_project", CURRENT_DB) or 0)


def grow_to(size: int) -> None:
    missing = size - project_count()
    if missing > 0:
        started = time.perf_counter()
        line = _manage("generate_load_data", "--projects", str(missing), "--seed", str(size))
        print(f"   generated {missing} projects in {time.perf_counter() - started:.1f} s")
        print("   " + line.strip().splitlines()[-1])


def credentials() -> dict[str, Any]:
    """Session cookies and API tokens of the personas, a case of bob's province."""
    script = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
from rest_framework.authtoken.models import Token
from accounts.services import personas_ensure
from review.models import ReviewCase
from review.permissions import case_scope
out = {"sessions": {}, "tokens": {}}
personas = personas_ensure()
for name, user in personas.items():
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    out["sessions"][name] = s.session_key
    out["tokens"][name] = Token.objects.get_or_create(user=user)[0].key
# A case bob may open (his authority's, not the delegated city tier's).
cases = ReviewCase.objects.filter(case_scope(personas["bob"])).order_by("-id")
out["case"] = cases.filter(state="under_review").values_list("pk", flat=True).first() or (
    cases.values_list("pk", flat=True).first()
)
print(json.dumps(out))
"""
    out = subprocess.run([PY, "-c", script], cwd=ROOT, env=_env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


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


def run_size(size: int, seconds: float, port: int) -> dict[str, Result]:
    grow_to(size)
    creds = credentials()
    sessions, tokens, case = creds["sessions"], creds["tokens"], creds["case"]

    def page(user: str) -> dict[str, str]:
        return {"Cookie": f"sessionid={sessions[user]}", "Accept-Language": "zh-hans"}

    def api(user: str) -> dict[str, str]:
        return {"Authorization": f"Token {tokens[user]}", "Accept": "application/json"}

    from_example = (
        subprocess.run(
            [
                PY,
                "-c",
                "import json; from rules.engine.examples import CONTRACT_EXAMPLE_INPUT as P; "
                "print(json.dumps(P))",
            ],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        .encode()
    )
    results: dict[str, Result] = {}
    with Server(port):
        deep = deep_cases_path(port, api("dana"), 500, budget_s=max(5.0, seconds * 4))
        endpoints: list[tuple[str, str, str, dict[str, str], bytes | None]] = [
            ("ceiling (one query)", "GET", "/bench/ceiling/", {}, None),
            ("overview page", "GET", "/policy/overview/", page("dana"), None),
            ("projects API (reviewer)", "GET", "/api/v1/projects/", api("bob"), None),
            ("projects API (admin)", "GET", "/api/v1/projects/", api("dana"), None),
            ("cases API deep page", "GET", deep, api("dana"), None),
            ("reviewer queue page", "GET", "/review/", page("bob"), None),
            ("queue -deadline", "GET", "/review/?sort=-deadline", page("bob"), None),
            ("cases API first page", "GET", "/api/v1/cases/", api("bob"), None),
            ("case page", "GET", f"/review/cases/{case}/", page("bob"), None),
            (
                "POST /api/v1/assessments/",
                "POST",
                "/api/v1/assessments/",
                {**api("alice"), "Content-Type": "application/json"},
                from_example,
            ),
        ]
        for name, method, path, headers, body in endpoints:
            results[name] = measure(port, name, method, path, headers, body, seconds)
    return results


def print_table(size: int, results: dict[str, Result], first: dict[str, Result] | None) -> bool:
    ceiling = results["ceiling (one query)"].rps
    ok = True
    print(f"\n== {size:,} projects (ceiling {ceiling:.0f} req/s)")
    header = f"{'endpoint':<28}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'ratio':>8}"
    if first:
        header += f"{'vs first':>10}{'/ceiling':>10}"
    print(header)
    # On a shared machine the load drifts between sizes: the growth is also given relative to
    # the ceiling's own (the p50 growth divided by the ceiling's), which is what is flagged.
    ceiling_growth = (
        results["ceiling (one query)"].p50_ms / first["ceiling (one query)"].p50_ms
        if first and first["ceiling (one query)"].p50_ms
        else 1.0
    )
    for name, r in results.items():
        ratio = r.rps / ceiling if ceiling else 0.0
        line = f"{name:<28}{r.rps:>9.1f}{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{ratio:>8.3f}"
        target = TARGET_RATIO_HEAVY if name in HEAVY else TARGET_RATIO
        flags = []
        if name != "ceiling (one query)" and ratio < target:
            flags.append(f"< {target}")
        if first and name in first:
            growth = r.p50_ms / first[name].p50_ms if first[name].p50_ms else 0.0
            relative = growth / ceiling_growth if ceiling_growth else growth
            line += f"{growth:>9.2f}x{relative:>9.2f}x"
            if name != "ceiling (one query)" and relative > TARGET_GROWTH:
                flags.append(f"grows > {TARGET_GROWTH}x")
        if flags:
            ok = False
            line += "  !" + ", ".join(flags)
        print(line)
    return ok


def database_shares() -> None:
    rows = _psql(
        "SELECT pg_database_size(current_database()), "
        "pg_total_relation_size('review_caseevent'), pg_total_relation_size('review_reviewcase'), "
        "pg_total_relation_size('projects_submission'), "
        "(SELECT count(*) FROM review_reviewcase), (SELECT count(*) FROM review_caseevent)",
        CURRENT_DB,
    )
    total, events, cases, subs, n_cases, n_events = (int(v) for v in rows.split("|"))
    mb = 1024 * 1024
    print(
        f"\ndatabase {total / mb:.0f} MB: events {events / mb:.0f} MB ({events / total:.0%}, "
        f"{n_events:,} rows), cases {cases / mb:.0f} MB ({n_cases:,}), submissions "
        f"{subs / mb:.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,10000"))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 2)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument("--reuse", action="store_true", help="keep the database if present")
    args = parser.parse_args()
    if not _postgres_up():
        print("bench_load skipped: PostgreSQL is not reachable on 127.0.0.1:5432")
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    first: dict[str, Result] | None = None
    ok = True
    for size in sizes:
        prepare_database(size, reuse=args.reuse)
        results = run_size(size, args.seconds, args.port)
        ok = print_table(size, results, first) and ok
        first = first or results
    database_shares()
    print("\nall targets met" if ok else "\nsome targets missed (marked !)")
    return 0


def _existing_or_zero() -> int:
    try:
        return project_count()
    except SystemExit:
        return 0


if __name__ == "__main__":
    sys.exit(main())
