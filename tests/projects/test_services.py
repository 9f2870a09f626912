"""projects.services: drafts, lines, files, submission (frozen), correction and deferral rounds."""

from __future__ import annotations

import copy
import hashlib
import io
import os
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfWriter

from projects import permissions, selectors, services
from projects.models import (
    Attachment,
    EnergyLine,
    ProductLine,
    Project,
    ProjectStatus,
    Submission,
    SubstitutionSource,
)
from review import services as review_services
from review.models import CaseState, ReviewCase
from rules.models import PolicyVersion
from tests.review_steps import corrections_answered, evaluated

from .conftest import BIG_CEMENT, MID_FACTORY, SMALL_WORKSHOP, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Project.objects.count(),
        EnergyLine.objects.count(),
        ProductLine.objects.count(),
        SubstitutionSource.objects.count(),
        Attachment.objects.count(),
        Submission.objects.count(),
        ReviewCase.objects.count(),
    )


def _media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()}


def _fresh(project: Project) -> Project:
    return Project.objects.prefetch_related(*selectors.LINE_PREFETCHES, "cases").get(pk=project.pk)


# --------------------------------------------------------------------------------------------
# Drafts
# --------------------------------------------------------------------------------------------
def test_a_draft_may_lack_region_industry_and_type_and_has_no_assessment_yet(alice):
    project = services.project_create(
        organization=alice.profile.organization, by=alice, data={"name": "只有名称的草稿"}
    )
    assert project.status == ProjectStatus.DRAFT
    assert project.draft_assessment is None
    assert project.created_by == alice


def test_a_complete_draft_stores_its_assessment(alice, make_project):
    project = make_project(alice)
    assert project.draft_assessment["energy"]["counted_tce"] == 120277.66
    assert project.draft_assessment["route"] == "national_window_guidance"
    assert [line.energy_type for line in selectors.energy_lines_of(_fresh(project), "energy")] == [
        "raw_coal",
        "electricity",
        "natural_gas",
    ]


def test_create_names_every_bad_field_and_creates_nothing(alice):
    before = _counts()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_create(
            organization=alice.profile.organization,
            by=alice,
            data={
                "name": "",
                "project_code": "2611-3205-04",
                "region": "999999",
                "industry": "30",
                "energy": [
                    {"type": "raw_coal", "quantity": 1, "unit": "t"},
                    {"type": "electricity", "quantity": "abc", "unit": "kWh"},
                    {"type": "natural_gas", "quantity": 5, "unit": "t"},
                ],
                "products": [{"product": "unobtainium", "unit_energy": 1}],
            },
        )
    errors = caught.value.messages()
    assert set(errors) == {
        "name",
        "project_code",
        "region",
        "industry",
        "energy.1.quantity",
        "energy.2.unit",
        "products.0.product",
    }
    assert errors["energy.1.quantity"] == ["应为数字。"]
    assert _counts() == before


def test_update_replaces_a_list_and_keeps_the_others(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    services.project_update(
        project=project,
        by=alice,
        data={"energy": [{"type": "electricity", "quantity": "2000", "unit": "wan_kWh"}]},
    )
    fresh = _fresh(project)
    lines = selectors.energy_lines_of(fresh, "energy")
    assert [(x.energy_type, x.quantity, x.unit) for x in lines] == [
        ("electricity", 2000.0, "wan_kWh")
    ]
    assert fresh.product_lines.count() == 1
    assert fresh.draft_assessment["energy"]["counted_tce"] == 2458.0


def test_update_with_a_bad_row_changes_nothing(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    before_payload = selectors.project_payload(_fresh(project))
    before = _counts()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_update(
            project=project,
            by=alice,
            data={
                "name": "改名",
                "energy": [
                    {"type": "raw_coal", "quantity": 1, "unit": "t"},
                    {"type": "electricity", "quantity": -5, "unit": "kWh"},
                ],
            },
        )
    assert caught.value.messages() == {"energy.1.quantity": ["不得为负数。"]}
    assert _counts() == before
    assert selectors.project_payload(_fresh(project)) == before_payload


def test_unit_given_in_chinese_is_stored_as_its_code(alice):
    project = services.project_create(
        organization=alice.profile.organization,
        by=alice,
        data={"name": "x", "energy": [{"type": "natural_gas", "quantity": 3, "unit": "万立方米"}]},
    )
    assert project.energy_lines.get().unit == "wan_m3"


def test_renewable_electricity_above_the_listed_electricity_is_refused(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_update(project=project, by=alice, data={"renewable_electricity_kwh": 1e9})
    assert list(caught.value.messages()) == ["renewable_electricity_kwh"]


def test_planned_completion_before_start_is_refused(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_update(
            project=project,
            by=alice,
            data={"planned_start": date(2027, 5, 1), "planned_completion": date(2027, 1, 1)},
        )
    assert list(caught.value.messages()) == ["planned_completion"]


def test_line_add_appends_and_line_delete_removes(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    line = services.project_line_add(
        project=project,
        by=alice,
        collection="energy",
        row={"type": "diesel", "quantity": 30, "unit": "t"},
    )
    fresh = _fresh(project)
    assert [x.energy_type for x in selectors.energy_lines_of(fresh, "energy")][-1] == "diesel"
    services.project_line_delete(project=fresh, by=alice, collection="energy", line_id=line.pk)
    assert not EnergyLine.objects.filter(pk=line.pk).exists()
    with pytest.raises(services.ProjectInvalid):
        services.project_line_delete(
            project=fresh, by=alice, collection="products", line_id=line.pk
        )


def test_line_add_names_the_new_rows_index_and_adds_nothing(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    before = _counts()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_line_add(
            project=project, by=alice, collection="products", row={"product": "cement_clinker"}
        )
    assert list(caught.value.messages()) == ["products.1.unit_energy"]
    assert _counts() == before


def test_sources_updated_by_id_keep_their_evidence(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    source = project.substitution_sources.get()
    services.project_update(
        project=project,
        by=alice,
        data={
            "substitution_sources": [
                {"id": source.pk, "description": "关停", "saved_tce": 1, "evidence": pdf_upload()}
            ]
        },
    )
    source.refresh_from_db()
    assert source.evidence.name.startswith("evidence/")
    project = selectors.project_get_for_member(pk=project.pk, user=alice)
    services.project_update(
        project=project,
        by=alice,
        data={
            "substitution_sources": [{"id": source.pk, "description": "关停两条线", "saved_tce": 2}]
        },
    )
    source.refresh_from_db()
    assert source.description == "关停两条线"
    assert source.evidence


def test_evidence_that_is_not_a_pdf_is_refused_and_nothing_is_written(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    files = _media_files()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_update(
            project=project,
            by=alice,
            data={
                "substitution_sources": [
                    {"description": "x", "saved_tce": 1, "evidence": pdf_upload(content=b"GIF89a")}
                ]
            },
        )
    assert list(caught.value.messages()) == ["substitution_sources.0.evidence"]
    assert _media_files() == files
    assert project.substitution_sources.count() == 1


def test_delete_removes_a_draft_but_not_a_submitted_project(alice, make_project, make_submitted):
    draft = make_project(alice)
    services.project_delete(project=draft, by=alice)
    assert not Project.objects.filter(pk=draft.pk).exists()
    submitted = make_submitted(alice, MID_FACTORY)
    with pytest.raises(services.ProjectNotEditable):
        services.project_delete(project=submitted, by=alice)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def test_attachment_is_stored_under_media_root_with_its_hash(alice, make_project):
    project = make_project(alice)
    content = pdf_bytes(pages=2)
    attachment = services.attachment_add(
        project=project, by=alice, upload=pdf_upload("报告.pdf", content)
    )
    path = Path(attachment.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.read_bytes() == content
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.original_name == "报告.pdf"
    assert attachment.size == len(content)
    # The stored name is random, not the applicant's.
    assert "报告" not in os.path.basename(attachment.file.name)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"", "文件为空"),
        ("report.pdf", b"GIF89a" + b"\0" * 100, "不是PDF"),
        ("report.pdf", b"PK\x03\x04 not a pdf but a zip", "不是PDF"),
        ("report.pdf", b"%PDF-1.7\n garbage that no parser accepts", "无法读取"),
        ("report.exe", b"MZ\x90\x00", "不是PDF"),
    ],
)
def test_attachment_content_decides_and_a_bad_file_leaves_nothing(
    alice, make_project, name, content, message
):
    project = make_project(alice)
    before, files = _counts(), _media_files()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.attachment_add(project=project, by=alice, upload=pdf_upload(name, content))
    assert message in caught.value.messages()["file"][0]
    assert _counts() == before
    assert _media_files() == files


def test_a_pdf_named_otherwise_is_accepted(alice, make_project):
    attachment = services.attachment_add(
        project=make_project(alice), by=alice, upload=pdf_upload("scan.jpg")
    )
    assert attachment.original_name == "scan.jpg"


def test_attachment_over_the_size_limit_is_refused(alice, make_project, settings):
    settings.ATTACHMENT_MAX_BYTES = 500
    project = make_project(alice)
    with pytest.raises(services.ProjectInvalid) as caught:
        services.attachment_add(project=project, by=alice, upload=pdf_upload(content=pdf_bytes(3)))
    assert "文件过大" in caught.value.messages()["file"][0]
    assert not project.attachments.exists()


def test_encrypted_pdf_is_refused(alice, make_project):
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(services.ProjectInvalid) as caught:
        services.attachment_add(
            project=make_project(alice), by=alice, upload=pdf_upload(content=out.getvalue())
        )
    assert "加密" in caught.value.messages()["file"][0]


def test_submitted_attachments_cannot_be_deleted(alice, bob, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    attachment = project.attachments.get()
    review_services.case_return_for_correction(
        case=project.cases.get(), by=bob, items=["补充设备清单"]
    )
    with pytest.raises(services.ProjectInvalid):
        services.attachment_delete(attachment=attachment, by=alice)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --------------------------------------------------------------------------------------------
# Submission
# --------------------------------------------------------------------------------------------
def test_submit_freezes_facts_and_assessment_and_opens_a_case(alice, make_submitted):
    project = make_submitted(alice, BIG_CEMENT, today=date(2026, 11, 20))
    submission = project.submissions.get()
    assert submission.number == 1
    assert submission.policy_version == "2023"
    assert submission.facts["submitted_on"] == "2026-11-20"
    assert submission.facts["energy"][2] == {
        "type": "natural_gas",
        "quantity": 120.0,
        "unit": "wan_m3",
    }
    assert submission.assessment["energy"]["counted_tce"] == 120277.66
    assert submission.assessment["route"] == "national_window_guidance"
    assert submission.details["organization"]["credit_code"] == "91320505MA1XY2KP3R"
    assert list(submission.attachments.all()) == list(project.attachments.all())
    assert project.status == ProjectStatus.SUBMITTED
    case = project.cases.get()
    assert case.state == CaseState.SUBMITTED
    assert case.submission == submission
    assert case.province == "32"


def test_a_submission_never_changes_after_edits_or_policy_changes(alice, bob, make_submitted):
    # given a submitted project
    project = make_submitted(alice, MID_FACTORY, today=date(2026, 11, 20))
    first = project.submissions.get()
    frozen_facts, frozen_assessment = copy.deepcopy(first.facts), copy.deepcopy(first.assessment)
    assert frozen_assessment["review_level"] == "provincial"
    # when the reviewer returns it, the applicant edits the facts ...
    review_services.case_return_for_correction(
        case=project.cases.get(), by=bob, items=["天然气用量与节能报告不一致"]
    )
    project = selectors.project_get_for_member(pk=project.pk, user=alice)
    services.project_update(
        project=project,
        by=alice,
        data={"energy": [{"type": "electricity", "quantity": 2000, "unit": "wan_kWh"}]},
    )
    # ... and the policy version in force is changed
    PolicyVersion.objects.filter(version="2023").update(
        provincial_threshold_tce=1_000_000, equal_value_kgce_per_kwh=0.5
    )
    # then the stored submission is exactly as handed in
    first.refresh_from_db()
    assert first.facts == frozen_facts
    assert first.assessment == frozen_assessment
    # while a resubmission is assessed on the new facts and the changed policy
    corrections_answered(project.cases.get(), by=alice)
    second = services.project_submit(project=_fresh(project), by=alice, today=date(2026, 12, 1))
    assert second.number == 2
    assert second.assessment["review_level"] == "delegated"
    assert second.assessment["energy"]["equal_value_tce"] == 10000.0
    assert project.submissions.count() == 2


def test_submit_uses_the_policy_in_force_on_the_day(alice, make_submitted):
    project = make_submitted(alice, MID_FACTORY, today=date(2022, 3, 1))
    submission = project.submissions.get()
    assert submission.policy_version == "2021"
    assert submission.facts["submitted_on"] == "2022-03-01"


def test_an_exempt_project_is_confirmed_without_a_case(alice, make_project):
    project = make_project(alice, SMALL_WORKSHOP)
    submission = services.project_submit(project=project, by=alice)
    project.refresh_from_db()
    assert project.status == ProjectStatus.EXEMPT
    assert submission.assessment["route"] == "exempt"
    assert submission.assessment["recommendation"] == "not_required"
    assert not project.cases.exists()
    assert not permissions.project_is_editable(project)


def test_submit_names_everything_missing_and_changes_nothing(alice):
    project = services.project_create(
        organization=alice.profile.organization,
        by=alice,
        data={"name": "未完成的项目", "industry": "3011", "construction_type": "renovation"},
    )
    before = _counts()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_submit(project=project, by=alice)
    assert set(caught.value.messages()) == {"region", "project_code", "energy", "baseline_energy"}
    assert _counts() == before
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_a_project_that_needs_review_needs_its_energy_report(alice, make_project):
    project = make_project(alice, MID_FACTORY)
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_submit(project=project, by=alice)
    assert list(caught.value.messages()) == ["attachments"]
    assert not project.submissions.exists()


def test_a_submitted_project_cannot_be_changed_or_submitted_again(alice, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    project = selectors.project_get_for_member(pk=project.pk, user=alice)
    with pytest.raises(services.ProjectNotEditable):
        services.project_update(project=project, by=alice, data={"name": "改名"})
    with pytest.raises(services.ProjectNotEditable):
        services.project_submit(project=project, by=alice)
    with pytest.raises(services.ProjectNotEditable):
        services.attachment_add(project=project, by=alice, upload=pdf_upload())
    assert project.submissions.count() == 1


def test_project_check_lists_what_blocks_submission_without_submitting(alice, make_project):
    project = make_project(alice, MID_FACTORY)
    problem = services.project_check(project=project)
    assert problem is not None
    assert list(problem.messages()) == ["attachments"]
    services.attachment_add(project=project, by=alice, upload=pdf_upload())
    assert services.project_check(project=project) is None
    assert not project.submissions.exists()


# --------------------------------------------------------------------------------------------
# Correction and deferral rounds
# --------------------------------------------------------------------------------------------
def test_correction_round_resubmits_to_the_same_case_and_keeps_both_versions(
    alice, bob, make_submitted
):
    project = make_submitted(alice, MID_FACTORY)
    case = project.cases.get()
    review_services.case_return_for_correction(
        case=case, by=bob, items=["补充主要用能设备清单", "节能报告缺少签章"]
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.CORRECTION
    assert project.correction_items == ["补充主要用能设备清单", "节能报告缺少签章"]
    assert permissions.can_edit_project(alice, project)
    # the applicant corrects and resubmits
    services.attachment_add(
        project=project,
        by=alice,
        upload=pdf_upload("补正材料.pdf"),
        kind=Attachment.Kind.CORRECTION,
    )
    project = selectors.project_get_for_member(pk=project.pk, user=alice)
    services.project_update(project=project, by=alice, data={"name": "机械制造基地项目（修订）"})
    # refused, naming both items, until each is answered; nothing is kept
    with pytest.raises(services.ProjectInvalid) as refused:
        services.project_submit(project=_fresh(project), by=alice)
    assert refused.value.messages() == {
        "correction_answers": [
            "请先逐项答复全部补正事项后再提交。尚未答复："
            "第1项「补充主要用能设备清单」、第2项「节能报告缺少签章」。"
        ]
    }
    assert project.submissions.count() == 1
    assert _fresh(project).status == ProjectStatus.CORRECTION
    corrections_answered(case, by=alice)
    second = services.project_submit(project=_fresh(project), by=alice)
    project.refresh_from_db()
    case.refresh_from_db()
    assert second.number == 2
    assert project.status == ProjectStatus.SUBMITTED
    assert project.correction_items == []
    assert project.cases.count() == 1
    assert case.state == CaseState.SUBMITTED
    assert case.submission == second
    first = project.submissions.get(number=1)
    assert first.facts["name"] == "机械制造基地项目"
    assert second.facts["name"] == "机械制造基地项目（修订）"
    assert first.attachments.count() == 1
    assert second.attachments.count() == 2


def test_deferred_case_takes_new_facts_through_case_resubmit(alice, bob, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    case = review_services.case_accept(case=project.cases.get(), by=bob, assign_to=bob)
    case = evaluated(case, by=bob)  # no decision without the evaluation (2023《办法》第十三条)
    review_services.case_defer(
        case=case,
        by=bob,
        reason="所在地区能耗强度降低进度滞后",
        deferral_lift="落实能耗替代来源后重新提交",
        justification="地区进度滞后，暂缓审批",
    )
    project = _fresh(project)
    assert project.status == ProjectStatus.SUBMITTED
    assert permissions.can_edit_project(alice, project)
    services.project_update(
        project=selectors.project_get_for_member(pk=project.pk, user=alice),
        by=alice,
        data={"substitution_sources": [{"description": "关停老旧锅炉", "saved_tce": 9000}]},
    )
    services.project_submit(project=_fresh(project), by=alice)
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW
    assert case.submission.number == 2
    assert ReviewCase.objects.filter(project=project).count() == 1


def test_after_a_closed_case_a_revised_project_opens_a_new_case(alice, bob, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    review_services.case_not_accept(case=project.cases.get(), by=bob, reason="非本机关管辖")
    project = _fresh(project)
    assert permissions.can_edit_project(alice, project)
    services.project_submit(project=project, by=alice)
    assert ReviewCase.objects.filter(project=project).count() == 2
    assert project.submissions.count() == 2


def test_mark_for_correction_needs_a_submitted_project(alice, make_project):
    project = make_project(alice)
    with pytest.raises(services.ProjectNotEditable):
        services.project_mark_for_correction(project=project, items=["x"])
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
