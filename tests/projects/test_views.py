"""The applicant's pages end to end through the test client (alice, organization A)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from projects import selectors, services
from projects.models import Attachment, EnergyLine, Project, ProjectStatus, Submission
from review import services as review_services
from review.models import CaseState, DocumentKind, Opinion, ReviewCase
from tests.review_steps import corrections_answered, evaluated

from .conftest import BIG_CEMENT, MID_FACTORY, SMALL_WORKSHOP, pdf_upload

pytestmark = pytest.mark.django_db


def _step2_post(rows: list[tuple[str, str, str]], **extra: str) -> dict[str, str]:
    data = {
        "energy-TOTAL_FORMS": str(len(rows)),
        "energy-INITIAL_FORMS": "0",
        "baseline-TOTAL_FORMS": "0",
        "baseline-INITIAL_FORMS": "0",
        "renewable_electricity_kwh": "",
        "feedstock_tce": "",
        "action": "next",
    }
    for index, (type_, quantity, unit) in enumerate(rows):
        data.update(
            {
                f"energy-{index}-type": type_,
                f"energy-{index}-quantity": quantity,
                f"energy-{index}-unit": unit,
            }
        )
    data.update(extra)
    return data


# --------------------------------------------------------------------------------------------
# The five steps
# --------------------------------------------------------------------------------------------
def test_step_one_creates_the_draft_and_moves_on(alice, alice_client):
    response = alice_client.post(
        reverse("projects:create"),
        {
            "name": "新建熟料线",
            "project_code": "2611-320505-04-01-381276",
            "region": "320505",
            "industry": "3011",
            "construction_type": "new",
            "planned_start": "2027-03-01",
            "total_investment_wan": "8600.5",
            "action": "next",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projects:edit", args=[project.pk, 2])
    assert project.organization == alice.profile.organization
    assert project.planned_start == date(2027, 3, 1)
    assert str(project.total_investment_wan) == "8600.50"


def test_step_one_with_bad_codes_shows_them_inline_and_creates_nothing(alice_client):
    response = alice_client.post(
        reverse("projects:create"),
        {"name": "x", "region": "999999", "project_code": "123", "construction_type": "new"},
    )
    assert response.status_code == 400
    basics = response.context["forms"].basics
    assert basics.errors["region"] == ["未知的行政区划代码：999999。"]
    assert "project_code" in basics.errors
    assert not Project.objects.exists()


def test_step_two_maps_the_engine_path_to_the_row_on_the_page(alice, alice_client, make_project):
    project = make_project(alice)
    before = list(EnergyLine.objects.values_list("id", flat=True))
    data = _step2_post(
        [("raw_coal", "1000", "t"), ("coke", "5", "t"), ("electricity", "lots", "kWh")],
        **{"energy-1-DELETE": "on"},
    )
    response = alice_client.post(reverse("projects:edit", args=[project.pk, 2]), data)
    assert response.status_code == 400
    form = response.context["forms"].formsets["energy"].forms[2]
    assert form.errors["quantity"] == ["应为数字。"]
    html = response.content.decode()
    assert 'name="energy-2-quantity" value="lots"' in html
    assert list(EnergyLine.objects.values_list("id", flat=True)) == before


@pytest.mark.parametrize(("action", "step"), [("next", 3), ("save", 2), ("prev", 1)])
def test_step_two_saves_the_draft_and_follows_the_button(
    alice, alice_client, make_project, action, step
):
    project = make_project(alice, {"name": "空草稿"})
    data = _step2_post([("raw_coal", "2000", "t"), ("electricity", "100", "wan_kWh")])
    data["action"] = action
    response = alice_client.post(reverse("projects:edit", args=[project.pk, 2]), data)
    assert response.status_code == 302
    assert response.url == reverse("projects:edit", args=[project.pk, step])
    lines = list(project.energy_lines.order_by("position"))
    assert [(x.energy_type, x.quantity, x.unit) for x in lines] == [
        ("raw_coal", 2000.0, "t"),
        ("electricity", 100.0, "wan_kWh"),
    ]


def test_every_step_renders_with_the_saved_values(alice, alice_client, make_project):
    project = make_project(alice)
    pages = {
        1: 'value="2611-320505-04-01-381276"',
        2: 'name="energy-2-unit"',
        3: '<option value="cement_clinker" selected',
        4: 'value="关停2条2500t/d熟料线"',
        5: "提交审查",
    }
    for step, marker in pages.items():
        response = alice_client.get(reverse("projects:edit", args=[project.pk, step]))
        assert response.status_code == 200, step
        assert marker in response.content.decode(), step
        assert 'id="assessment-panel"' in response.content.decode()


def test_renovation_shows_the_baseline_rows(alice, alice_client, make_project):
    project = make_project(alice, {"name": "改建", "construction_type": "renovation"})
    html = alice_client.get(reverse("projects:edit", args=[project.pk, 2])).content.decode()
    assert "改建前用能" in html
    assert 'data-formset="baseline"' in html
    other = make_project(alice, {"name": "新建", "construction_type": "new"})
    html = alice_client.get(reverse("projects:edit", args=[other.pk, 2])).content.decode()
    assert 'data-formset="baseline"' not in html
    assert 'name="baseline-TOTAL_FORMS"' in html


def test_step_four_uploads_evidence_per_source(alice, alice_client, make_project):
    project = make_project(alice)
    source = project.substitution_sources.get()
    data = {
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "1",
        "sources-0-id": str(source.pk),
        "sources-0-description": "关停2条熟料线",
        "sources-0-saved_tce": "40000",
        "sources-0-evidence": pdf_upload("关停证明.pdf"),
        "action": "save",
    }
    response = alice_client.post(reverse("projects:edit", args=[project.pk, 4]), data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.evidence
    download = alice_client.get(reverse("projects:evidence_download", args=[project.pk, source.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_edit_of_a_submitted_project_goes_to_its_page(alice, alice_client, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    response = alice_client.get(reverse("projects:edit", args=[project.pk, 2]))
    assert response.status_code == 302
    assert response.url == reverse("projects:detail", args=[project.pk])
    response = alice_client.post(reverse("projects:edit", args=[project.pk, 1]), {"name": "改"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == MID_FACTORY["name"]


# --------------------------------------------------------------------------------------------
# The live panel
# --------------------------------------------------------------------------------------------
def test_live_assessment_reflects_unsaved_rows(alice, alice_client, make_project):
    project = make_project(alice, {**BIG_CEMENT, "energy": []})
    url = reverse("projects:assess_live", args=[project.pk])
    one = alice_client.post(url, {**_step2_post([("raw_coal", "1000", "t")]), "step": "2"})
    two = alice_client.post(
        url,
        {**_step2_post([("raw_coal", "1000", "t"), ("electricity", "9.5e7", "kWh")]), "step": "2"},
    )
    assert one.status_code == two.status_code == 200
    assert one.json()["assessment"]["energy"]["counted_tce"] == 714.3
    assert two.json()["assessment"]["energy"]["counted_tce"] == 12389.8
    assert two.json()["assessment"]["review_level"] == "provincial"
    assert 'data-testid="counted-tce">12,389.80<' in two.json()["html"]
    # nothing was saved
    assert not project.energy_lines.exists()


def test_live_assessment_lists_every_finding_with_its_clause(alice, alice_client, make_project):
    project = make_project(alice)
    response = alice_client.post(reverse("projects:assess_live", args=[project.pk]), {"step": "5"})
    data = response.json()
    codes = [f["code"] for f in data["assessment"]["findings"]]
    assert "NATIONAL_WINDOW_GUIDANCE" in codes
    for finding in data["assessment"]["findings"]:
        assert f'data-code="{finding["code"]}"' in data["html"]
        assert finding["basis"] in data["html"]
    assert "efficiency" in data["html"]
    assert 'data-testid="substitution"' in data["html"]


def test_live_assessment_puts_errors_on_inputs_and_lists_missing_fields(
    alice, alice_client, make_project
):
    project = make_project(alice, {"name": "草稿"})
    response = alice_client.post(
        reverse("projects:assess_live", args=[project.pk]),
        {**_step2_post([("raw_coal", "1", "t"), ("natural_gas", "-1", "t")]), "step": "2"},
    )
    assert response.status_code == 400
    data = response.json()
    assert data["field_errors"] == {
        "energy-1-quantity": ["不得为负数。"],
        "energy-1-unit": ["单位t与该能源品种的计量单位（m3）不符。"],
    }
    assert set(data["missing"]) == {"region", "industry"}
    assert "region" not in data["errors"]


def test_live_assessment_of_a_new_project(alice_client):
    response = alice_client.post(
        reverse("projects:assess_live_new"),
        {
            "step": "1",
            "name": "x",
            "region": "320505",
            "industry": "3011",
            "construction_type": "new",
        },
    )
    assert response.status_code == 200
    assert response.json()["assessment"]["two_high"]["is_two_high"] is True


def test_lookup_finds_regions_by_name_and_industries_by_code(alice_client):
    regions = alice_client.get(reverse("projects:lookup", args=["region"]), {"q": "虎丘"}).json()
    assert {"code": "320505", "name": "江苏省苏州市虎丘区"} in regions["results"]
    industries = alice_client.get(reverse("projects:lookup", args=["industry"]), {"q": "3011"})
    assert industries.json()["results"][0] == {"code": "3011", "name": "水泥制造"}


# --------------------------------------------------------------------------------------------
# Files and submission
# --------------------------------------------------------------------------------------------
def test_upload_download_and_delete_an_attachment(alice, alice_client, make_project):
    project = make_project(alice)
    response = alice_client.post(
        reverse("projects:attachment_upload", args=[project.pk]),
        {"kind": "energy_report", "file": pdf_upload("节能报告.pdf")},
    )
    assert response.status_code == 302
    attachment = project.attachments.get()
    download = alice_client.get(
        reverse("projects:attachment_download", args=[project.pk, attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    response = alice_client.post(
        reverse("projects:attachment_delete", args=[project.pk, attachment.pk])
    )
    assert response.status_code == 302
    assert not project.attachments.exists()


def test_uploading_a_non_pdf_shows_the_error_and_stores_nothing(alice, alice_client, make_project):
    project = make_project(alice)
    response = alice_client.post(
        reverse("projects:attachment_upload", args=[project.pk]),
        {"kind": "energy_report", "file": pdf_upload("report.pdf", b"<html>not a pdf</html>")},
    )
    assert response.status_code == 400
    assert "仅接受PDF文件" in response.context["attachment_form"].errors["file"][0]
    assert not Attachment.objects.exists()


def test_submit_needs_the_pledge_then_opens_a_case(alice, alice_client, make_project):
    project = make_project(alice, MID_FACTORY)
    services.attachment_add(project=project, by=alice, upload=pdf_upload())
    url = reverse("projects:submit", args=[project.pk])
    response = alice_client.post(url, {})
    assert response.status_code == 400
    assert response.context["submit_form"].errors["pledge"] == ["提交前须勾选承诺。"]
    assert not Submission.objects.exists()
    response = alice_client.post(url, {"pledge": "on"})
    assert response.status_code == 302
    assert response.url == reverse("projects:submitted", args=[project.pk])
    page = alice_client.get(response.url)
    assert 'data-testid="submitted-confirmation"' in page.content.decode()
    assert "已提交待受理" in page.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert ReviewCase.objects.get(project=project).state == CaseState.SUBMITTED


def test_an_exempt_project_gets_the_confirmation_page(alice, alice_client, make_project):
    project = make_project(alice, SMALL_WORKSHOP)
    response = alice_client.post(reverse("projects:submit", args=[project.pk]), {"pledge": "on"})
    page = alice_client.get(response.url).content.decode()
    assert 'data-testid="exempt-confirmation"' in page
    assert "无需单独进行节能审查" in page
    assert not ReviewCase.objects.exists()


def test_a_refused_submission_lists_the_problems_with_links_to_their_steps(
    alice, alice_client, make_project
):
    project = make_project(alice, {**MID_FACTORY, "project_code": ""})
    response = alice_client.post(reverse("projects:submit", args=[project.pk]), {"pledge": "on"})
    assert response.status_code == 400
    blocking = {e["path"]: e["step"] for e in response.context["blocking"]}
    assert blocking == {"project_code": 1, "attachments": 5}
    html = response.content.decode()
    assert reverse("projects:edit", args=[project.pk, 1]) + "?check=1" in html
    check = alice_client.get(reverse("projects:edit", args=[project.pk, 1]), {"check": "1"})
    assert [e["path"] for e in check.context["elsewhere"]] == ["project_code"]
    assert not Submission.objects.exists()


# --------------------------------------------------------------------------------------------
# Dashboard, detail, history
# --------------------------------------------------------------------------------------------
def test_dashboard_shows_case_state_deadline_requests_and_opinions(
    alice, bob, alice_client, make_submitted, make_project
):
    returned = make_submitted(alice, MID_FACTORY)
    review_services.case_return_for_correction(
        case=returned.cases.get(), by=bob, items=["补充主要用能设备清单"]
    )
    approved = make_submitted(alice, {**MID_FACTORY, "name": "已批项目"})
    case = approved.cases.get()
    opinion = Opinion.objects.create(
        case=case,
        kind=DocumentKind.APPROVAL,
        number="苏发改能审〔2026〕1号",
        issued_on=date(2026, 12, 1),
        state=Opinion.State.READY,
    )
    make_project(alice, {"name": "草稿项目"})
    html = alice_client.get(reverse("projects:dashboard")).content.decode()
    assert "退回补正" in html
    assert "补充主要用能设备清单" in html
    assert "已提交待受理" in html
    assert case.deadline.isoformat() in html
    assert "未进入审查" in html
    assert reverse("review:opinion_download", kwargs={"pk": opinion.pk}) in html


def test_dashboard_search_filters_and_pagination(alice, alice_client, make_project, make_submitted):
    for index in range(22):
        make_project(alice, {"name": f"批量草稿{index:02d}"})
    make_submitted(alice, MID_FACTORY)
    url = reverse("projects:dashboard")
    page1 = alice_client.get(url)
    assert len(page1.context["page"].object_list) == 20
    assert page1.context["page"].paginator.count == 23
    page2 = alice_client.get(url, {"page": 2})
    assert len(page2.context["page"].object_list) == 3
    by_name = alice_client.get(url, {"q": "批量草稿07"})
    assert [p.name for p in by_name.context["page"]] == ["批量草稿07"]
    by_code = alice_client.get(url, {"q": "100002"})
    assert [p.name for p in by_code.context["page"]] == [MID_FACTORY["name"]]
    submitted = alice_client.get(url, {"status": "submitted"})
    assert [p.name for p in submitted.context["page"]] == [MID_FACTORY["name"]]
    in_intake = alice_client.get(url, {"case_state": "submitted"})
    assert [p.name for p in in_intake.context["page"]] == [MID_FACTORY["name"]]
    never = alice_client.get(url, {"case_state": "none", "q": "批量"})
    assert never.context["page"].paginator.count == 22
    filtered_page2 = alice_client.get(url, {"q": "批量", "page": 2}).content.decode()
    assert 'href="?q=%E6%89%B9%E9%87%8F&page=1"' in filtered_page2


def test_detail_shows_the_request_and_the_history_of_both_submissions(
    alice, bob, alice_client, make_submitted
):
    project = make_submitted(alice, MID_FACTORY)
    review_services.case_return_for_correction(
        case=project.cases.get(), by=bob, items=["节能报告缺少签章"]
    )
    html = alice_client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'data-testid="correction-due"' in html
    assert "节能报告缺少签章" in html
    assert "修改并重新提交" in html
    project = selectors.project_get_for_member(pk=project.pk, user=alice)
    services.project_update(project=project, by=alice, data={"name": "机械制造基地项目（补正）"})
    corrections_answered(project.cases.get(), by=alice)
    services.project_submit(project=project, by=alice)
    response = alice_client.get(reverse("projects:detail", args=[project.pk]))
    assert [s.number for s in response.context["submissions"]] == [2, 1]
    first = alice_client.get(reverse("projects:submission", args=[project.pk, 1]))
    assert first.context["facts"]["name"] == "机械制造基地项目"
    assert "之后的修改或政策调整不会改变它" in first.content.decode()


def test_delete_a_draft_from_its_page(alice, alice_client, make_project):
    project = make_project(alice, {"name": "不要了"})
    response = alice_client.post(reverse("projects:delete", args=[project.pk]))
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


def test_organization_page_checks_the_credit_code(alice, alice_client):
    url = reverse("projects:organization")
    org = alice.profile.organization
    data = {"name": org.name, "credit_code": "91320505MA1XY2KP3S", "contact_name": "李爱丽"}
    response = alice_client.post(url, data)
    assert response.status_code == 400
    assert "credit_code" in response.context["form"].errors
    org.refresh_from_db()
    assert org.credit_code == "91320505MA1XY2KP3R"
    response = alice_client.post(
        url, {**data, "credit_code": org.credit_code, "contact_name": "李四"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.contact_name == "李四"


def test_a_deferred_project_shows_the_condition_and_can_be_revised(
    alice, bob, alice_client, make_submitted
):
    project = make_submitted(alice, MID_FACTORY)
    case = review_services.case_accept(case=project.cases.get(), by=bob, assign_to=bob)
    case = evaluated(case, by=bob)  # no decision without the evaluation (2023《办法》第十三条)
    review_services.case_defer(
        case=case,
        by=bob,
        reason="地区进度滞后",
        deferral_lift="落实能耗替代来源后重新提交",
        justification="地区进度滞后，暂缓审批",
    )
    response = alice_client.get(reverse("projects:edit", args=[project.pk, 4]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "解除缓批的条件" in html
    assert "落实能耗替代来源后重新提交" in html
