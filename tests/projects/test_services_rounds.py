"""projects.services after submission: the correction round resubmitting to the same case, a
deferred case taking new facts, and a new case after a closed one."""

from __future__ import annotations

import pytest

from projects import permissions, selectors, services
from projects.models import Attachment, ProjectStatus
from review import services as review_services
from review.models import CaseState, ReviewCase
from tests.review_steps import corrections_answered, evaluated

from ._helpers import refetch
from .conftest import MID_FACTORY, pdf_upload

pytestmark = pytest.mark.django_db


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
        services.project_submit(project=refetch(project), by=alice)
    assert refused.value.messages() == {
        "correction_answers": [
            "请先逐项答复全部补正事项后再提交。尚未答复："
            "第1项「补充主要用能设备清单」、第2项「节能报告缺少签章」。"
        ]
    }
    assert project.submissions.count() == 1
    assert refetch(project).status == ProjectStatus.CORRECTION
    corrections_answered(case, by=alice)
    second = services.project_submit(project=refetch(project), by=alice)
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
    project = refetch(project)
    assert project.status == ProjectStatus.SUBMITTED
    assert permissions.can_edit_project(alice, project)
    services.project_update(
        project=selectors.project_get_for_member(pk=project.pk, user=alice),
        by=alice,
        data={"substitution_sources": [{"description": "关停老旧锅炉", "saved_tce": 9000}]},
    )
    services.project_submit(project=refetch(project), by=alice)
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW
    assert case.submission.number == 2
    assert ReviewCase.objects.filter(project=project).count() == 1


def test_after_a_closed_case_a_revised_project_opens_a_new_case(alice, bob, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    review_services.case_not_accept(case=project.cases.get(), by=bob, reason="非本机关管辖")
    project = refetch(project)
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
