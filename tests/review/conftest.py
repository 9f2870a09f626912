"""Cases for the review tests, built from Submission rows directly (the contract's assessment
JSON), so that these tests do not depend on the engine's numbers."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from accounts import roles
from accounts.models import Profile
from authorities.models import Authority
from projects.models import Project, ProjectStatus, Submission
from review import services
from review.models import EvaluationBody, ReviewCase
from tests.review_steps import evaluated, pdf_upload  # noqa: F401  (shared with other packages)

_serial = itertools.count(1)

FINDINGS = {
    "TIER_PROVINCIAL": ("info", "《办法》(2023)"),
    "TWO_HIGH_CATALOGUE": ("info", "方案（七）"),
    "NATIONAL_WINDOW_GUIDANCE": ("blocking", "方案（七）"),
    "LOCAL_STRICT": ("warning", "方案（七）"),
    "EFFICIENCY_LEVEL": ("info", "发改产业〔2021〕1609号"),
    "EFFICIENCY_BELOW_BASELINE": ("blocking", "1609号"),
    "SUBSTITUTION_SHORTFALL": ("blocking", "方案（十二）"),
}

ROUTES: dict[str, dict[str, Any]] = {
    "standard": {"codes": ["TIER_PROVINCIAL"], "recommendation": "approve", "two_high": False},
    "local_two_high": {
        "codes": ["TIER_PROVINCIAL", "TWO_HIGH_CATALOGUE", "LOCAL_STRICT"],
        "recommendation": "approve",
        "two_high": True,
    },
    "national_window_guidance": {
        "codes": ["TIER_PROVINCIAL", "TWO_HIGH_CATALOGUE", "NATIONAL_WINDOW_GUIDANCE"],
        "recommendation": "defer",
        "two_high": True,
    },
}


def make_assessment(
    *,
    route: str = "standard",
    counted_tce: float = 20000.0,
    recommendation: str | None = None,
    codes: list[str] | None = None,
    lines: list[tuple[str, float]] | None = None,
    review_level: str = "provincial",
) -> dict[str, Any]:
    """An assessment in the contract's shape with the given route, figures and findings."""
    spec = ROUTES[route]
    codes = codes if codes is not None else list(spec["codes"])
    lines = lines or [("raw_coal", counted_tce * 0.7), ("electricity", counted_tce * 0.3)]
    return {
        "policy_version": "2023",
        "energy": {
            "equivalent_tce": counted_tce,
            "equal_value_tce": counted_tce * 1.1,
            "counted_tce": counted_tce,
            "electricity_kwh": 1.0e7,
            "lines": [
                {"type": t, "quantity": q, "unit": "t", "equivalent_tce": q, "equal_value_tce": q}
                for t, q in lines
            ],
        },
        "review_required": True,
        "review_level": review_level,
        "two_high": {
            "is_two_high": spec["two_high"],
            "sector": "building_materials" if spec["two_high"] else None,
            "basis": ["catalogue"] if spec["two_high"] else [],
            "inventory": None,
        },
        "high_energy": spec["two_high"],
        "route": route,
        "efficiency": [],
        "substitution": {
            "required": False,
            "ratio": None,
            "required_tce": 0.0,
            "provided_tce": 0.0,
            "shortfall_tce": 0.0,
        },
        "recommendation": recommendation or spec["recommendation"],
        "findings": [
            {
                "code": code,
                "severity": FINDINGS[code][0],
                "message": f"{code} 说明",
                "basis": FINDINGS[code][1],
            }
            for code in codes
        ],
    }


def make_project(*, owner: User, region: str = "320505", name: str | None = None) -> Project:
    n = next(_serial)
    return Project.objects.create(
        organization=owner.profile.organization,
        created_by=owner,
        project_code=f"2611-{region}-04-01-{n:06d}",
        name=name or f"测试项目{n}",
        region=region,
        industry="3011",
        status=ProjectStatus.SUBMITTED,
    )


def make_submission(
    *,
    project: Project,
    by: User,
    assessment: dict[str, Any] | None = None,
    region: str | None = None,
) -> Submission:
    number = (project.submissions.count() or 0) + 1
    return Submission.objects.create(
        project=project,
        number=number,
        facts={
            "project_code": project.project_code,
            "name": project.name,
            "region": region or project.region,
            "industry": project.industry,
            "construction_type": "new",
            "national_major_project": False,
            "submitted_on": "2026-09-18",
            "energy": [{"type": "raw_coal", "quantity": 10000, "unit": "t"}],
            "baseline_energy": [],
            "renewable_electricity_kwh": 0,
            "feedstock_tce": 0,
            "products": [],
            "substitution_sources": [],
        },
        assessment=assessment or make_assessment(),
        policy_version="2023",
        submitted_by=by,
    )


CaseFactory = Callable[..., ReviewCase]


def zhejiang_authority() -> Authority:
    """浙江省发展和改革委员会: another province's authority (frank reviews for it)."""
    return Authority.objects.get_or_create(
        code="33",
        defaults={
            "name": "浙江省发展和改革委员会",
            "level": "provincial",
            "province": "33",
            "doc_prefix": "浙发改能审",
        },
    )[0]


@pytest.fixture
def make_case(alice: User) -> CaseFactory:
    """Open a case through ``case_open`` (default: alice's, province 32, route standard)."""

    def build(
        *,
        owner: User | None = None,
        region: str = "320505",
        route: str = "standard",
        opened_on: date | None = None,
        name: str | None = None,
        **assessment: Any,
    ) -> ReviewCase:
        owner = owner or alice
        if region.startswith("33"):
            zhejiang_authority()
        project = make_project(owner=owner, region=region, name=name)
        submission = make_submission(
            project=project, by=owner, assessment=make_assessment(route=route, **assessment)
        )
        return services.case_open(submission=submission, by=owner, today=opened_on)

    return build


def resubmit(
    case: ReviewCase, *, by: User, region: str | None = None, **assessment: Any
) -> Submission:
    """A new submission of the case's project (the applicant's correction or new material).
    A returned case's 补正 items are answered first, as the applicant must before resubmitting
    (tests of the refusal call ``make_submission`` themselves)."""
    from tests.review_steps import corrections_answered

    corrections_answered(case, by=by)
    return make_submission(
        project=case.project,
        by=by,
        assessment=make_assessment(**assessment) if assessment else case.submission.assessment,
        region=region or (case.submission.facts or {}).get("region"),
    )


@pytest.fixture
def frank(personas: dict[str, User]) -> User:
    """A reviewer of another province's authority (33, 浙江省发展和改革委员会)."""
    user = User.objects.create_user("frank", "frank@example.cn", "review-demo-2026")
    user.groups.set([Group.objects.get_or_create(name=roles.REVIEWER)[0]])
    Profile.objects.create(user=user, jurisdiction="33", display_name="方克")
    zhejiang_authority().reviewers.add(user)
    return user


@pytest.fixture
def bob2(personas: dict[str, User]) -> User:
    """A second reviewer of 江苏省发展和改革委员会."""
    user = User.objects.create_user("bob2", "bob2@example.cn", "review-demo-2026")
    user.groups.set([Group.objects.get_or_create(name=roles.REVIEWER)[0]])
    Profile.objects.create(user=user, jurisdiction="32", display_name="王博二")
    Authority.objects.get(code="32").reviewers.add(user)
    return user


@pytest.fixture
def helen(personas: dict[str, User]) -> User:
    """Head (分管负责人) of 江苏省发展和改革委员会."""
    return personas["helen"]


@pytest.fixture
def grace(personas: dict[str, User]) -> User:
    """Reviewer of 苏州市发展和改革委员会 (the delegated tier in 3205xx)."""
    return personas["grace"]


@pytest.fixture
def suzhou_head(personas: dict[str, User]) -> User:
    """Head of 苏州市发展和改革委员会."""
    user = User.objects.create_user("hank", "hank@example.cn", "review-demo-2026")
    user.groups.set([Group.objects.get_or_create(name=roles.REVIEWER)[0]])
    Profile.objects.create(user=user, jurisdiction="32", display_name="韩克")
    Authority.objects.get(code="3205").heads.add(user)
    return user


@pytest.fixture
def evaluation_body(db: None) -> EvaluationBody:
    return EvaluationBody.objects.get_or_create(
        name="江苏省节能技术评审中心", defaults={"contact": "张工 025-83300000"}
    )[0]


@pytest.fixture
def frank_client(frank: User) -> Client:
    client = Client()
    client.force_login(frank)
    return client


def under_review(case: ReviewCase, *, by: User, today: date | None = None) -> ReviewCase:
    """Accept and take the case (bob by default)."""
    return services.case_accept(case=case, by=by, assign_to=by, today=today)


def decidable(case: ReviewCase, *, by: User, today: date | None = None) -> ReviewCase:
    """Accepted, taken and evaluated (report on file): ready for a decision."""
    return evaluated(under_review(case, by=by, today=today), by=by, commissioned=today)
