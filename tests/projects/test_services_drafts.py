"""projects.services on drafts: create and update with every bad field named and nothing stored,
lines added and removed, substitution sources with their evidence, and deleting a draft."""

from __future__ import annotations

from datetime import date

import pytest

from projects import selectors, services
from projects.models import EnergyLine, Project, ProjectStatus

from ._helpers import counts, media_files, refetch
from .conftest import MID_FACTORY, pdf_upload

pytestmark = pytest.mark.django_db


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
    assert [line.energy_type for line in selectors.energy_lines_of(refetch(project), "energy")] == [
        "raw_coal",
        "electricity",
        "natural_gas",
    ]


def test_create_names_every_bad_field_and_creates_nothing(alice):
    before = counts()
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
    assert counts() == before


def test_update_replaces_a_list_and_keeps_the_others(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    services.project_update(
        project=project,
        by=alice,
        data={"energy": [{"type": "electricity", "quantity": "2000", "unit": "wan_kWh"}]},
    )
    fresh = refetch(project)
    lines = selectors.energy_lines_of(fresh, "energy")
    assert [(x.energy_type, x.quantity, x.unit) for x in lines] == [
        ("electricity", 2000.0, "wan_kWh")
    ]
    assert fresh.product_lines.count() == 1
    assert fresh.draft_assessment["energy"]["counted_tce"] == 2458.0


def test_update_with_a_bad_row_changes_nothing(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    before_payload = selectors.project_payload(refetch(project))
    before = counts()
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
    assert counts() == before
    assert selectors.project_payload(refetch(project)) == before_payload


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
    fresh = refetch(project)
    assert [x.energy_type for x in selectors.energy_lines_of(fresh, "energy")][-1] == "diesel"
    services.project_line_delete(project=fresh, by=alice, collection="energy", line_id=line.pk)
    assert not EnergyLine.objects.filter(pk=line.pk).exists()
    with pytest.raises(services.ProjectInvalid):
        services.project_line_delete(
            project=fresh, by=alice, collection="products", line_id=line.pk
        )


def test_line_add_names_the_new_rows_index_and_adds_nothing(alice, make_project):
    project = selectors.project_get_for_member(pk=make_project(alice).pk, user=alice)
    before = counts()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.project_line_add(
            project=project, by=alice, collection="products", row={"product": "cement_clinker"}
        )
    assert list(caught.value.messages()) == ["products.1.unit_energy"]
    assert counts() == before


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
    files = media_files()
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
    assert media_files() == files
    assert project.substitution_sources.count() == 1


def test_delete_removes_a_draft_but_not_a_submitted_project(alice, make_project, make_submitted):
    draft = make_project(alice)
    services.project_delete(project=draft, by=alice)
    assert not Project.objects.filter(pk=draft.pk).exists()
    submitted = make_submitted(alice, MID_FACTORY)
    with pytest.raises(services.ProjectNotEditable):
        services.project_delete(project=submitted, by=alice)
