"""Feeds the pure engine from the database: policy versions, regional status, the inventory.

Every caller that needs an assessment (the API, `manage.py assess`, the applicant form, submit,
re-assessment) goes through `assessment_run` (or, for many projects at once, `assessment_run_with`
with the same context preloaded), so they all give the same answer.

Also re-exported here (the public face, `from rules.services import X`): provinces, bulk writes
and the two-high inventory's edits (who, why, and the review cases they flag) from
`rules.services_reference`, and the storage of re-assessments (`manage.py reassess_projects`)
from `rules.services_reassessment`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from rules import engine
from rules.models import PolicyVersion, RegionStatus, TwoHighEntry
from rules.reference_data import MaintainedReference, engine_make, maintained
from rules.services_reassessment import (
    ReassessmentRow,
    reassessments_store,
    submissions_latest_between,
    submissions_latest_ranges,
)
from rules.services_reference import (
    CLOSED_CASE_STATES,
    FANGAN_7,
    TWO_HIGH_FIELDS,
    bulk_update_values,
    mainland_provinces,
    province_by_label,
    province_name,
    two_high_disposal_changes_flag,
    two_high_entry_create,
    two_high_entry_delete,
    two_high_entry_update,
)

__all__ = [
    "CLOSED_CASE_STATES",
    "FANGAN_7",
    "TWO_HIGH_FIELDS",
    "PolicyData",
    "ReassessmentRow",
    "assessment_as_dict",
    "assessment_context_for",
    "assessment_run",
    "assessment_run_many",
    "assessment_run_with",
    "assessment_unreadable",
    "bulk_update_values",
    "inventory_entry_to_engine",
    "inventory_for_codes",
    "language_of",
    "mainland_provinces",
    "policy_data_load",
    "policy_version_get",
    "policy_version_to_engine",
    "policy_versions_published",
    "province_by_label",
    "province_name",
    "reassessments_store",
    "region_status_to_engine",
    "submissions_latest_between",
    "submissions_latest_ranges",
    "two_high_disposal_changes_flag",
    "two_high_entry_create",
    "two_high_entry_delete",
    "two_high_entry_update",
]


def policy_version_to_engine(row: PolicyVersion) -> engine.PolicyVersion:
    return engine_make(
        engine.PolicyVersion,
        version=row.version,
        effective_from=row.effective_from,
        provincial_threshold_tce=row.provincial_threshold_tce,
        exempt_below_tce=row.exempt_below_tce,
        exempt_below_kwh=row.exempt_below_kwh,
        two_high_window_guidance_tce=row.two_high_window_guidance_tce,
        substitution_rules=row.substitution_rules,
        equal_value_kgce_per_kwh=row.equal_value_kgce_per_kwh,
        measures_edition=row.measures_edition,
        basis=row.basis,
        increment_basis=row.increment_basis,
        regional_deducts_renewable=row.regional_deducts_renewable,
        regional_deducts_feedstock=row.regional_deducts_feedstock,
    )


def policy_versions_published() -> list[engine.PolicyVersion]:
    """The published versions from the database, oldest first."""
    rows = PolicyVersion.objects.filter(published=True).order_by("effective_from")
    return [policy_version_to_engine(row) for row in rows]


def region_status_to_engine(row: RegionStatus) -> engine.RegionStatus:
    return engine_make(
        engine.RegionStatus,
        province=row.province,
        year=row.year,
        basic_target_pct=row.basic_target_pct,
        incentive_target_pct=row.incentive_target_pct,
        progress_pct=row.progress_pct,
        behind_basic_target=row.behind_basic_target,
        substitution_ratio=row.substitution_ratio,
        warning_level=row.warning_level,
        two_high_suspended=row.two_high_suspended,
    )


def inventory_entry_to_engine(row: TwoHighEntry) -> engine.InventoryEntry:
    return engine.InventoryEntry(
        project_code=row.project_code,
        project_name=row.project_name,
        region=row.region,
        industry=row.industry,
        status=row.status,
        disposal=row.disposal,
        annual_tce=row.annual_tce,
    )


def assessment_context_for(*, facts: engine.Facts) -> engine.Context:
    """The regional status (submission year, else latest earlier) and the inventory entry."""
    status_row = (
        RegionStatus.objects.filter(province=facts.province, year__lte=facts.submitted_on.year)
        .order_by("-year")
        .first()
    )
    inventory_row = (
        TwoHighEntry.objects.filter(project_code=facts.project_code).first()
        if facts.project_code
        else None
    )
    return engine.Context(
        region_status=region_status_to_engine(status_row) if status_row else None,
        inventory=inventory_entry_to_engine(inventory_row) if inventory_row else None,
    )


def assessment_run(
    payload: Mapping[str, Any],
    *,
    today: date | None = None,
    policy_versions: Sequence[engine.PolicyVersion] | None = None,
    policy: engine.PolicyVersion | None = None,
) -> tuple[engine.Facts, engine.Assessment]:
    """Parse and assess project facts against the stored policy data.

    Uses the published version in force on `submitted_on` unless `policy` is given (a preview of
    an unpublished version). Raises `engine.InvalidFacts` naming every bad field; stores nothing.
    """
    rows = maintained()
    versions = list(policy_versions) if policy_versions is not None else policy_versions_published()
    facts = engine.parse_facts(
        payload,
        reference=rows.on(None),
        today=today or timezone.localdate(),
        policy_versions=versions,
    )
    chosen = policy or engine.policy_in_force(versions, facts.submitted_on)
    context = assessment_context_for(facts=facts)
    reference = rows.on(facts.submitted_on)
    return facts, engine.assess(facts, policy=chosen, context=context, reference=reference)


def assessment_as_dict(payload: Mapping[str, Any], *, lang: str = "zh") -> dict[str, Any]:
    """The contract's JSON for `payload`; raises `engine.InvalidFacts`."""
    _, assessment = assessment_run(payload)
    return assessment.as_dict(lang=lang)


def language_of(accept_language: str | None) -> str:
    """`en` when the client prefers English, else Chinese (the default)."""
    if not accept_language:
        return "zh"
    first = accept_language.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


def assessment_unreadable(*, detail: str = "", lang: str = "zh") -> dict[str, dict[str, list[str]]]:
    """The contract's error shape for a body that is not JSON at all."""
    text = "请求内容不是有效的JSON。" if lang != "en" else "The input is not valid JSON."
    if detail:
        text = f"{text}（{detail}）" if lang != "en" else f"{text} ({detail})"
    return {"errors": {"non_field_errors": [text]}}


# --------------------------------------------------------------------------------------------
# Batch assessment (re-assessment, previews): the same engine calls with the context preloaded
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PolicyData:
    """Everything `assessment_run` reads besides the inventory, loaded once for many projects."""

    reference: engine.Reference
    versions: tuple[engine.PolicyVersion, ...]
    region_statuses: Mapping[str, tuple[engine.RegionStatus, ...]]
    # Admin-maintained benchmarks, exempt lists and coal regions (`reference` parses input).
    maintained: MaintainedReference | None = None

    def reference_on(self, day: date) -> engine.Reference:
        """The reference the rules use for a submission dated `day`."""
        return self.maintained.on(day) if self.maintained is not None else self.reference

    def region_status(self, province: str, year: int) -> engine.RegionStatus | None:
        """The row for `year`, else the latest earlier one (as `assessment_context_for`)."""
        return engine.select_region_status(self.region_statuses.get(province, ()), province, year)


def policy_data_load() -> PolicyData:
    """Published policy versions and every regional status row (31 provinces × years)."""
    statuses: dict[str, list[engine.RegionStatus]] = {}
    for row in RegionStatus.objects.all():
        statuses.setdefault(row.province, []).append(region_status_to_engine(row))
    rows = maintained()
    return PolicyData(
        reference=rows.on(None),
        versions=tuple(policy_versions_published()),
        region_statuses={k: tuple(v) for k, v in statuses.items()},
        maintained=rows,
    )


def inventory_for_codes(codes: Iterable[str]) -> dict[str, engine.InventoryEntry]:
    """Inventory entries of these project codes, in one query per 900 codes."""
    wanted = sorted({c for c in codes if c})
    found: dict[str, engine.InventoryEntry] = {}
    for start in range(0, len(wanted), 900):
        for row in TwoHighEntry.objects.filter(project_code__in=wanted[start : start + 900]):
            found[row.project_code] = inventory_entry_to_engine(row)
    return found


def assessment_run_with(
    payload: Mapping[str, Any],
    *,
    data: PolicyData,
    inventory: Mapping[str, engine.InventoryEntry],
    policy: engine.PolicyVersion | None = None,
    today: date,
) -> engine.Assessment:
    """`assessment_run` without database reads: the context comes from `data` and `inventory`.

    Pure given its arguments (safe in a worker process). Raises `engine.InvalidFacts`.
    """
    facts = engine.parse_facts(
        payload, reference=data.reference, today=today, policy_versions=data.versions
    )
    chosen = policy or engine.policy_in_force(data.versions, facts.submitted_on)
    context = engine.Context(
        region_status=data.region_status(facts.province, facts.submitted_on.year),
        inventory=inventory.get(facts.project_code) if facts.project_code else None,
    )
    return engine.assess(
        facts, policy=chosen, context=context, reference=data.reference_on(facts.submitted_on)
    )


def assessment_run_many(
    payloads: Sequence[Mapping[str, Any]],
    *,
    data: PolicyData | None = None,
    policy: engine.PolicyVersion | None = None,
    today: date | None = None,
) -> list[engine.Assessment | engine.InvalidFacts]:
    """Assess many payloads with one inventory query; each result is an assessment or the
    `InvalidFacts` of that payload. Gives the same answers as `assessment_run`."""
    data = data or policy_data_load()
    day = today or timezone.localdate()
    inventory = inventory_for_codes(
        str(p.get("project_code") or "").strip() for p in payloads if isinstance(p, Mapping)
    )
    results: list[engine.Assessment | engine.InvalidFacts] = []
    for payload in payloads:
        try:
            results.append(
                assessment_run_with(
                    payload, data=data, inventory=inventory, policy=policy, today=day
                )
            )
        except engine.InvalidFacts as exc:
            results.append(exc)
    return results


def policy_version_get(*, version: str) -> engine.PolicyVersion:
    """A stored version by name, published or not (a preview may use a draft version).

    Raises `PolicyVersion.DoesNotExist`.
    """
    return policy_version_to_engine(PolicyVersion.objects.get(version=version))
