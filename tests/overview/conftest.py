"""Building review cases directly (organization, project, frozen submission, case) for the
overview, budget and preview tests; assessments come from rules.services.assessment_run."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from projects.models import Organization, Project, ProjectStatus, Submission
from review.models import CaseState, ReviewCase
from rules.services import assessment_run

TZ = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


def facts_payload(
    *,
    tce: float,
    industry: str = "3011",
    region: str = "320505",
    submitted_on: date = date(2026, 3, 10),
    unit_energy: float = 100.0,
) -> dict[str, Any]:
    """A project using exactly ``tce`` (already-converted energy), cement clinker at benchmark."""
    products = (
        [{"product": "cement_clinker", "annual_output": 1_000_000, "unit_energy": unit_energy}]
        if industry == "3011"
        else []
    )
    return {
        "project_code": f"2603-{region}-04-01-{next(_serial):06d}",
        "name": f"测试项目{tce:g}",
        "region": region,
        "industry": industry,
        "construction_type": "new",
        "national_major_project": False,
        "submitted_on": submitted_on.isoformat(),
        "energy": [{"type": "other_tce", "quantity": tce, "unit": "tce"}],
        "baseline_energy": [],
        "renewable_electricity_kwh": 0,
        "feedstock_tce": 0,
        "products": products,
        "substitution_sources": [],
    }


CaseFactory = Callable[..., ReviewCase]


@pytest.fixture
def make_case(alice: User) -> CaseFactory:
    organization = Organization.objects.get(members__user=alice)

    def make(
        *,
        tce: float = 20_000,
        state: str = CaseState.UNDER_REVIEW,
        industry: str = "3011",
        region: str = "320505",
        submitted_on: date = date(2026, 3, 10),
        decided_on: date | None = None,
        deadline: date | None = None,
    ) -> ReviewCase:
        payload = facts_payload(
            tce=tce, industry=industry, region=region, submitted_on=submitted_on
        )
        facts, assessment = assessment_run(payload, today=submitted_on)
        project = Project.objects.create(
            organization=organization,
            created_by=alice,
            project_code=payload["project_code"],
            name=payload["name"],
            region=region,
            industry=industry,
            status=ProjectStatus.SUBMITTED,
        )
        submission = Submission.objects.create(
            project=project,
            number=1,
            facts=payload,
            assessment=assessment.as_dict(),
            policy_version=assessment.policy_version,
            submitted_by=alice,
        )
        return ReviewCase.objects.create(
            project=project,
            submission=submission,
            province=facts.province,
            state=state,
            route=assessment.route,
            review_level=assessment.review_level,
            two_high=assessment.two_high.is_two_high,
            # Stored on the case when the services open it (the overview's table by sector).
            sector=assessment.two_high.sector or "",
            recommendation=assessment.recommendation,
            counted_tce=assessment.counted_tce,
            submitted_at=datetime.combine(submitted_on, datetime.min.time(), TZ).replace(hour=9),
            decided_at=(
                datetime.combine(decided_on, datetime.min.time(), TZ).replace(hour=15)
                if decided_on
                else None
            ),
            deadline=deadline,
        )

    return make
