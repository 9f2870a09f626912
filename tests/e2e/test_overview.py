"""Browser: dana reads the overview and the barometer, then adds, previews and publishes a
policy version."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from review.models import CaseState
from rules.models import EnergyBudget, PolicyVersion, RegionStatus
from rules.selectors import provinces_mainland
from tests.overview.conftest import make_case  # noqa: F401, F811 - fixture

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LEVELS = ("green", "green", "yellow", "green", "red", "yellow", "green")


@pytest.fixture
def authority_data(make_case):  # noqa: F811
    """A year's regional status for the 31 provinces, four budgets and cases across months."""
    today = timezone.localdate()
    year = today.year
    for i, province in enumerate(provinces_mainland()):
        level = LEVELS[i % len(LEVELS)]
        RegionStatus.objects.create(
            province=province.code,
            year=year,
            basic_target_pct=3.0,
            incentive_target_pct=3.6,
            progress_pct={"green": 3.1, "yellow": 2.2, "red": 1.1}[level] + (i % 3) * 0.1,
            behind_basic_target=level == "red",
            substitution_ratio={"green": 1.0, "yellow": 1.2, "red": 1.5}[level],
            warning_level=level,
        )
    for province, budget in (("32", 300_000), ("11", 80_000), ("37", 250_000), ("44", 200_000)):
        EnergyBudget.objects.create(province=province, year=year, budget_tce=budget)
    months = max(1, today.month)
    specs = [
        ("320505", "3011", 40_000, CaseState.UNDER_REVIEW),
        ("320505", "3011", 62_000, CaseState.AWAITING_GUIDANCE),
        ("320505", "2614", 18_000, CaseState.ACCEPTED),
        ("320505", "3011", 35_000, CaseState.APPROVED),
        ("320505", "3911", 6_000, CaseState.APPROVED),
        ("110105", "3911", 12_000, CaseState.APPROVED),
        ("110105", "2614", 9_000, CaseState.SUBMITTED),
        ("370102", "3011", 28_000, CaseState.APPROVED),
        ("370102", "2614", 55_000, CaseState.DEFERRED),
        ("330106", "3911", 3_000, CaseState.RETURNED),
        ("370102", "2614", 32_000, CaseState.UNDER_REVIEW),
    ]
    cases = []
    for i, (region, industry, tce, state) in enumerate(specs):
        month = 1 + (i * 7) % months
        submitted = date(year, month, 3 + i)
        decided = submitted + timedelta(days=20) if state == CaseState.APPROVED else None
        if decided and decided > today:
            decided = today
        cases.append(
            make_case(
                tce=tce,
                industry=industry,
                region=region,
                state=state,
                submitted_on=submitted,
                decided_on=decided,
                deadline=today - timedelta(days=2 + i)
                if i in (0, 6)
                else today + timedelta(days=9),
            )
        )
    return cases


def test_dana_reads_the_overview_and_the_barometer(page, authority_data):
    login(page, "dana")
    page.click("nav.mainnav >> text=总览")
    assert page.locator("h1").first.inner_text().startswith("总览")
    charts = page.locator("svg.chart")
    assert charts.count() == 6
    assert page.locator("svg.chart rect.bar").count() > 10
    assert page.locator("svg.chart polyline.line").count() == 2
    for key in ("states", "routes", "recommendations", "trend", "budgets", "two_high", "overdue"):
        assert page.locator(f'table[data-table="{key}"]').is_visible()
    overdue_rows = page.locator('table[data-table="overdue"] tbody tr')
    assert overdue_rows.count() == 2
    assert "江苏省" in page.locator('table[data-table="budgets"]').inner_text()
    stats = page.locator("[data-testid=overview-stats]").inner_text()
    assert "11" in stats
    # The table view folds away without JavaScript.
    page.click("#chart-states summary")
    assert not page.locator('table[data-table="states"]').is_visible()
    page.click("#chart-states summary")
    with page.expect_download() as download:
        page.click('#chart-budgets a[data-export="xlsx"]')
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "overview-dana")

    page.click("#chart-budgets >> text=用能预算明细")
    assert page.locator("h1").first.inner_text().startswith("用能预算")
    assert page.locator('table[data-table="budgets"] tbody tr').count() == 4
    assert page.locator("#chart-budgets svg.chart rect.bar").count() == 8
    screenshot(page, "budgets-dana")

    page.click("nav.mainnav >> text=双控晴雨表")
    assert page.locator("h1").first.inner_text().startswith("能耗双控晴雨表")
    assert page.locator(".tile").count() == 31
    assert page.locator(".tile.red").count() == 4
    jiangsu = page.locator('.tile[data-province="32"]')
    assert "江苏省" in jiangsu.inner_text()
    assert page.locator('table[data-table="barometer"] tbody tr').count() == 31
    screenshot(page, "barometer-dana")


def test_bob_sees_his_provinces_figures_and_the_national_barometer(page, authority_data):
    login(page, "bob")
    page.goto(f"{page.base_url}/policy/overview/")
    assert "江苏省" in page.locator("h1").first.inner_text()
    budgets = page.locator('table[data-table="budgets"] tbody tr')
    assert budgets.count() == 1
    assert "江苏省" in budgets.first.inner_text()
    assert page.locator('table[data-table="overdue"] tbody tr').count() == 1
    screenshot(page, "overview-bob")
    page.goto(f"{page.base_url}/policy/barometer/")
    assert page.locator(".tile").count() == 31
    assert page.locator(".tile.mine").get_attribute("data-province") == "32"
    response = page.goto(f"{page.base_url}/policy/versions/new/")
    assert response.status == 403


def test_dana_adds_previews_and_publishes_a_policy_version(page, authority_data):
    moved = authority_data[0]  # 40,000 tce cement, under review: local → national at 30,000
    effective = timezone.localdate() + timedelta(days=30)
    login(page, "dana")
    page.click("nav.mainnav >> text=政策版本")
    page.click("text=新增政策版本")
    assert page.input_value("#id_provincial_threshold_tce") == "10000"
    page.fill("#id_version", "2027-wg30k")
    page.fill("#id_effective_from", effective.isoformat())
    page.fill("#id_two_high_window_guidance_tce", "30000")
    page.fill("#id_basis", "窗口指导门槛调整为3万吨标准煤（方案（七））")
    screenshot(page, "policy-version-form")
    page.click("button[type=submit] >> text=保存")
    page.wait_for_load_state("networkidle")

    assert "影响预览" in page.locator("h1").first.inner_text()
    summary = page.locator("[data-testid=preview-summary]").inner_text()
    # Open two-high cases between 30,000 and 50,000 tce: the 40,000 and the 32,000 one.
    assert "重新评估在审案件 7 件，结果将变化 2 件" in summary
    rows = page.locator('table[data-table="preview"] tbody tr.changed')
    assert page.locator(f'tr[data-case="{moved.pk}"]').is_visible()
    assert "两高项目·国家窗口指导" in page.locator(f'tr[data-case="{moved.pk}"]').inner_text()
    assert rows.count() == 2
    screenshot(page, "policy-version-preview")

    page.click("[data-testid=publish-form] button[type=submit]")
    assert PolicyVersion.objects.get(version="2027-wg30k").published is False  # not confirmed
    page.check("#id_confirm")
    page.click("[data-testid=publish-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/policy/versions/")
    assert "已发布" in page.locator(".msg-success").inner_text()
    assert PolicyVersion.objects.get(version="2027-wg30k").published is True
    screenshot(page, "policy-versions-after-publish")


BAD_INVENTORY = (
    "project_code,project_name,region,industry,status,annual_tce,disposal,note\n"
    "2101-320505-04-01-000001,某水泥熟料生产线,320505,3011,在建,120000,继续建设,\n"
    "2101-320505-04-01-000002,某焦化项目,329999,2521,拟建,80000,整改,\n"
    "2101-320505-04-01-000003,某电解铝项目,320505,3216,已投产,50000,停建,\n"
    "2101-320505-04-01-000004,某炼化一体化项目,320505,2511,存量,-5,继续建设,\n"
)


def test_dana_imports_an_inventory_with_errors_then_the_corrected_file(page, personas, tmp_path):
    """The admin import (rules/admin.py) of the two-high inventory: all rows or none."""
    from rules.models import TwoHighEntry

    bad = tmp_path / "jiangsu-two-high.csv"
    bad.write_text(BAD_INVENTORY, encoding="utf-8-sig")
    login(page, "dana")
    page.goto(f"{page.base_url}/admin/rules/twohighentry/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("input[name=_import]")
    page.wait_for_load_state("networkidle")

    assert "有3行有误，未导入任何数据" in page.locator(".errornote").inner_text()
    errors = page.locator("#import-errors li").all_inner_texts()
    rows_named = {text.split("，")[0].split("：")[0] for text in errors}
    assert rows_named == {"第3行", "第4行", "第5行"}
    assert TwoHighEntry.objects.count() == 0
    screenshot(page, "admin-import-errors")

    fixed = tmp_path / "jiangsu-two-high-fixed.csv"
    fixed.write_text(
        BAD_INVENTORY.replace("329999", "320505").replace("已投产", "在建").replace(",-5,", ",5,"),
        encoding="utf-8-sig",
    )
    page.set_input_files("input[type=file]", str(fixed))
    page.click("input[name=_import]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/admin/rules/twohighentry/")
    assert TwoHighEntry.objects.count() == 4
