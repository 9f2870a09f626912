"""Policy versions with the contract-v2 parameters: the version form and service, the preview
of a version on open cases, and `reassess_projects` on v2 and v1-shaped facts."""

from __future__ import annotations

import copy
import io
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from review.models import ReviewCase
from rules.forms import PolicyVersionForm
from rules.models import PolicyVersion, Reassessment
from rules.policy_preview import policy_version_create, policy_version_preview
from rules.serializers import EXAMPLE_INPUT

pytestmark = pytest.mark.django_db

# Renovation, not two-high, changed site/process/equipment: on the 2023 version the tier uses
# the whole 14,286 tce (provincial); counted on the increment it is 7,143 tce (delegated).
RENOVATION: dict[str, Any] = {
    "project_code": "2611-320505-04-01-300001",
    "name": "机械厂改建项目",
    "region": "320505",
    "industry": "3484",
    "construction_type": "renovation",
    "submitted_on": "2026-11-20",
    "energy": [{"type": "raw_coal", "quantity": 20000, "unit": "t"}],
    "baseline_energy": [{"type": "raw_coal", "quantity": 10000, "unit": "t"}],
}


def version_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "version": "2026-inc",
        "effective_from": date(2026, 7, 1),
        "provincial_threshold_tce": 10_000.0,
        "exempt_below_tce": 1_000.0,
        "exempt_below_kwh": 5_000_000.0,
        "two_high_window_guidance_tce": 50_000.0,
        "substitution_rules": True,
        "equal_value_kgce_per_kwh": 0.3007,
        "measures_edition": "2023",
        "basis": "测试版本",
    }
    data.update(overrides)
    return data


def test_a_new_version_stores_the_v2_parameters(dana) -> None:
    row = policy_version_create(
        data=version_data(
            increment_basis="expansion_and_renovation",
            regional_deducts_renewable=False,
            regional_deducts_feedstock=True,
        ),
        by=dana,
    )
    row.refresh_from_db()

    assert row.increment_basis == "expansion_and_renovation"
    assert row.regional_deducts_renewable is False
    assert row.regional_deducts_feedstock is True


def test_a_new_version_without_them_inherits_the_latest_published(dana) -> None:
    row = policy_version_create(data=version_data(), by=dana)

    assert row.increment_basis == "unchanged_renovation"
    assert row.regional_deducts_renewable is True
    assert row.regional_deducts_feedstock is True


def test_a_bad_increment_basis_is_refused_at_its_field(dana) -> None:
    with pytest.raises(ValidationError) as info:
        policy_version_create(data=version_data(increment_basis="everything"), by=dana)

    assert "increment_basis" in info.value.message_dict
    assert not PolicyVersion.objects.filter(version="2026-inc").exists()


def test_the_version_form_offers_and_prefills_the_v2_parameters() -> None:
    latest = PolicyVersion.objects.get(version="2023")
    form = PolicyVersionForm(initial=PolicyVersionForm.initial_from(latest))

    assert {"increment_basis", "regional_deducts_renewable", "regional_deducts_feedstock"} <= set(
        form.fields
    )
    assert form.initial["increment_basis"] == "unchanged_renovation"
    assert form.initial["regional_deducts_feedstock"] is True


def test_the_version_page_creates_with_the_v2_parameters(dana_client: Client) -> None:
    from django.urls import reverse

    url = reverse("rules:policy_version_create")
    data = {
        **{k: str(v) for k, v in version_data().items() if k != "substitution_rules"},
        "substitution_rules": "on",
        "increment_basis": "expansion_and_renovation",
        "regional_deducts_feedstock": "on",
    }
    response = dana_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    row = PolicyVersion.objects.get(version="2026-inc")
    assert row.increment_basis == "expansion_and_renovation"
    assert (row.regional_deducts_renewable, row.regional_deducts_feedstock) == (False, True)


def _open_case(make_project, facts: dict[str, Any]) -> ReviewCase:
    project, submission = make_project(facts)
    return ReviewCase.objects.create(
        project=project,
        submission=submission,
        province="32",
        state="under_review",
        route="standard",
        review_level="provincial",
        recommendation="approve",
        counted_tce=14286.0,
        submitted_at=timezone.now(),
    )


def test_preview_lists_a_renovation_whose_level_the_increment_basis_changes(
    dana, make_project
) -> None:
    case = _open_case(make_project, copy.deepcopy(RENOVATION))
    _open_case(make_project, {**copy.deepcopy(EXAMPLE_INPUT), "project_code": ""})
    version = policy_version_create(
        data=version_data(increment_basis="expansion_and_renovation"), by=dana
    )

    rows = policy_version_preview(version=version)

    assert [r.case_id for r in rows] == [case.pk]
    assert rows[0].changed == ("review_level",)
    assert (rows[0].before.review_level, rows[0].after.review_level) == ("provincial", "delegated")


def test_reassess_projects_stores_v2_assessments_of_old_and_new_facts(make_project) -> None:
    _, old = make_project(copy.deepcopy(EXAMPLE_INPUT))
    v2 = {
        **copy.deepcopy(EXAMPLE_INPUT),
        "project_code": "2611-320500-04-01-381277",
        "exported_energy": [{"type": "electricity", "quantity": 1e6, "unit": "kWh"}],
    }
    _, new = make_project(v2)
    out = io.StringIO()

    call_command("reassess_projects", "--chunk-size", "1", stdout=out, stderr=out)

    stored = {r.submission_id: r for r in Reassessment.objects.all()}
    assert set(stored) == {old.pk, new.pk}
    assert stored[old.pk].assessment["contract_version"] == 2
    assert stored[old.pk].assessment["energy"]["equivalent_tce"] == 120277.66
    assert stored[new.pk].assessment["energy"]["equivalent_tce"] == pytest.approx(
        120277.66 - 122.9, abs=0.01
    )
    assert "reassess: 2 projects" in out.getvalue()
