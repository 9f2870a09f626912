"""projects.services on submission: facts and assessment frozen under the policy in force, an
exempt project confirmed without a case, and everything missing named before submitting."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from projects import permissions, selectors, services
from projects.models import ProjectStatus
from review import services as review_services
from review.models import CaseState
from rules.models import PolicyVersion
from tests.review_steps import corrections_answered

from ._helpers import counts, refetch
from .conftest import BIG_CEMENT, MID_FACTORY, SMALL_WORKSHOP, pdf_upload

pytestmark = pytest.mark.django_db


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
    second = services.project_submit(project=refetch(project), by=alice, today=date(2026, 12, 1))
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
    before = counts()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_submit(project=project, by=alice)
    assert set(caught.value.messages()) == {"region", "project_code", "energy", "baseline_energy"}
    assert counts() == before
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
