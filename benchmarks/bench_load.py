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

The database helpers live in ``_load_db.py`` and the server and client in ``_load_http.py``
(beside this file); their names stay importable from here (``bench_burst.py`` uses them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from typing import Any

import _load_db
from _load_db import (
    DB,
    HOST,
    PG,
    PY,
    REDIS,
    ROOT,
    _env,
    _existing_or_zero,
    _flush_bench_redis,
    _manage,
    _postgres_up,
    _psql,
    _redis_up,
    credentials,
    grow_to,
    prepare_database,
    project_count,
    use_size,
)
from _load_http import Result, Server, deep_cases_path, measure, request

__all__ = [
    "DB",
    "HOST",
    "PG",
    "PY",
    "REDIS",
    "ROOT",
    "Result",
    "Server",
    "_env",
    "_existing_or_zero",
    "_flush_bench_redis",
    "_manage",
    "_postgres_up",
    "_psql",
    "_redis_up",
    "credentials",
    "database_shares",
    "deep_cases_path",
    "grow_to",
    "main",
    "measure",
    "prepare_database",
    "print_table",
    "project_count",
    "request",
    "run_size",
    "use_size",
]


def __getattr__(name: str) -> Any:
    """``DATABASE_URL`` and ``CURRENT_DB`` follow ``use_size``: read live from ``_load_db``."""
    if name in ("DATABASE_URL", "CURRENT_DB"):
        return getattr(_load_db, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


TARGET_RATIO, TARGET_RATIO_HEAVY, TARGET_GROWTH = 0.25, 0.15, 1.5
HEAVY = {"overview page", "POST /api/v1/assessments/"}


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
        _load_db.CURRENT_DB,
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


if __name__ == "__main__":
    sys.exit(main())
