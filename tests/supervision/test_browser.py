"""Browser flows of supervision (Playwright + Debian chromium): alice files an acceptance; bob
sees the comparison and orders rectification; dana imports monitoring data through the admin;
bob's dashboard figures match the lists they link to."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from supervision.models import Acceptance, AcceptanceState, MonthlyEnergy, Rectification
from supervision.rolling import add_months
from supervision.selectors import LIST_FILTERS
from tests.browser import login
from tests.projects.conftest import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _policy_versions(transactional_db: None) -> None:
    import importlib

    from django.apps import apps

    from rules.models import PolicyVersion

    if not PolicyVersion.objects.exists():
        importlib.import_module("rules.migrations.0002_seed_policy_versions").load(apps, None)


def _switch(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def test_acceptance_rectification_import_and_dashboard(
    page, personas, approved_case, started, tmp_path
):
    case = started(approved_case(project_code="2611-320505-04-01-880001"))

    # alice files the acceptance with the second condition unmet
    login(page, "alice")
    page.goto(f"{page.base_url}/supervision/cases/{case.pk}/")
    page.click("[data-testid=file-link]")
    page.fill("#id_completed_on", "2026-10-30")
    page.fill("#id_actual_capacity", "熟料4500吨/日")
    page.select_option("#id_energy_0_type", "raw_coal")
    page.fill("#id_energy_0_quantity", "10500")
    page.select_option("#id_energy_0_unit", "t")
    page.check("#id_condition_0_done")
    page.fill("#id_condition_0_evidence", "余热发电系统已投运")
    page.fill("#id_committee_conclusion", "基本落实节能审查意见")
    report = Path(tmp_path) / "节能验收报告.pdf"
    report.write_bytes(pdf_bytes())
    page.set_input_files("#id_report", str(report))
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=acceptance-state]")).to_contain_text("已报备待核查")
    expect(page.locator("[data-testid=change-pct]").first).to_contain_text("5.0%")

    # bob sees the comparison and orders rectification
    _switch(page, "bob")
    page.goto(f"{page.base_url}/supervision/cases/{case.pk}/")
    expect(page.locator("[data-testid=conditions]").first).to_contain_text("未落实")
    page.click("[data-testid=check-link]")
    page.check("input[name=outcome][value=rectification]")
    page.fill("#id_items", "主要用能设备能效未达到一级，限期更换")
    page.fill("#id_deadline", add_months(date.today(), 2).isoformat())
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=rect-state]").first).to_have_text("整改中")
    assert Acceptance.objects.get(case=case).state == AcceptanceState.RECTIFICATION
    assert Rectification.objects.get(case=case).items == ["主要用能设备能效未达到一级，限期更换"]

    # dana imports twelve months of monitoring data through the admin
    _switch(page, "dana")
    page.goto(f"{page.base_url}/admin/supervision/monthlyenergy/")
    page.click("[data-testid=monitoring-import]")
    first = add_months(date.today().replace(day=1), -11)
    lines = ["项目代码,月份,综合能源消费量"] + [
        f"{case.project.project_code},{add_months(first, i):%Y-%m},500" for i in range(12)
    ]
    csv_file = Path(tmp_path) / "监测.csv"
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.set_input_files("#id_file", str(csv_file))
    page.click("input[name=_import]")
    expect(page.locator(".messagelist")).to_contain_text("新增12条")
    assert MonthlyEnergy.objects.filter(project=case.project).count() == 12

    # bob's dashboard figures match the lists, every one of them
    _switch(page, "bob")
    shown: dict[str, int] = {}
    for key in LIST_FILTERS:
        page.goto(f"{page.base_url}/supervision/")
        link = page.locator(f"[data-count={key}]")
        shown[key] = int(link.inner_text())
        link.click()
        expect(page.locator("[data-testid=case-list] tr[data-case]")).to_have_count(shown[key])
    # the only case is operating now, with its rectification open
    assert shown["operating"] == shown["open_rectification"] == 1
    assert shown["approved"] == shown["monitoring_excess"] == 0

    # on a phone the case page (chart, tables, penalties) fits the screen's width
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/supervision/cases/{case.pk}/")
    expect(page.locator("[data-testid=monitoring-chart] svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
