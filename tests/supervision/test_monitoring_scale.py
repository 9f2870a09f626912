"""Issue 12 at scale: 12 months × 10,000 projects of monitoring data import through the COPY
path on PostgreSQL, and a file with one bad row changes nothing (not even its good rows).

PostgreSQL only (skipped on SQLite, which takes the portable path). Heavy: 10,000 approved cases
and 120,000 rows; ``SV_SCALE_PROJECTS`` shrinks it for a quick look. How long the import takes
(the issue's "under a minute") is a figure, not an assertion: benchmarks/bench_monitoring.py
prints it under ``make bench``.
"""

from __future__ import annotations

import os
import random
from datetime import date

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from projects.models import Organization, Project, Submission
from review.models import Notice, ReviewCase
from rules.imports import ImportRejected
from supervision.models import MonthlyEnergy, SupervisionFlag
from supervision.rolling import add_months
from supervision.services.monitoring import monitoring_import

PROJECTS = int(os.environ.get("SV_SCALE_PROJECTS", "10000"))
MONTHS = 12
TODAY = date(2026, 11, 20)
FIRST = date(2025, 11, 1)


def _code(i: int) -> str:
    return f"2611-320505-04-01-{i:06d}"


def _load(user) -> dict[str, float]:
    """PROJECTS approved cases of one enterprise; their approved figures by project code."""
    rng = random.Random(12)
    org = Organization.objects.create(credit_code="91320505MA7SCALE12", name="监测规模测试单位")
    Project.objects.bulk_create(
        [
            Project(
                organization=org,
                created_by=user,
                project_code=_code(i),
                name=f"监测项目{i}",
                region="320505",
                industry="3011",
                status="submitted",
            )
            for i in range(1, PROJECTS + 1)
        ],
        batch_size=2000,
    )
    ids = dict(Project.objects.filter(organization=org).values_list("project_code", "id"))
    Submission.objects.bulk_create(
        [
            Submission(
                project_id=pid,
                number=1,
                facts={},
                assessment={"energy": {"counted_tce": 12000.0}},
                policy_version="2023",
                submitted_by=user,
            )
            for pid in ids.values()
        ],
        batch_size=2000,
    )
    submissions = dict(
        Submission.objects.filter(project__organization=org).values_list("project_id", "id")
    )
    now = timezone.now()
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
    return dict(
        ReviewCase.objects.filter(project__organization=org).values_list(
            "project__project_code", "counted_tce"
        )
    )


def _csv(approved: dict[str, float], *, scale: float = 1.0) -> bytes:
    """Twelve months per project: every hundredth project 15% above its approval."""
    rng = random.Random(7)
    lines = ["项目代码,月份,综合能源消费量"]
    for i in range(1, PROJECTS + 1):
        code = _code(i)
        factor = 1.15 if i % 100 == 0 else rng.uniform(0.8, 1.05)
        monthly = approved[code] * factor * scale / MONTHS
        for m in range(MONTHS):
            lines.append(f"{code},{add_months(FIRST, m):%Y-%m},{monthly:.3f}")
    return ("\n".join(lines) + "\n").encode()


def _state() -> tuple[int, float, int, int]:
    total = MonthlyEnergy.objects.aggregate(s=Sum("tce"))["s"] or 0.0
    return (
        MonthlyEnergy.objects.count(),
        round(total, 3),
        SupervisionFlag.objects.count(),
        Notice.objects.count(),
    )


def test_twelve_months_of_ten_thousand_projects_import_all_or_nothing(alice):
    if connection.vendor != "postgresql":
        pytest.skip("the figure is PostgreSQL's (COPY); SQLite takes the portable path")
    approved = _load(alice)
    rows = PROJECTS * MONTHS
    data = _csv(approved)

    result = monitoring_import(data, filename="监测.csv", today=TODAY)
    assert (result.rows, result.created, result.updated) == (rows, rows, 0)
    assert result.flagged == PROJECTS // 100
    before = _state()
    assert (before[0], before[2]) == (rows, PROJECTS // 100)

    # Every value 10% higher and one bad month: rejected, and not one row, flag or notice moves.
    last = _code(PROJECTS)
    bad = _csv(approved, scale=1.1).replace(f"{last},2026-09".encode(), f"{last},2026-99".encode())
    with pytest.raises(ImportRejected) as info:
        monitoring_import(bad, filename="监测.csv", today=TODAY)
    # file row: the header, then the last project's eleventh month
    assert info.value.rows == [1 + (PROJECTS - 1) * MONTHS + 11]
    assert _state() == before
