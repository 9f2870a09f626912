"""Cases with a real frozen assessment, built directly (no workflow needed), and PDF helpers."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from documents.models import Draft
from projects.models import Organization, Project, Submission
from review.models import CaseState, Opinion, ReviewCase
from rules.engine.examples import example_payload

# A cement clinker line in Suzhou (320505), assessed by the real engine.
BASE_FACTS: dict[str, Any] = example_payload(
    name="苏州东吴水泥熟料生产线技改项目",
    submitted_on="2026-03-20",
    energy=[
        {"type": "raw_coal", "quantity": 30000, "unit": "t"},
        {"type": "electricity", "quantity": 2.0e7, "unit": "kWh"},
        {"type": "natural_gas", "quantity": 50, "unit": "wan_m3"},
    ],
    products=[{"product": "cement_clinker", "annual_output": 600000, "unit_energy": 100.0}],
    substitution_sources=[{"description": "关停1条2500t/d熟料线", "saved_tce": 25000}],
)

SCENARIOS: dict[str, dict[str, Any]] = {
    # two-high, below 50,000 tce, at benchmark: local strict management, approve
    "approval": {},
    # clinker below the baseline (117 kgce/t): reject (1609号)
    "rejection": {
        "products": [{"product": "cement_clinker", "annual_output": 6e5, "unit_energy": 125.0}]
    },
    # above 50,000 tce: national window guidance, defer
    "deferral": {
        "energy": [
            {"type": "raw_coal", "quantity": 150000, "unit": "t"},
            {"type": "electricity", "quantity": 9.5e7, "unit": "kWh"},
            {"type": "natural_gas", "quantity": 120, "unit": "wan_m3"},
        ]
    },
}
KIND_STATE = {
    "approval": CaseState.APPROVED,
    "rejection": CaseState.REJECTED,
    "deferral": CaseState.DEFERRED,
}


def assess(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(frozen facts, frozen assessment, policy version) through the one assessment entry point."""
    from rules import engine
    from rules.services import assessment_run

    # The shipped policy versions (rules/data), so that flushed databases (transactional
    # integration tests) assess the same way.
    versions = engine.load_reference().policy_versions
    facts, assessment = assessment_run(payload, policy_versions=versions)
    return engine.facts_to_payload(facts), assessment.as_dict(lang="zh"), assessment.policy_version


@pytest.fixture
def make_case(alice: User, carol: User) -> Callable[..., ReviewCase]:
    """A decided case: `make_case("approval", owner=alice, region="320505", **case_fields)`."""

    def build(
        scenario: str = "approval",
        *,
        owner: User | None = None,
        region: str | None = None,
        facts: dict[str, Any] | None = None,
        **fields: Any,
    ) -> ReviewCase:
        owner = owner or alice
        payload = copy.deepcopy(BASE_FACTS)
        payload.update(copy.deepcopy(SCENARIOS[scenario]))
        payload.update(facts or {})
        if region:
            payload["region"] = region
        frozen, assessment, version = assess(payload)
        organization = Organization.objects.get(pk=owner.profile.organization_id)
        project = Project.objects.create(
            organization=organization,
            created_by=owner,
            project_code=frozen["project_code"],
            name=frozen["name"],
            region=frozen["region"],
            industry=frozen["industry"],
            construction_type=frozen["construction_type"],
            total_investment_wan="186500.00",
            description="新建一条5000t/d新型干法水泥熟料生产线，配套余热发电。",
            status="submitted",
        )
        from projects.selectors import project_details

        submission = Submission.objects.create(
            project=project,
            number=1,
            facts=frozen,
            assessment=assessment,
            policy_version=version,
            submitted_by=owner,
            details=project_details(project),
        )
        values: dict[str, Any] = {
            "state": KIND_STATE.get(scenario, CaseState.UNDER_REVIEW),
            "route": assessment["route"],
            "review_level": assessment["review_level"],
            "two_high": assessment["two_high"]["is_two_high"],
            "recommendation": assessment["recommendation"],
            "counted_tce": assessment["energy"]["counted_tce"],
            "submitted_at": timezone.now(),
            "decided_at": timezone.now(),
            "decision_reason": {
                "approval": "项目能效达到标杆水平，能源消费结构合理，节能措施可行。",
                "rejection": "项目熟料单位产品综合能耗高于基准水平，不符合能效要求。",
                "deferral": "项目属于年综合能源消费量5万吨标准煤以上的“两高”项目，"
                "须先取得窗口指导意见。",
            }[scenario],
            "conditions": "1. 余热发电系统与熟料线同步建成投运。\n"
            "2. 建立能源管理体系并接入重点用能单位能耗在线监测系统。"
            if scenario == "approval"
            else "",
            "cited_findings": [],
        }
        values.update(fields)
        return ReviewCase.objects.create(
            project=project, submission=submission, province=frozen["region"][:2], **values
        )

    return build


@pytest.fixture
def helen(personas: dict[str, User]) -> User:
    """Head of 江苏省发展和改革委员会: checks and signs off Jiangsu's documents."""
    return personas["helen"]


@pytest.fixture
def issue(
    django_capture_on_commit_callbacks: Any, dana: User, helen: User
) -> Callable[..., Opinion]:
    """Draft the document of a case the way the decision service does, send it to the head,
    sign it off and run the render task: the issued Opinion."""
    from django.db import transaction

    from documents import services
    from review.documents import opinion_issue

    def run(case: ReviewCase, kind: str = "approval") -> Opinion:
        with transaction.atomic():
            draft = opinion_issue(case=case, kind=kind)
        draft = services.draft_submit(draft=draft, by=dana)
        with django_capture_on_commit_callbacks(execute=True):
            draft = services.draft_sign(draft=draft, by=helen)
        opinion = draft.opinion
        opinion.refresh_from_db()
        return opinion

    return run


@pytest.fixture
def sign_pending(dana: User, helen: User) -> Callable[..., Opinion]:
    """Draft, send and sign off a case's document without running the render task: the
    issued Opinion, still pending (its render message queued on commit, never run here)."""
    from documents import services
    from review.documents import opinion_issue

    def run(case: ReviewCase, kind: str = "approval") -> Opinion:
        draft = opinion_issue(case=case, kind=kind)
        draft = services.draft_submit(draft=draft, by=dana)
        return services.draft_sign(draft=draft, by=helen).opinion

    return run


@pytest.fixture
def draft(make_case: Callable[..., ReviewCase]) -> Draft:
    """The approval draft a decision opens on a new case (the drafting tests)."""
    from review.documents import opinion_issue

    return opinion_issue(case=make_case(), kind="approval")


_RENDERED_ONCE: dict[str, bytes] = {}


@pytest.fixture
def reuse_rendered_pdf() -> Iterator[Any]:
    """For tests about permissions, states and hashes rather than content: WeasyPrint renders
    one real document per session, later calls reuse its bytes plus a unique trailing comment
    (so no two stored files are alike, whatever the signing clock says)."""
    from unittest import mock

    from review import pdf

    real = pdf.render_located

    def render(html: str, **kwargs: Any) -> bytes:
        if "pdf" not in _RENDERED_ONCE:
            _RENDERED_ONCE["pdf"] = real(html)[0]
        return _RENDERED_ONCE["pdf"] + f"%{uuid.uuid4().hex}\n".encode()

    def render_located(html: str, **kwargs: Any) -> tuple[bytes, Any]:
        return render(html), None

    with (
        mock.patch("review.pdf.render", side_effect=render) as patched,
        mock.patch("review.pdf.render_located", side_effect=render_located),
    ):
        yield patched


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_png(data: bytes, *, out: Path, page: int = 1, dpi: int = 60) -> Path:
    """Render one page with poppler's pdftoppm to `out` (a .png path); returns it."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) not installed")
    src = out.with_suffix(".pdf")
    src.write_bytes(data)
    prefix = out.with_suffix("").as_posix()
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            src.as_posix(),
            prefix,
        ],
        check=True,
        capture_output=True,
    )
    return Path(prefix + ".png")
