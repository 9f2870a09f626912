"""Benchmark of the monitored-energy import on PostgreSQL (issue 12: 12 months × 10,000
projects in under a minute, and a bad row changes nothing).

Creates (once) 10,000 projects with an approved case each in a dedicated database, then times
``supervision.services.monitoring.monitoring_import`` on a 120,000-row CSV (1% of the projects
10%+ above their approved figure, so flags and notices are exercised), the same file again
(idempotent: nothing written) and the file with one bad row (rejected, nothing written). Prints
``monitoring import: N rows in X s``.

Database: BENCH_DATABASE_URL, else DATABASE_URL when it is PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/energyreview_bench_monitoring (created when missing).
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/energyreview_bench_monitoring"
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "10000"))
MONTHS = 12
TARGET_SECONDS = 60.0
FIRST_MONTH = date(2025, 10, 1)


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_URL


def database_ensure(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def code(index: int) -> str:
    return f"2611-320505-04-01-{index:06d}"


def load(projects: int) -> None:
    """Projects, submissions and approved cases with bulk inserts (one organization)."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from projects.models import Organization, Project, Submission
    from review.models import ReviewCase

    rng = random.Random(12)
    now = timezone.now()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username="bench-owner")
        org, _ = Organization.objects.get_or_create(
            credit_code="91320505MA1XY2KP3R", defaults={"name": "基准测试单位"}
        )
        Project.objects.bulk_create(
            [
                Project(
                    organization=org,
                    created_by=user,
                    project_code=code(i),
                    name=f"基准项目{i}",
                    region="320505",
                    industry="3011",
                    status="submitted",
                )
                for i in range(1, projects + 1)
            ],
            batch_size=2000,
        )
        ids = dict(Project.objects.values_list("project_code", "id"))
        Submission.objects.bulk_create(
            [
                Submission(
                    project_id=ids[code(i)],
                    number=1,
                    facts={},
                    assessment={"energy": {"counted_tce": 12000.0}},
                    policy_version="2023",
                    submitted_by=user,
                )
                for i in range(1, projects + 1)
            ],
            batch_size=2000,
        )
        submissions = dict(Submission.objects.values_list("project_id", "id"))
        ReviewCase.objects.bulk_create(
            [
                ReviewCase(
                    project_id=pid,
                    submission_id=sid,
                    province="32",
                    state="approved",
                    route="standard",
                    review_level="provincial",
                    recommendation="approve",
                    counted_tce=round(rng.uniform(2000, 40000), 2),
                    submitted_at=now,
                    decided_at=now,
                )
                for pid, sid in submissions.items()
            ],
            batch_size=2000,
        )


def csv_file(projects: int) -> bytes:
    from review.models import ReviewCase
    from supervision.rolling import add_months

    approved = dict(
        ReviewCase.objects.filter(state="approved").values_list(
            "project__project_code", "counted_tce"
        )
    )
    rng = random.Random(7)
    lines = ["project_code,month,tce"]
    for i in range(1, projects + 1):
        figure = approved[code(i)]
        factor = 1.15 if i % 100 == 0 else rng.uniform(0.8, 1.05)
        for m in range(MONTHS):
            month = add_months(FIRST_MONTH, m).strftime("%Y-%m")
            lines.append(f"{code(i)},{month},{figure * factor / MONTHS:.3f}")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    import psycopg

    url = database_url()
    try:
        database_ensure(url)
    except psycopg.OperationalError as exc:
        print(
            f"monitoring benchmark skipped: PostgreSQL not reachable ({str(exc).splitlines()[0]})"
        )
        sys.exit(1 if os.environ.get("REQUIRE_SERVICES") == "1" else 0)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    from review.models import ReviewCase
    from rules.imports import ImportRejected
    from supervision.models import MonthlyEnergy, SupervisionFlag
    from supervision.services.monitoring import monitoring_import

    call_command("migrate", verbosity=0, interactive=False)
    if ReviewCase.objects.filter(state="approved").count() < PROJECTS:
        started = time.perf_counter()
        load(PROJECTS)
        print(f"loaded {PROJECTS} approved projects in {time.perf_counter() - started:.1f} s")
    MonthlyEnergy.objects.all().delete()
    SupervisionFlag.objects.all().delete()
    data = csv_file(PROJECTS)
    today = date(2026, 11, 20)
    rows = PROJECTS * MONTHS

    started = time.perf_counter()
    result = monitoring_import(data, filename="bench.csv", today=today)
    elapsed = time.perf_counter() - started
    print(f"  {result.summary()}")

    started = time.perf_counter()
    again = monitoring_import(data, filename="bench.csv", today=today)
    print(f"  again in {time.perf_counter() - started:.2f} s: {again.summary()}")

    bad = data.replace(f"{code(PROJECTS)},2026-09".encode(), f"{code(PROJECTS)},2026-99".encode())
    before = list(MonthlyEnergy.objects.order_by("pk").values_list("tce", flat=True)[:1000])
    started = time.perf_counter()
    try:
        monitoring_import(bad, filename="bad.csv", today=today)
    except ImportRejected as exc:
        print(f"  bad file rejected in {time.perf_counter() - started:.2f} s: {exc.lines()}")
    else:
        raise SystemExit("the bad file was accepted")
    after = list(MonthlyEnergy.objects.order_by("pk").values_list("tce", flat=True)[:1000])
    if before != after or MonthlyEnergy.objects.count() != rows:
        raise SystemExit("the bad file changed data")
    verdict = "meets" if elapsed <= TARGET_SECONDS else "misses"
    print(
        f"monitoring import: {rows} rows ({PROJECTS} projects × {MONTHS} months) in "
        f"{elapsed:.2f} s = {rows / elapsed:,.0f}/s ({verdict} the {TARGET_SECONDS:.0f} s target; "
        f"{result.flagged} projects flagged; {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
