"""变更: after approval the applicant revises the facts; a material change (energy use up 10% or
more, or another main energy type) reopens the review, a small one is refused and kept nowhere."""

from __future__ import annotations

from datetime import date

import pytest

from projects import permissions, services
from projects.models import Project, Submission
from review import services as review_services
from review.models import CaseEvent, CaseState
from tests.review_steps import evaluated

from .conftest import MID_FACTORY


def _approve(project: Project, bob) -> None:
    case = project.cases.get()
    case = review_services.case_accept(case=case, by=bob, today=date(2026, 12, 1))
    case = review_services.case_claim(case=case, by=bob, today=date(2026, 12, 1))
    case = evaluated(case, by=bob, commissioned=date(2026, 12, 1))  # 2023《办法》第十三条
    review_services.case_approve(
        case=case, by=bob, reason="符合节能审查要求", today=date(2026, 12, 2)
    )


def _energy(gas_wan_m3: float) -> dict:
    return {
        **MID_FACTORY,
        "energy": [
            {"type": "electricity", "quantity": 6000, "unit": "wan_kWh"},
            {"type": "natural_gas", "quantity": gas_wan_m3, "unit": "wan_m3"},
        ],
    }


@pytest.fixture
def approved(make_submitted, alice, bob) -> Project:
    project = make_submitted(alice, MID_FACTORY, today=date(2026, 11, 30))
    _approve(project, bob)
    project.refresh_from_db()
    return project


def test_an_approved_project_can_be_revised_as_a_change_application(approved):
    assert approved.cases.get().state == CaseState.APPROVED
    assert permissions.project_is_editable(approved)


def test_a_material_change_reopens_the_review(approved, alice):
    # given: gas use up by far more than 10% of the approved counted tce
    services.project_update(project=approved, by=alice, data=_energy(3000))
    # when
    services.project_submit(project=approved, by=alice, today=date(2026, 12, 10))
    # then
    case = approved.cases.get()
    assert case.state == CaseState.CHANGE_REQUESTED
    assert case.submission.number == 2
    assert case.events.filter(action="request_change").exists()


def test_a_small_change_is_refused_and_nothing_is_kept(approved, alice):
    services.project_update(project=approved, by=alice, data=_energy(510))
    events = CaseEvent.objects.count()
    with pytest.raises(services.ProjectInvalid) as info:
        services.project_submit(project=approved, by=alice, today=date(2026, 12, 10))
    assert "submission" in info.value.errors
    assert "10%" in info.value.messages()["submission"][0]
    assert Submission.objects.filter(project=approved).count() == 1
    assert approved.cases.get().state == CaseState.APPROVED
    assert CaseEvent.objects.count() == events
