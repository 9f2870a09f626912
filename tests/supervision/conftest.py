"""Approved cases for the supervision tests, built on the review tests' case factory (the
contract's assessment JSON), moved to 审查通过 directly so that these tests do not depend on
the review workflow's intermediate steps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from review.models import CaseState, ReviewCase
from rules.services import assessment_run
from tests.projects.conftest import pdf_bytes
from tests.review.conftest import (  # noqa: F401  (fixtures)
    bob2,
    frank,
    frank_client,
    grace,
    helen,
    make_case,
)

ApprovedFactory = Callable[..., ReviewCase]
DECIDED = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
CONDITIONS = "投产前完成余热发电系统建设\n主要用能设备能效达到一级"


def pdf_upload(name: str = "节能验收报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


@pytest.fixture
def approved_case(make_case: Callable[..., ReviewCase]) -> ApprovedFactory:  # noqa: F811
    """An approved case (default: alice's, 苏州, 20,000 tce, two conditions)."""

    def build(
        *,
        conditions: str = CONDITIONS,
        planned_completion: date | None = None,
        project_code: str | None = None,
        real_assessment: bool = True,
        **kwargs: Any,
    ) -> ReviewCase:
        case = make_case(**kwargs)
        if real_assessment:
            # The engine's own figures for the submitted facts: the review figure.
            _, assessment = assessment_run(case.submission.facts)
            case.submission.assessment = assessment.as_dict()
            case.submission.save(update_fields=["assessment"])
            kwargs_tce = case.submission.assessment["energy"]["counted_tce"]
            ReviewCase.objects.filter(pk=case.pk).update(counted_tce=kwargs_tce)
        ReviewCase.objects.filter(pk=case.pk).update(
            state=CaseState.APPROVED, decided_at=DECIDED, conditions=conditions
        )
        project = case.project
        if planned_completion or project_code:
            project.planned_completion = planned_completion or project.planned_completion
            project.project_code = project_code or project.project_code
            project.save()
        case.refresh_from_db()
        return case

    return build


def acceptance_data(case: ReviewCase, **overrides: Any) -> dict[str, Any]:
    """A complete filing: actual raw coal 10,500 t (the approved facts have 10,000 t)."""
    data: dict[str, Any] = {
        "completed_on": date(2026, 10, 30),
        "actual_capacity": "熟料4500吨/日",
        "energy_lines": [{"type": "raw_coal", "quantity": 10500, "unit": "t"}],
        "products": [],
        "conditions": [
            {"done": True, "evidence": "余热发电系统已投运，见附件3"},
            {"done": False, "evidence": ""},
        ],
        "committee_conclusion": "基本落实节能审查意见，建议整改后通过。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def started(alice: User) -> Callable[..., ReviewCase]:
    from supervision.services.inventory import construction_start_record

    def start(case: ReviewCase, on: date = date(2026, 3, 2), by: User | None = None) -> ReviewCase:
        return construction_start_record(
            case=case, by=by or alice, started_on=on, today=date(2026, 11, 2)
        )

    return start
