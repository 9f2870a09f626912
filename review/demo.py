"""Demo cases for `manage.py seed_demo`: projects of alice and carol in every state a reviewer
meets, made only through ``projects.services`` and ``review.services`` (no direct writes).

Idempotent: a demo project is recognised by its project code and skipped when it exists, so
running the seed twice changes nothing. The overdue case is accepted with a back-dated clock
(``today`` of the service), 45 calendar days ago.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from projects.models import Project

from . import services
from .models import EvaluationBody, ReviewCase

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoProject:
    owner: str
    code: str
    name: str
    region: str
    industry: str
    energy: list[dict[str, Any]]
    products: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    then: str = "submitted"
    description: str = ""


DEMO: tuple[DemoProject, ...] = (
    DemoProject(
        "alice",
        "2611-320505-04-01-900001",
        "东吴精密汽车零部件智能工厂项目",
        "320505",
        "3670",
        [
            {"type": "electricity", "quantity": 40_000_000, "unit": "kWh"},
            {"type": "natural_gas", "quantity": 150, "unit": "wan_m3"},
        ],
        then="submitted",
    ),
    DemoProject(
        "alice",
        "2611-320505-04-01-900002",
        "东吴光电子器件扩产项目",
        "320505",
        "3976",
        [{"type": "electricity", "quantity": 90_000_000, "unit": "kWh"}],
        then="under_review",
    ),
    DemoProject(
        "alice",
        "2611-320505-04-01-900003",
        "东吴水泥熟料生产线技改项目",
        "320505",
        "3011",
        [
            {"type": "raw_coal", "quantity": 40_000, "unit": "t"},
            {"type": "electricity", "quantity": 30_000_000, "unit": "kWh"},
        ],
        products=[{"product": "cement_clinker", "annual_output": 1_200_000, "unit_energy": 98}],
        sources=[{"description": "关停1条2000t/d熟料生产线", "saved_tce": 50_000}],
        then="approved",
    ),
    DemoProject(
        "alice",
        "2611-320505-04-01-900004",
        "东吴新型建材研发中心项目",
        "320505",
        "3670",
        [{"type": "electricity", "quantity": 30_000_000, "unit": "kWh"}],
        then="overdue",
    ),
    DemoProject(
        "carol",
        "2611-320111-04-01-900005",
        "长江化工有机化学原料一体化项目",
        "320111",
        "2614",
        [
            {"type": "raw_coal", "quantity": 100_000, "unit": "t"},
            {"type": "electricity", "quantity": 60_000_000, "unit": "kWh"},
        ],
        products=[{"product": "ethylene", "annual_output": 300_000, "unit_energy": 580}],
        sources=[{"description": "淘汰落后燃煤锅炉", "saved_tce": 20_000}],
        then="awaiting_guidance",
    ),
    DemoProject(
        "carol",
        "2611-320111-04-01-900006",
        "长江化工锅炉节能改造配套项目",
        "320111",
        "3411",
        [
            {"type": "natural_gas", "quantity": 400, "unit": "wan_m3"},
            {"type": "electricity", "quantity": 10_000_000, "unit": "kWh"},
        ],
        then="returned",
    ),
    DemoProject(
        "carol",
        "2611-320111-04-01-900007",
        "长江化工新材料中试基地项目",
        "320111",
        "3976",
        [{"type": "electricity", "quantity": 70_000_000, "unit": "kWh"}],
        then="deferred",
    ),
    DemoProject(
        "alice",
        "2611-320505-04-01-900008",
        "东吴高端装备铸造中心项目",
        "320505",
        "3391",
        [
            {"type": "electricity", "quantity": 60_000_000, "unit": "kWh"},
            {"type": "natural_gas", "quantity": 800, "unit": "wan_m3"},
        ],
        then="under_evaluation",
    ),
)
EVALUATION_BODIES = (
    ("江苏省节能技术评审中心", "张工 025-83300000"),
    ("苏州市节能监察中心", "李工 0512-65220000"),
)


def _report_pdf(title: str) -> SimpleUploadedFile:
    """A one-page PDF standing in for the energy report (节能报告)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("节能报告.pdf", buffer.getvalue(), content_type="application/pdf")


def _submit(spec: DemoProject, owner: Any) -> ReviewCase:
    from projects import services as project_services

    project = project_services.project_create(
        organization=owner.profile.organization,
        by=owner,
        data={
            "name": spec.name,
            "project_code": spec.code,
            "region": spec.region,
            "industry": spec.industry,
            "construction_type": "new",
            "description": spec.description or f"{spec.name}（演示数据）",
            "energy": spec.energy,
            "products": spec.products,
            "substitution_sources": spec.sources,
        },
    )
    project_services.attachment_add(project=project, by=owner, upload=_report_pdf(spec.name))
    project_services.project_submit(project=project, by=owner)
    return ReviewCase.objects.get(project=project)


def _evaluate(case: ReviewCase, by: Any, *, receive: bool = True) -> None:
    """Commission the evaluation (委托评审) and, with ``receive``, record its report."""
    body = EvaluationBody.objects.get(name=EVALUATION_BODIES[0][0])
    today = timezone.localdate()
    services.case_commission_evaluation(
        case=case, by=by, body=body, due_on=today + timedelta(days=21), today=today
    )
    if receive:
        services.case_record_evaluation(
            case=case,
            by=by,
            received_on=today,
            conclusion="节能报告内容完整，能效水平和能源消费数据可信，建议通过。",
            expert_opinions="1. 余热利用措施可行；2. 建议完善能源计量器具配备方案。",
            report=_report_pdf("评审报告"),
            today=today,
        )


def _advance(case: ReviewCase, then: str, people: dict[str, Any]) -> None:
    """Move the case as a reviewer of its own authority would (bob for the province, grace for
    Suzhou's delegated tier)."""
    reviewer = next(
        (
            people[n]
            for n in ("bob", "grace")
            if case.authority.reviewers.filter(pk=people[n].pk).exists()
        ),
        people["bob"],
    )
    today = timezone.localdate()
    steps: dict[str, Callable[[], Any]] = {
        "submitted": lambda: None,
        "awaiting_guidance": lambda: services.case_accept(
            case=case, by=reviewer, note="两高项目，受理后报国家窗口指导。", assign_to=reviewer
        ),
        "returned": lambda: services.case_return_for_correction(
            case=case,
            by=reviewer,
            items=[
                {"item": "园区能耗双控目标完成情况说明", "detail": "补充近三年完成情况"},
                {"item": "节能报告附表3", "detail": "补充天然气低位发热量"},
            ],
            reason="材料不齐全，请一次性补正。",
        ),
        "overdue": lambda: services.case_accept(
            case=case, by=reviewer, assign_to=reviewer, today=today - timedelta(days=45)
        ),
    }
    if then in steps:
        steps[then]()
        return
    case = services.case_accept(case=case, by=reviewer, assign_to=reviewer)
    if then == "under_review":  # with an extension waiting for the head (helen)
        services.case_request_extension(
            case=case, by=reviewer, reason="项目工艺复杂，需组织专家现场核查。"
        )
        return
    if then == "under_evaluation":
        _evaluate(case, reviewer, receive=False)
        return
    _evaluate(case, reviewer)
    # The regional status the rules demo stores may change the engine's recommendation: justify a
    # decision that departs from it, as a reviewer would have to.
    if then == "approved":
        services.case_approve(
            case=case,
            by=reviewer,
            reason="项目能效达到标杆水平，能耗替代来源已落实，符合节能审查要求。",
            conditions=["投产前完成关停2000t/d熟料生产线的能耗等量替代（方案（十二））"],
            justification=""
            if case.recommendation == "approve"
            else "替代来源已经现场核实，可满足本省替代比例要求（方案（十二））。",
        )
    elif then == "deferred":
        services.case_defer(
            case=case,
            by=reviewer,
            reason="本省年度用能预算紧张，项目用能来源尚待落实。",
            deferral_lift="提交经核实的能耗替代来源或用能权交易凭证。",
            justification=""
            if case.recommendation == "defer"
            else "系统建议通过；因本省用能预算（方案（十一））紧张暂缓。",
        )


def seed(personas: dict[str, Any]) -> None:
    """Create the demo projects and their cases (idempotent). ``personas``: username → User, as
    returned by ``accounts.services.personas_ensure``."""
    for name, contact in EVALUATION_BODIES:
        EvaluationBody.objects.get_or_create(name=name, defaults={"contact": contact})
    for spec in DEMO:
        owner = personas[spec.owner]
        if Project.objects.filter(
            project_code=spec.code, organization=owner.profile.organization
        ).exists():
            continue
        with transaction.atomic():
            case = _submit(spec, owner)
            _advance(case, spec.then, personas)
        logger.info("demo case %s: %s (%s)", case.pk, spec.name, spec.then)
    services.deadline_reminders_send(today=timezone.localdate())
