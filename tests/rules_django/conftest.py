"""Fixtures for the Django side of the policy engine: payloads, spreadsheets, projects, cases."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from projects.models import Organization, Project, Submission
from review.models import ReviewCase
from rules.serializers import EXAMPLE_INPUT


@pytest.fixture
def payload() -> dict[str, Any]:
    """The contract's example input (a fresh copy)."""
    return copy.deepcopy(EXAMPLE_INPUT)


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, bom: bool = False, encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TWO_HIGH_HEADER = [
    "project_code",
    "project_name",
    "region",
    "industry",
    "status",
    "annual_tce",
    "disposal",
    "note",
]
REGION_HEADER = [
    "province",
    "year",
    "basic_target_pct",
    "incentive_target_pct",
    "progress_pct",
    "behind_basic_target",
    "substitution_ratio",
    "warning_level",
]


def two_high_row(n: int, **over: Any) -> list[Any]:
    """A valid inventory row with project code number `n` (province 32, cement)."""
    row = {
        "project_code": f"2601-320505-04-01-{n:06d}",
        "project_name": f"测试项目{n}",
        "region": "320505",
        "industry": "3011",
        "status": "planned",
        "annual_tce": 1000.0 + n,
        "disposal": "continue",
        "note": "",
    }
    row.update(over)
    return [row[k] for k in TWO_HIGH_HEADER]


@pytest.fixture
def make_project(alice: User) -> Callable[..., tuple[Project, Submission]]:
    """A project of alice's organization with one submission of `facts` (default: example)."""

    def make(
        facts: dict[str, Any] | None = None, *, code: str | None = None, submissions: int = 1
    ) -> tuple[Project, Submission]:
        facts = copy.deepcopy(facts or EXAMPLE_INPUT)
        if code is not None:
            facts["project_code"] = code
        org = Organization.objects.get(credit_code="91320505MA1XY2KP3R")
        project = Project.objects.create(
            organization=org,
            created_by=alice,
            project_code=facts.get("project_code", ""),
            name=facts.get("name", "项目"),
            region=facts["region"],
            industry=facts["industry"],
            status="submitted",
        )
        submission = None
        for number in range(1, submissions + 1):
            submission = Submission.objects.create(
                project=project,
                number=number,
                facts=facts,
                assessment={},
                policy_version="2023",
                submitted_by=alice,
            )
        assert submission is not None
        return project, submission

    return make


@pytest.fixture
def make_case(make_project: Callable[..., Any]) -> Callable[..., ReviewCase]:
    """A review case on a new project with `code`, in `state`, assigned to `assignee`."""

    def make(code: str, *, state: str = "under_review", assignee: User | None = None) -> ReviewCase:
        project, submission = make_project(code=code)
        return ReviewCase.objects.create(
            project=project,
            submission=submission,
            province=project.region[:2],
            state=state,
            route="national_window_guidance",
            review_level="provincial",
            recommendation="defer",
            counted_tce=120277.66,
            assignee=assignee,
            submitted_at=timezone.now(),
        )

    return make


def model_counts() -> dict[str, int]:
    """Row counts of every model of the apps an assessment could touch."""
    from django.apps import apps

    return {
        m._meta.label: m._default_manager.count()
        for app in ("rules", "projects", "review", "accounts")
        for m in apps.get_app_config(app).get_models()
    }


TODAY = date(2026, 11, 29)


def client_for_user(user: User) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
