"""Browser flows of the review workflow (Playwright + Debian chromium):

- bob returns alice's case for correction, alice corrects and resubmits, bob accepts, commissions
  the evaluation (alice sees the notice and the paused clock), records the report and approves;
- a deemed acceptance appears after 5 working days; helen approves bob's extension;
- erin answers a window-guidance case;
- an overdue case is flagged in bob's queue and on its page.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from projects import services as project_services
from review import services
from review.models import CaseState, ReviewCase

from .conftest import login, screenshot

# serialized_rollback: the policy versions seeded by a data migration survive the flush of the
# other transactional browser tests.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _policy_versions(transactional_db: None) -> None:
    """The policy versions a data migration seeds. serialized_rollback restores them after the
    flush of another transactional test, except when the suite's database was set up outside
    Playwright's context (a whole-suite run): then load them again, as the migration does."""
    import importlib

    from django.apps import apps

    from rules.models import PolicyVersion

    if not PolicyVersion.objects.exists():
        importlib.import_module("rules.migrations.0002_seed_policy_versions").load(apps, None)


def _pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _submitted(owner: Any, *, code: str, name: str, industry: str, energy: list) -> ReviewCase:
    """A project submitted through the applicant's services, with its energy report."""
    project = project_services.project_create(
        organization=owner.profile.organization,
        by=owner,
        data={
            "name": name,
            "project_code": code,
            "region": code[5:11],
            "industry": industry,
            "construction_type": "new",
            "energy": energy,
        },
    )
    project_services.attachment_add(
        project=project, by=owner, upload=SimpleUploadedFile("节能报告.pdf", _pdf_bytes())
    )
    project_services.project_submit(project=project, by=owner)
    return ReviewCase.objects.get(project=project)


def _switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def test_return_correct_accept_commission_evaluation_and_approve(page, personas, tmp_path):
    """bob returns alice's provincial-tier case, she corrects it; bob accepts and commissions the
    evaluation; alice sees the written notice and the paused clock; the report is uploaded; bob
    decides (issue 10)."""
    from review.models import EvaluationBody

    EvaluationBody.objects.get_or_create(
        name="江苏省节能技术评审中心", defaults={"contact": "张工"}
    )
    alice = personas["alice"]
    case = _submitted(
        alice,
        code="2611-320505-04-01-700001",
        name="东吴精密零部件智能工厂项目",
        industry="3670",
        energy=[{"type": "electricity", "quantity": 120_000_000, "unit": "kWh"}],
    )
    assert case.authority.code == "32"  # ≥ 10,000 tce: the provincial commission's

    # bob returns the case for correction, every item at once, each with what is required
    login(page, "bob")
    page.goto(f"{page.base_url}/review/")
    row = page.locator(f"tr[data-case='{case.pk}']")
    expect(row).to_contain_text("已提交待受理")
    expect(row.locator("[data-testid=days-left]")).to_be_visible()
    row.get_by_role("link", name="东吴精密零部件智能工厂项目").click()
    expect(page.locator("[data-testid=case-state]")).to_have_text("已提交待受理")
    expect(page.locator("[data-testid=authority]")).to_contain_text("江苏省发展和改革委员会")
    page.click("[data-action=return_for_correction]")
    page.fill("#id_items", "节能报告附表3｜补充分品种能源消费\n加盖建设单位公章")
    page.fill("#id_reason", "附表3缺天然气用量。")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=case-state]")).to_have_text("退回补正")
    expect(page.locator("[data-testid=correction-items]")).to_contain_text("补充分品种能源消费")

    # alice sees the items, her own date and bob's note, answers each item, adds the corrected
    # material and submits again (refused while an item is unanswered)
    _switch_user(page, "alice")
    page.goto(f"{page.base_url}/projects/{case.project_id}/")
    due = page.locator("[data-testid=correction-due]")
    expect(due).to_contain_text("加盖建设单位公章")
    expect(due).to_contain_text("附表3缺天然气用量。")
    expect(page.locator("[data-testid=answer-by]")).to_contain_text("前提交补正材料")
    items = page.locator("[data-testid=correction-item]")
    expect(items).to_have_count(2)
    items.nth(0).locator("textarea").fill("附表3已补充天然气用量。")
    items.nth(0).locator("select").select_option("attachments")
    items.nth(0).locator("button[type=submit]").click()
    expect(page.locator("#correction-item-1 [data-testid=answered]")).to_be_visible()
    page.goto(f"{page.base_url}/projects/{case.project_id}/edit/5/")
    expect(page.locator("[data-testid=unanswered-item]")).to_contain_text("答复第2项补正事项")
    page.locator("[data-testid=unanswered-item] a").click()
    page.locator("#correction-item-2 textarea").fill("已加盖公章。")
    page.locator("#correction-item-2 button[type=submit]").click()
    expect(page.locator("#correction-item-2 [data-testid=answered]")).to_be_visible()
    page.goto(f"{page.base_url}/projects/{case.project_id}/edit/5/")
    page.select_option("#id_kind", "correction")
    pdf = Path(tmp_path) / "补正材料.pdf"
    pdf.write_bytes(_pdf_bytes())
    page.set_input_files("#id_file", str(pdf))
    page.click("#attachment-form button[type=submit]")
    expect(page.locator("[data-testid=attachments]")).to_contain_text("补正材料.pdf")
    page.check("#id_pledge")
    page.click("#submit-form button[type=submit]")
    page.wait_for_url("**/submitted/")

    # bob accepts (and takes) the case and commissions the evaluation
    _switch_user(page, "bob")
    page.goto(f"{page.base_url}/review/cases/{case.pk}/")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("补正后重新提交")
    expect(page.locator("[data-testid=correction-rounds]")).to_contain_text(
        "附表3已补充天然气用量。"
    )
    page.click("[data-action=accept]")
    page.fill("#id_note", "补正材料齐全，予以受理。")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=case-state]")).to_have_text("审查中")
    expect(page.locator("[data-testid=assignee]")).to_contain_text("王博")
    expect(page.locator("[data-action=approve]")).to_be_visible()
    page.click("[data-action=commission_evaluation]")
    page.select_option("#id_body", label="江苏省节能技术评审中心（张工）")
    due = timezone.localdate() + timedelta(days=21)
    page.fill("#id_due_on", due.isoformat())
    screenshot(page, "review-commission-form")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=case-state]")).to_have_text("委托评审中")
    expect(page.locator("[data-testid=case-clock] [data-testid=paused]")).to_be_visible()
    expect(page.locator("[data-action=approve]")).to_have_count(0)

    # alice is told in writing: the notice, and her project shows the paused clock
    _switch_user(page, "alice")
    page.goto(f"{page.base_url}/review/notices/")
    expect(page.locator("body")).to_contain_text("不计算在审查期限内")
    expect(page.locator("body")).to_contain_text(due.isoformat())
    page.goto(f"{page.base_url}/projects/{case.project_id}/")
    expect(page.locator("[data-testid=clock-paused]")).to_be_visible()
    screenshot(page, "applicant-evaluation-paused")

    # the report comes back: bob records it with its PDF, then decides
    _switch_user(page, "bob")
    page.goto(f"{page.base_url}/review/cases/{case.pk}/")
    page.click("[data-action=record_evaluation]")
    page.fill("#id_received_on", timezone.localdate().isoformat())
    page.fill("#id_conclusion", "节能报告内容完整，建议通过。")
    page.fill("#id_expert_opinions", "建议完善能源计量器具配备方案。")
    report = Path(tmp_path) / "评审报告.pdf"
    report.write_bytes(_pdf_bytes())
    page.set_input_files("#id_report", str(report))
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=case-state]")).to_have_text("审查中")
    expect(page.locator("[data-testid=evaluations]")).to_contain_text("已收到评审报告")
    page.click("[data-action=approve]")
    page.fill("#id_reason", "项目能效水平和用能结构符合节能审查要求。")
    page.fill("#id_conditions", "项目投产前完成节能验收")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=case-state]")).to_have_text("审查通过")
    expect(page.locator("[data-testid=conditions]")).to_contain_text("项目投产前完成节能验收")
    timeline = page.locator("[data-testid=timeline]")
    for label in ("提交申请", "退回补正", "补正后重新提交", "受理", "委托评审", "登记评审报告"):
        expect(timeline).to_contain_text(label)
    screenshot(page, "review-case-approved")

    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.conditions == "项目投产前完成节能验收"
    assert case.evaluations.get().state == "received"


def test_a_deemed_acceptance_appears_after_five_working_days(page, personas):
    alice = personas["alice"]
    case = _submitted(
        alice,
        code="2611-320505-04-01-700005",
        name="东吴无人答复项目",
        industry="3670",
        energy=[{"type": "electricity", "quantity": 120_000_000, "unit": "kWh"}],
    )
    # the beat task on the first day after the 5-working-day intake limit
    assert services.intake_deem_accepted(today=case.deadline + timedelta(days=1)) == 1
    login(page, "bob")
    page.goto(f"{page.base_url}/review/cases/{case.pk}/")
    expect(page.locator("[data-testid=case-state]")).to_have_text("已受理")
    expect(page.locator("[data-testid=deemed-accepted]")).to_have_text("逾期未告知，视为受理")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("逾期未告知，视为受理")
    screenshot(page, "review-deemed-accepted")
    _switch_user(page, "alice")
    page.goto(f"{page.base_url}/projects/{case.project_id}/")
    expect(page.locator("[data-testid=deemed-accepted]")).to_be_visible()


def test_helen_approves_bobs_extension(page, personas):
    alice, bob = personas["alice"], personas["bob"]
    case = _submitted(
        alice,
        code="2611-320505-04-01-700006",
        name="东吴延期审查项目",
        industry="3670",
        energy=[{"type": "electricity", "quantity": 120_000_000, "unit": "kWh"}],
    )
    case = services.case_accept(case=case, by=bob, assign_to=bob)
    deadline = case.deadline

    login(page, "bob")
    page.goto(f"{page.base_url}/review/cases/{case.pk}/")
    page.click("[data-action=request_extension]")
    page.fill("#id_reason", "项目工艺复杂，需组织专家现场核查。")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=extension-pending]")).to_be_visible()
    expect(page.locator("[data-action=approve_extension]")).to_have_count(0)  # not bob's

    _switch_user(page, "helen")
    page.goto(f"{page.base_url}/review/")
    page.locator(f"tr[data-case='{case.pk}']").get_by_role("link", name="东吴延期审查项目").click()
    expect(page.locator("[data-testid=extension-pending]")).to_contain_text("现场核查")
    page.click("[data-action=approve_extension]")
    page.fill("#id_note", "同意延长。")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=extensions]")).to_contain_text("已批准")
    screenshot(page, "review-extension-approved")
    case.refresh_from_db()
    assert case.extended
    assert case.deadline > deadline

    _switch_user(page, "alice")
    page.goto(f"{page.base_url}/review/notices/")
    expect(page.locator("body")).to_contain_text(f"延长10个工作日，至{case.deadline}")


def test_erin_answers_a_window_guidance_case(page, personas):
    carol, bob = personas["carol"], personas["bob"]
    case = _submitted(
        carol,
        code="2611-320111-04-01-700002",
        name="长江化工有机原料一体化项目",
        industry="2614",
        energy=[
            {"type": "raw_coal", "quantity": 100_000, "unit": "t"},
            {"type": "electricity", "quantity": 60_000_000, "unit": "kWh"},
        ],
    )
    case = services.case_accept(case=case, by=bob, assign_to=bob)
    assert case.state == CaseState.AWAITING_GUIDANCE

    login(page, "erin")
    page.goto(f"{page.base_url}/review/")
    row = page.locator(f"tr[data-case='{case.pk}']")
    expect(row).to_contain_text("待国家窗口指导")
    expect(row).to_contain_text("两高")
    screenshot(page, "review-queue-erin")
    row.get_by_role("link", name="长江化工有机原料一体化项目").click()
    actions = page.locator("[data-testid=actions] a")
    expect(actions).to_have_count(1)
    actions.first.click()
    page.check("input[name=outcome][value=supported_with_conditions]")
    page.fill("#id_notes", "能效须达到标杆水平，投产前落实能耗等量替代。")
    screenshot(page, "review-guidance-form")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=case-state]")).to_have_text("审查中")
    expect(page.locator("[data-testid=guidance]")).to_contain_text("有条件支持")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("出具窗口指导意见")
    screenshot(page, "review-guidance-answered")


def test_an_overdue_case_is_flagged(page, personas):
    """A delegated-tier case in Suzhou: grace's queue (苏州市发展和改革委员会), not bob's."""
    alice, grace = personas["alice"], personas["grace"]
    late = _submitted(
        alice,
        code="2611-320505-04-01-700003",
        name="东吴逾期审查项目",
        industry="3670",
        energy=[{"type": "electricity", "quantity": 30_000_000, "unit": "kWh"}],
    )
    today = timezone.localdate()
    services.case_accept(case=late, by=grace, assign_to=grace, today=today - timedelta(days=45))
    on_time = _submitted(
        alice,
        code="2611-320505-04-01-700004",
        name="东吴按期审查项目",
        industry="3670",
        energy=[{"type": "electricity", "quantity": 30_000_000, "unit": "kWh"}],
    )
    services.deadline_reminders_send(today=today)

    login(page, "grace")
    page.goto(f"{page.base_url}/review/")
    late_row = page.locator(f"tr[data-case='{late.pk}']")
    expect(late_row.locator("[data-testid=overdue]")).to_contain_text("已逾期")
    expect(late_row).to_contain_text("逾期标记")
    expect(page.locator(f"tr[data-case='{on_time.pk}'] [data-testid=overdue]")).to_have_count(0)
    expect(page.locator("[data-testid=overdue-count]")).to_contain_text("1")
    screenshot(page, "review-queue-overdue")
    page.click("[data-testid=overdue-count]")
    expect(page.locator("[data-testid=queue] tbody tr")).to_have_count(1)
    late_row.get_by_role("link", name="东吴逾期审查项目").click()
    expect(page.locator("[data-testid=case-clock] [data-testid=overdue]")).to_be_visible()
    expect(page.locator("[data-testid=timeline]")).to_contain_text("标记逾期")
    screenshot(page, "review-case-overdue")


def test_the_demo_queue_shows_every_state_with_its_clock(page, personas):
    from review import demo

    demo.seed(personas)
    login(page, "bob")
    page.goto(f"{page.base_url}/review/")
    counts = page.locator("[data-testid=state-counts]")
    for label in ("审查中", "退回补正", "待国家窗口指导", "审查通过", "缓批"):
        expect(counts).to_contain_text(label)
    # bob's queue: the provincial commission's cases (the delegated tier in Suzhou is grace's)
    expected = ReviewCase.objects.filter(authority__code="32").count()
    expect(page.locator("[data-testid=queue] tbody tr")).to_have_count(expected)
    expect(page.locator("[data-testid=queue] [data-testid=paused]")).to_have_count(
        ReviewCase.objects.filter(authority__code="32", state="under_evaluation").count()
    )
    screenshot(page, "review-queue-demo")
    page.select_option("#id_state", "awaiting_guidance")
    page.click("form.filters button[type=submit]")
    expect(page.locator("[data-testid=queue] tbody tr")).to_have_count(1)
    expect(page.locator("[data-testid=queue]")).to_contain_text("长江化工有机化学原料一体化项目")
