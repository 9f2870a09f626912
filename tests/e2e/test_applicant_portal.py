"""The applicant portal in a real browser: alice registers a project through the five steps,
watches the live assessment change as she adds energy lines, submits, and finds the review case
on her dashboard; carol cannot open alice's project."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from projects.models import Project, ProjectStatus
from review.models import CaseState

from .conftest import login, screenshot

# serialized_rollback: the policy versions seeded by a data migration survive the flush of the
# other transactional browser tests.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _pdf_file(tmp_path) -> str:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "节能报告.pdf"
    path.write_bytes(buffer.getvalue())
    return str(path)


def _add_energy_row(page, index: int, energy_type: str, quantity: str) -> None:
    page.click("[data-add-row=energy]")
    page.select_option(f"select[name=energy-{index}-type]", energy_type)
    page.fill(f"input[name=energy-{index}-quantity]", quantity)


def test_alice_registers_and_submits_a_project_and_carol_cannot_see_it(page, personas, tmp_path):
    counted = page.locator("[data-testid=counted-tce]")
    login(page, "alice")

    # 1 基本信息
    page.goto(f"{page.base_url}/projects/new/")
    page.fill("#id_name", "苏州水泥熟料生产线项目")
    page.fill("#id_project_code", "2611-320505-04-01-381276")
    page.fill("#id_region", "320505")
    page.fill("#id_industry", "3011")
    expect(page.locator("[data-testid=two-high]")).to_contain_text("是")
    page.click("button[value=next]")
    page.wait_for_url("**/edit/2/")
    project = Project.objects.get(name="苏州水泥熟料生产线项目")

    # 2 能源消费: the panel follows each line as it is typed, before anything is saved
    _add_energy_row(page, 0, "raw_coal", "150000")
    expect(counted).to_have_text("107,145.00")
    expect(page.locator("select[name=energy-0-unit]")).to_have_value("t")
    _add_energy_row(page, 1, "electricity", "95000000")
    expect(page.locator("select[name=energy-1-unit]")).to_have_value("kWh")
    expect(counted).to_have_text("118,820.50")
    expect(page.locator("[data-testid=route]")).to_have_text("两高项目·国家窗口指导")
    expect(page.locator("[data-testid=findings]")).to_contain_text(
        "《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（七）"
    )
    assert not project.energy_lines.exists()
    # an engine error lands on the row's input
    page.fill("input[name=energy-1-quantity]", "-1")
    expect(page.locator("input[name=energy-1-quantity] + .live-error")).to_have_text("不得为负数。")
    page.fill("input[name=energy-1-quantity]", "95000000")
    expect(counted).to_have_text("118,820.50")
    screenshot(page, "applicant-form-live-panel")
    page.click("button[value=next]")
    page.wait_for_url("**/edit/3/")
    assert project.energy_lines.count() == 2

    # 3 主要产品
    page.click("[data-add-row=products]")
    page.select_option("select[name=products-0-product]", "cement_clinker")
    expect(page.locator("[data-product-hint]")).to_contain_text("标杆 100 / 基准 117")
    page.fill("input[name=products-0-annual_output]", "1500000")
    page.fill("input[name=products-0-unit_energy]", "100")
    expect(page.locator("[data-testid=efficiency]")).to_contain_text("达到标杆水平")
    page.click("button[value=next]")
    page.wait_for_url("**/edit/4/")

    # 4 能耗替代来源 (none here) and 5 附件与提交
    page.click("button[value=next]")
    page.wait_for_url("**/edit/5/")
    expect(page.locator("[data-testid=blocking]")).to_contain_text("节能报告")
    page.set_input_files("#id_file", _pdf_file(tmp_path))
    page.click("#attachment-form button[type=submit]")
    page.wait_for_url("**/edit/5/")
    expect(page.locator("[data-testid=attachments]")).to_contain_text("节能报告.pdf")
    screenshot(page, "applicant-step5")
    page.check("#id_pledge")
    page.click("#submit-form button[type=submit]")
    page.wait_for_url("**/submitted/")
    expect(page.locator("[data-testid=submitted-confirmation]")).to_contain_text("已提交待受理")

    # the dashboard shows the case
    page.goto(f"{page.base_url}/projects/")
    row = page.locator(f"tr[data-project='{project.pk}']")
    expect(row.locator("[data-testid=case-state]")).to_have_text("已提交待受理")
    screenshot(page, "applicant-dashboard")
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert project.cases.get().state == CaseState.SUBMITTED

    # carol cannot open it
    page.context.clear_cookies()
    login(page, "carol")
    response = page.goto(f"{page.base_url}/projects/{project.pk}/")
    assert response.status == 404
    response = page.goto(f"{page.base_url}/projects/{project.pk}/edit/2/")
    assert response.status == 404
    page.goto(f"{page.base_url}/projects/")
    expect(page.locator("[data-testid=projects]")).not_to_contain_text("苏州水泥熟料生产线项目")
