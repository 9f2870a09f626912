"""Benchmark of the split-project check (拆分规避, issue 12) at 100,000 projects on PostgreSQL.

``supervision.split.split_warnings_for_case`` runs on every reviewer's case page: it finds the
owner's (same USCC) and the site's (same region and industry) other projects of the last 24
months. This times it on a load database built by ``manage.py generate_load_data`` (COPY; every
province, a few projects per enterprise): a fixed sample of cases, several rounds each, and prints
the median and 95th percentile per check with the plan of one related-cases query.

Database: BENCH_SPLIT_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/er_split_bench
(created when missing and grown to BENCH_SPLIT_PROJECTS projects, default 100,000: a few minutes
the first time, reused afterwards). Target: BENCH_SPLIT_TARGET_MS (default 20 ms) per check.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/er_split_bench"
PROJECTS = int(os.environ.get("BENCH_SPLIT_PROJECTS", "100000"))
SAMPLE = int(os.environ.get("BENCH_SPLIT_SAMPLE", "40"))
ROUNDS = int(os.environ.get("BENCH_SPLIT_ROUNDS", "5"))
TARGET_MS = float(os.environ.get("BENCH_SPLIT_TARGET_MS", "20"))


def database_url() -> str:
    return os.environ.get("BENCH_SPLIT_DATABASE_URL") or DEFAULT_URL


def database_ensure(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def grow(url: str, projects: int) -> None:
    """Migrate, then add the missing projects with the load generator (its own process)."""
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    from projects.models import Project

    missing = projects - Project.objects.count()
    if missing > 0:
        started = time.perf_counter()
        subprocess.run(
            [*manage, "generate_load_data", "--projects", str(missing)], env=env, check=True
        )
        print(f"  generated {missing} projects in {time.perf_counter() - started:.1f} s")


def sample_cases(size: int) -> list:
    """A fixed sample of cases the check would run on (not refused, rejected or expired)."""
    from review.models import ReviewCase
    from supervision.split import IGNORED_STATES

    ids = list(
        ReviewCase.objects.exclude(state__in=IGNORED_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = random.Random(20261201).sample(ids, min(size, len(ids)))
    cases = ReviewCase.objects.select_related("project", "project__organization")
    return [cases.get(pk=pk) for pk in chosen]


def main() -> None:
    import psycopg

    url = database_url()
    try:
        database_ensure(url)
    except psycopg.OperationalError as exc:
        print(f"split benchmark skipped: PostgreSQL not reachable ({str(exc).splitlines()[0]})")
        sys.exit(1 if os.environ.get("REQUIRE_SERVICES") == "1" else 0)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.db import connection

    from projects.models import Project
    from review.models import ReviewCase
    from supervision import split

    grow(url, PROJECTS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    projects, cases = Project.objects.count(), ReviewCase.objects.count()
    sample = sample_cases(SAMPLE)
    for case in sample:  # warm the connection, the caches and the policy lookup
        split.split_warnings_for_case(case)
    timings: list[float] = []
    related = warned = 0
    for _ in range(ROUNDS):
        for case in sample:
            started = time.perf_counter()
            warnings = split.split_warnings_for_case(case)
            timings.append((time.perf_counter() - started) * 1000)
            warned += bool(warnings)
    for case in sample:
        owner, site = split.related_cases(case)
        related += len(owner) + len(site)
    sql, params = split.related_sql(sample[0])
    print("  plan of one related-cases query (EXPLAIN ANALYZE):")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
        for (line,) in cursor.fetchall():
            print(f"    {line}")
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    verdict = "meets" if median <= TARGET_MS else "misses"
    print(
        f"split check: median {median:.2f} ms, p95 {p95:.2f} ms over {len(timings)} checks "
        f"({len(sample)} cases × {ROUNDS} rounds) at {projects:,} projects / {cases:,} cases; "
        f"{related / len(sample):.1f} related projects per case, {warned / ROUNDS:.0f} cases "
        f"warned ({verdict} the {TARGET_MS:.0f} ms target; {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
