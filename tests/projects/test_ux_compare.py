"""The correction round shows what changed: two submissions side by side (field by field, row by
row, finding by finding) on the reviewer's case page, on the submission page and in the API;
the previous submission's page opens for the reviewer; error pages speak Chinese (and English);
the bell counts unread notices for every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from projects import services
from projects.compare import submissions_compare
from projects.models import Project
from review import services as review_services
from tests.review_steps import corrections_answered

from .conftest import MID_FACTORY

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(alice, bob, make_submitted) -> Project:
    """Submitted, returned for correction with a note, electricity cut (still provincial, so
    bob's case), submitted again."""
    project = make_submitted(alice, MID_FACTORY)
    review_services.case_return_for_correction(
        case=project.cases.get(), by=bob, items=["核实用电量"], reason="用电量与设备清单不符。"
    )
    energy = [
        {"type": "electricity", "quantity": 5000, "unit": "wan_kWh"},
        {"type": "natural_gas", "quantity": 500, "unit": "wan_m3"},
    ]
    services.project_update(project=project, by=alice, data={"energy": energy})
    corrections_answered(project.cases.get(), by=alice, answer="用电量已按设备清单核实。")
    services.project_submit(project=project, by=alice)
    project.refresh_from_db()
    return project


def _line(comparison: Any, key: str) -> Any:
    return next(
        line for section in comparison.sections for line in section.lines if line.key == key
    )


def test_the_comparison_shows_the_changed_electricity_line_and_the_changed_finding(corrected):
    first, second = corrected.submissions.get(number=1), corrected.submissions.get(number=2)

    comparison = submissions_compare(old=first, new=second)

    electricity = _line(comparison, "energy.electricity")
    assert electricity.status == "changed"
    assert "6,000" in electricity.old
    assert "5,000" in electricity.new
    gas = _line(comparison, "energy.natural_gas")
    assert gas.status == "same"
    findings = next(s for s in comparison.sections if s.key == "findings")
    changed = {line.code: line for line in findings.lines if line.changed}
    # the tier finding states the project's energy use: it reads differently now
    tier = changed["TIER_PROVINCIAL"]
    assert tier.status == "changed"
    assert tier.old != tier.new
    assert _line(comparison, "assessment.counted_tce").status == "changed"
    assert _line(comparison, "name").status == "same"


def test_the_reviewer_sees_the_comparison_on_the_case_page(bob_client, corrected):
    case = corrected.cases.get()

    html = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()

    assert 'data-testid="comparison"' in html
    assert 'data-key="energy.electricity" data-status="changed"' in html
    assert "diff-changed" in html
    assert reverse("projects:submission", args=[corrected.pk, 1]) in html


def test_the_previous_submission_opens_for_the_reviewer_and_not_for_others(
    bob_client, carol_client, alice_client, corrected
):
    url = reverse("projects:submission", args=[corrected.pk, 1])

    assert bob_client.get(url).status_code == 200
    assert alice_client.get(url).status_code == 200
    refused = carol_client.get(url)
    assert refused.status_code == 404
    assert "页面不存在" in refused.content.decode()  # branded, never a bare English page
    latest = alice_client.get(reverse("projects:submission", args=[corrected.pk, 2]))
    assert 'data-testid="comparison"' in latest.content.decode()


def test_the_api_compares_any_two_submissions_with_codes(
    bob_client, alice_client, carol_client, corrected
):
    url = reverse("api-project-submissions-compare", args=[corrected.pk])

    body = bob_client.get(url, {"old": 1, "new": 2}).json()

    assert (body["old"], body["new"]) == (1, 2)
    lines = {line["key"]: line for s in body["sections"] for line in s["lines"]}
    assert lines["energy.electricity"]["status"] == "changed"
    assert any(line["code"] and line["status"] != "same" for line in lines.values())
    assert alice_client.get(url).status_code == 200
    assert carol_client.get(url).status_code == 404
    assert bob_client.get(url, {"old": 1, "new": 9}).status_code == 404


def test_a_single_submission_has_nothing_to_compare(alice, alice_client, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    url = reverse("api-project-submissions-compare", args=[project.pk])

    assert alice_client.get(url).status_code == 404
    page = alice_client.get(reverse("projects:submission", args=[project.pk, 1]))
    assert 'data-testid="comparison"' not in page.content.decode()


def test_the_applicant_reads_the_reviewers_note_and_gets_a_notice(alice, bob, make_submitted):
    from django.test import Client

    project = make_submitted(alice, MID_FACTORY)
    review_services.case_return_for_correction(
        case=project.cases.get(), by=bob, items=["核实用电量"], reason="用电量与设备清单不符。"
    )
    client = Client()
    client.force_login(alice)

    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    assert 'data-testid="correction-note"' in html
    assert "用电量与设备清单不符。" in html
    assert 'data-testid="bell-count"' in html
    notices = client.get(reverse("review:notices"))
    assert notices.status_code == 200
    # the notice leads the applicant to the project
    assert reverse("projects:detail", args=[project.pk]) in notices.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "erin", "dana"])
def test_every_role_has_the_bell_and_reaches_the_notices(who, personas):
    from django.test import Client

    from review.models import Notice

    client = Client()
    client.force_login(personas[who])
    Notice.objects.create(user=personas[who], message="测试通知")

    home = client.get(reverse("review:notices"))

    assert home.status_code == 200
    html = home.content.decode()
    assert 'data-testid="bell"' in html
    assert 'data-testid="bell-count">1<' in html


def test_error_pages_are_branded_in_both_languages(alice_client, bob_client):
    missing = alice_client.get("/projects/999999/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()
    assert "Page not found" in missing.content.decode()
    assert 'href="/projects/"' in missing.content.decode()  # the navigation is there

    denied = bob_client.get(reverse("projects:dashboard"))
    assert denied.status_code == 403
    html = denied.content.decode()
    assert "无权访问此页面" in html
    assert "You do not have access" in html
    assert "此页面仅供建设单位使用。" in html  # the view's own reason, in Chinese


def test_the_findings_a_decision_cites_are_shown_in_words(bob_client, corrected):
    case = corrected.cases.get()
    # (display only: which findings a decision cites is stored by the decision services)
    type(case).objects.filter(pk=case.pk).update(cited_findings=["TIER_PROVINCIAL"])

    html = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()

    cited = html.split('data-testid="cited-findings"', 1)[1].split("</dd>", 1)[0]
    assert "省级" in cited
    assert "<code>" not in cited
    assert 'title="规则代码 TIER_PROVINCIAL"' in cited


def test_window_guidance_is_offered_only_the_states_its_cases_are_in(
    alice, erin_client, make_submitted
):

    guided = make_submitted(alice)  # two-high, 118,820 tce: window guidance
    state = guided.cases.get().state

    html = erin_client.get(reverse("review:queue")).content.decode()

    select = html.split('name="state"', 1)[1].split("</select>", 1)[0]
    assert "全部状态" in select
    assert f'value="{state}"' in select, state
    assert 'value="approved"' not in select
    assert 'value="rejected"' not in select
