"""Policy versions as data: create (unpublished), preview against open cases, publish."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from review.models import CaseState, ReviewCase
from rules.models import PolicyVersion
from rules.policy_preview import (
    Outcome,
    policy_version_create,
    policy_version_preview,
    policy_version_preview_report,
    policy_version_publish,
)
from rules.services import assessment_run, policy_versions_published
from tests.overview.conftest import facts_payload

pytestmark = pytest.mark.django_db


def version_data(**overrides: Any) -> dict[str, Any]:
    """The 2023 version's parameters with the window-guidance threshold at 30,000 tce."""
    data = {
        "version": "2026-wg30k",
        "effective_from": date(2026, 7, 1),
        "provincial_threshold_tce": 10_000.0,
        "exempt_below_tce": 1_000.0,
        "exempt_below_kwh": 5_000_000.0,
        "two_high_window_guidance_tce": 30_000.0,
        "substitution_rules": True,
        "equal_value_kgce_per_kwh": 0.3007,
        "measures_edition": "2023",
        "basis": "假设：窗口指导门槛调整为3万吨标准煤（方案（七））",
    }
    data.update(overrides)
    return data


def snapshot() -> list[tuple]:
    return list(
        ReviewCase.objects.order_by("id").values_list(
            "id", "state", "route", "review_level", "recommendation", "counted_tce", "version"
        )
    )


# --- create ---------------------------------------------------------------------------------
def test_a_new_version_is_stored_unpublished_and_ignored_by_the_engine(dana):
    version = policy_version_create(data=version_data(), by=dana)
    assert version.published is False
    assert "2026-wg30k" not in [v.version for v in policy_versions_published()]
    assert version.history.first().history_user == dana


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"version": "2023"}, "version"),
        ({"effective_from": date(2023, 6, 1)}, "effective_from"),
        ({"effective_from": date(2020, 1, 1)}, "effective_from"),
        ({"two_high_window_guidance_tce": None}, "two_high_window_guidance_tce"),
        (
            {"substitution_rules": False, "two_high_window_guidance_tce": 30_000.0},
            "two_high_window_guidance_tce",
        ),
        ({"exempt_below_tce": 20_000.0}, "exempt_below_tce"),
        ({"provincial_threshold_tce": 0.0}, "provincial_threshold_tce"),
        ({"equal_value_kgce_per_kwh": 0.1}, "equal_value_kgce_per_kwh"),
        ({"measures_edition": "2030"}, "measures_edition"),
    ],
)
def test_bad_parameters_are_named_and_nothing_is_stored(dana, overrides, field):
    before = list(PolicyVersion.objects.values_list("version", flat=True))
    with pytest.raises(ValidationError) as excinfo:
        policy_version_create(data=version_data(**overrides), by=dana)
    assert field in excinfo.value.message_dict
    assert list(PolicyVersion.objects.values_list("version", flat=True)) == before


@pytest.mark.parametrize("persona", ["alice", "bob", "erin"])
def test_only_admins_create_or_publish_versions(request, dana, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        policy_version_create(data=version_data(), by=user)
    assert not PolicyVersion.objects.filter(version="2026-wg30k").exists()
    version = policy_version_create(data=version_data(), by=dana)
    with pytest.raises(PermissionDenied):
        policy_version_publish(version=version, by=user)
    version.refresh_from_db()
    assert version.published is False


# --- publish --------------------------------------------------------------------------------
def test_publishing_makes_the_engine_apply_the_version_from_its_effective_date(dana):
    version = policy_version_create(data=version_data(), by=dana)
    policy_version_publish(version=version, by=dana)
    version.refresh_from_db()
    assert version.published is True
    assert version.history.first().history_user == dana
    assert "2026-wg30k" in [v.version for v in policy_versions_published()]
    _, after = assessment_run(facts_payload(tce=40_000, submitted_on=date(2026, 7, 1)))
    assert (after.policy_version, after.route) == ("2026-wg30k", "national_window_guidance")
    _, before = assessment_run(facts_payload(tce=40_000, submitted_on=date(2026, 6, 30)))
    assert (before.policy_version, before.route) == ("2023", "local_two_high")


def test_publishing_twice_is_refused(dana):
    version = policy_version_create(data=version_data(), by=dana)
    policy_version_publish(version=version, by=dana)
    with pytest.raises(ValidationError):
        policy_version_publish(version=version, by=dana)


def test_a_draft_cannot_be_published_behind_a_later_published_version(dana):
    early = policy_version_create(data=version_data(), by=dana)
    later = policy_version_create(
        data=version_data(version="2027", effective_from=date(2027, 1, 1)), by=dana
    )
    policy_version_publish(version=later, by=dana)
    with pytest.raises(ValidationError) as excinfo:
        policy_version_publish(version=early, by=dana)
    assert "effective_from" in excinfo.value.message_dict
    early.refresh_from_db()
    assert early.published is False


# --- preview --------------------------------------------------------------------------------
@pytest.fixture
def open_and_closed_cases(make_case):
    return {
        "moves_under_review": make_case(tce=40_000, state=CaseState.UNDER_REVIEW),
        "moves_returned": make_case(tce=45_000, state=CaseState.RETURNED),
        "moves_deferred": make_case(tce=35_000, state=CaseState.DEFERRED),
        "stays_local": make_case(tce=20_000, state=CaseState.ACCEPTED),
        "stays_national": make_case(tce=60_000, state=CaseState.SUBMITTED),
        "not_two_high": make_case(tce=40_000, industry="3911", state=CaseState.UNDER_REVIEW),
        "closed_approved": make_case(
            tce=40_000, state=CaseState.APPROVED, decided_on=date(2026, 4, 1)
        ),
        "closed_rejected": make_case(
            tce=40_000, state=CaseState.REJECTED, decided_on=date(2026, 4, 1)
        ),
    }


def test_preview_lists_exactly_the_open_cases_whose_route_would_change(dana, open_and_closed_cases):
    cases = open_and_closed_cases
    assert cases["moves_under_review"].route == "local_two_high"  # as submitted, 2023 rules
    version = policy_version_create(data=version_data(), by=dana)
    before = snapshot()

    report = policy_version_preview_report(version=version)

    moved = {cases[k].pk for k in ("moves_under_review", "moves_returned", "moves_deferred")}
    assert {row.case_id for row in report.rows} == moved
    assert report.checked == 6  # the two closed cases are not re-assessed
    row = next(r for r in report.rows if r.case_id == cases["moves_under_review"].pk)
    assert row.before == Outcome("local_two_high", "provincial", "approve")
    assert row.after == Outcome("national_window_guidance", "provincial", "defer")
    assert row.changed == ("route", "recommendation")
    assert row.before_version == "2023"
    assert not row.error
    # Reading only: no case and no version changed.
    assert snapshot() == before
    version.refresh_from_db()
    assert version.published is False


def test_preview_with_nothing_changing_is_empty(dana, open_and_closed_cases):
    version = policy_version_create(
        data=version_data(version="2026-same", two_high_window_guidance_tce=50_000.0), by=dana
    )
    assert policy_version_preview(version=version) == []


def test_preview_reports_review_level_changes(dana, make_case):
    moved = make_case(tce=8_000, industry="3911")
    make_case(tce=12_000, industry="3911")
    make_case(tce=800, industry="3911")
    version = policy_version_create(
        data=version_data(version="2026-prov5k", provincial_threshold_tce=5_000.0), by=dana
    )
    rows = policy_version_preview(version=version)
    assert [(r.case_id, r.changed) for r in rows] == [(moved.pk, ("review_level",))]
    assert (rows[0].before.review_level, rows[0].after.review_level) == (
        "delegated",
        "provincial",
    )
