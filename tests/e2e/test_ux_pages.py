"""Every role's primary pages in a real browser at 1440 px and at 390 px (a phone): no horizontal
scrolling, and no serious or critical accessibility violation found by axe-core.

One test per role, each visiting its pages at both widths in one browser context (the session
shares one Playwright browser, tests/conftest.py). axe-core comes from node_modules (package.json,
installed by `make test-system-deps`). Screenshots land in var/screenshots/ux-*.png.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accounts.services import DEMO_PASSWORD, personas_ensure
from projects import demo as project_demo
from projects.models import Project
from review import demo as review_demo
from review.models import CaseState, ReviewCase
from rules import demo as rules_demo

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1440, 390)
SERIOUS = ("serious", "critical")


@pytest.fixture
def page(browser, live_server, policy_versions_loaded) -> Iterator[Any]:
    """The shared browser, in a context that lets axe-core's script in past the page's
    Content-Security-Policy (the pages themselves still run under it)."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": WIDTHS[0], "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def demo(personas: dict[str, Any]) -> dict[str, Any]:
    """The demo data every role works with (what `manage.py seed_demo` loads)."""
    personas = personas_ensure(password=DEMO_PASSWORD)
    rules_demo.seed()
    project_demo.seed(personas)
    review_demo.seed(personas)
    return personas


def _axe_source() -> str | None:
    if AXE.exists():
        return AXE.read_text(encoding="utf-8")
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"axe-core missing at {AXE}: run `make test-system-deps`", pytrace=False)
    return None


def _serious_violations(page: Any, axe: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe)
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [v for v in violations if v["impact"] in SERIOUS]


def _check_pages(page: Any, who: str, paths: list[str], status: int = 200) -> None:
    """Visit `paths` at each width; collect every overflow and axe problem, then assert once."""
    axe = _axe_source()
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            response = page.goto(f"{page.base_url}{path}")
            page.wait_for_load_state("networkidle")
            assert response is not None, path
            assert response.status == status, (path, response.status)
            name = f"ux-{who}-{path.strip('/').replace('/', '-') or 'home'}-{width}"
            screenshot(page, name)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            inner = page.evaluate("window.innerWidth")
            if scroll > inner:
                problems.append(f"{path} @{width}px scrolls sideways: {scroll} > {inner}")
            if axe is not None:
                for v in _serious_violations(page, axe):
                    problems.append(f"{path} @{width}px axe {v['impact']} {v['id']}: {v['nodes']}")
    assert not problems, "\n".join(problems)


def test_alice_dashboard_form_and_project_fit_a_phone_and_pass_axe(page, demo):
    draft = Project.objects.filter(
        organization=demo["alice"].profile.organization, status="draft"
    ).first()
    decided = ReviewCase.objects.filter(
        project__organization=demo["alice"].profile.organization, state=CaseState.APPROVED
    ).first()
    login(page, "alice")
    paths = ["/projects/", "/projects/new/", f"/projects/{draft.pk}/edit/2/"]
    if decided is not None:
        paths.append(f"/projects/{decided.project_id}/")
    paths.append("/review/notices/")
    _check_pages(page, "alice", paths)

    # On a phone the menu collapses behind a button and the live panel is a summary bar.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{page.base_url}/projects/{draft.pk}/edit/2/")
    assert not page.locator("#mainnav").is_visible()
    page.click(".navtoggle")
    assert page.locator("#mainnav").is_visible()
    summary = page.locator("#assessment-panel [data-panel-toggle]")
    summary.wait_for()
    assert summary.is_visible()
    assert not page.locator("#assessment-panel [data-testid=findings]").is_visible()
    summary.click()
    assert page.locator("#assessment-panel [data-testid=findings]").is_visible()


def test_bob_queue_and_case_fit_a_phone_and_pass_axe(page, demo):
    case = ReviewCase.objects.filter(state=CaseState.RETURNED).first() or ReviewCase.objects.first()
    login(page, "bob")
    _check_pages(page, "bob", ["/review/", f"/review/cases/{case.pk}/"])


def test_grace_city_queue_and_case_fit_a_phone_and_pass_axe(page, demo):
    """The city reviewer: her queue holds 苏州's delegated cases, and one of them opens."""
    case = ReviewCase.objects.filter(authority__reviewers=demo["grace"]).first()
    login(page, "grace")
    _check_pages(page, "grace", ["/review/"] + ([f"/review/cases/{case.pk}/"] if case else []))


def test_helen_queue_drafts_and_a_draft_fit_a_phone_and_pass_axe(page, demo):
    """The head: the queue (extensions to approve), the drafts to check and sign, one draft."""
    from documents.models import Draft

    draft = Draft.objects.filter(case__authority__heads=demo["helen"]).first()
    login(page, "helen")
    paths = ["/review/", "/documents/drafts/"]
    if draft is not None:
        paths.append(f"/documents/drafts/{draft.pk}/")
    _check_pages(page, "helen", paths)


def test_erin_queue_fits_a_phone_and_passes_axe(page, demo):
    login(page, "erin")
    case = ReviewCase.objects.filter(state=CaseState.AWAITING_GUIDANCE).first()
    paths = ["/review/"] + ([f"/review/cases/{case.pk}/"] if case else [])
    _check_pages(page, "erin", paths)


def test_dana_overview_and_admin_fit_a_phone_and_pass_axe(page, demo):
    login(page, "dana")
    _check_pages(page, "dana", ["/policy/overview/", "/policy/barometer/", "/admin/"])


def test_error_pages_are_branded_fit_a_phone_and_pass_axe(page, demo):
    login(page, "alice")
    _check_pages(page, "alice-404", ["/projects/999999/"], status=404)
    assert "页面不存在" in page.content()
    _check_pages(page, "alice-403", ["/review/"], status=403)
    assert "无权访问此页面" in page.content()
    assert page.locator("[data-testid=error-403] nav a").count() >= 2


def test_correction_round_pages_fit_a_phone_and_pass_axe(page, demo):
    """The applicant's correction page (his date, the note, a form per item) and the reviewer's
    case page with each answer beside its item and the comparison, for two rounds."""
    from projects import services as project_services
    from review import services as review_services

    case = ReviewCase.objects.filter(state=CaseState.RETURNED).select_related("project").first()
    owner = next(
        demo[n]
        for n in ("alice", "carol")
        if demo[n].profile.organization_id == case.project.organization_id
    )
    first, second = review_services.open_round(case).items.all()
    review_services.correction_answer(
        item=first,
        by=owner,
        answer="已补充园区近三年能耗双控目标完成情况说明（附件4）。",
        changed="attachments",
    )
    login(page, owner.username)
    paths = [f"/projects/{case.project_id}/", f"/projects/{case.project_id}/edit/5/"]
    _check_pages(page, f"{owner.username}-correction", paths)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{page.base_url}/projects/{case.project_id}/")
    assert "前提交补正材料" in page.locator("[data-testid=answer-by]").inner_text()
    assert page.locator("[data-testid=correction-item]").count() == 2

    # answered in full and resubmitted with a changed electricity line, then returned again
    review_services.correction_answer(
        item=second, by=owner, answer="附表3已补充天然气低位发热量。", changed="energy"
    )
    project = case.project
    energy = [
        {**line, "quantity": line["quantity"] * 0.9} if line["type"] == "electricity" else line
        for line in project_services_payload(project)
    ]
    project_services.project_update(project=project, by=owner, data={"energy": energy})
    project_services.project_submit(project=Project.objects.get(pk=project.pk), by=owner)
    case.refresh_from_db()
    reviewer = next(u for u in case.authority.reviewers.all())
    review_services.case_return_for_correction(
        case=case,
        by=reviewer,
        items=["用电量下调的依据｜提供设备清单"],
        reason="请说明用电量变化。",
    )
    page.context.clear_cookies()
    login(page, reviewer.username)
    _check_pages(page, f"{reviewer.username}-correction", [f"/review/cases/{case.pk}/"])
    assert page.locator("[data-testid=correction-round-1]").count() == 1
    assert "附表3已补充天然气低位发热量。" in page.content()
    assert page.locator("[data-testid=comparison]").count() == 1
    # the return form: items, the note to the applicant and his answer-by date
    waiting = ReviewCase.objects.filter(state=CaseState.SUBMITTED).first()
    assert waiting is not None, "the demo has a case waiting for intake"
    handler = waiting.authority.reviewers.first()
    page.context.clear_cookies()
    login(page, handler.username)
    path = f"/review/cases/{waiting.pk}/return_for_correction/"
    _check_pages(page, f"{handler.username}-return-form", [path])
    assert page.locator("#id_answer_by").input_value()  # the default date, shown
    page.context.clear_cookies()
    login(page, owner.username)
    _check_pages(page, f"{owner.username}-correction2", [f"/projects/{case.project_id}/"])


def project_services_payload(project: Any) -> list[dict[str, Any]]:
    from projects import selectors as project_selectors

    return list(project_selectors.project_payload(project)["energy"])
