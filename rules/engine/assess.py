"""``assess(facts, policy, context) -> Assessment``: the rules of the contract, composed.

Order of findings: tier, TWO_HIGH_CATALOGUE, TWO_HIGH_INVENTORY, routing, EFFICIENCY_LEVEL × n,
EFFICIENCY_NOT_ADVANCED × n, EFFICIENCY_BELOW_BASELINE × n, REGION_BEHIND_TARGET,
NATIONAL_MAJOR_EXEMPT, SUBSTITUTION_SHORTFALL, INVENTORY_DISPOSAL_STOP.

Scope: an exempt project (《办法》) is routed ``exempt`` and gets no routing, blocking-efficiency,
regional, substitution or disposal rule; under a version without ``substitution_rules`` (2016)
two-high status is reported but routing is ``standard`` and neither the efficiency-blocking
rules nor the regional/substitution rules of 方案（十二） apply. INVENTORY_DISPOSAL_STOP
(方案（七）) applies under every version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from rules.engine import codes, efficiency, substitution, two_high
from rules.engine.energy import account
from rules.engine.parse import parse_facts
from rules.engine.policy import policy_in_force, select_region_status
from rules.engine.reference import Reference
from rules.engine.tiers import REVIEW_LEVELS, TIER_EXEMPT, tier
from rules.engine.types import (
    Assessment,
    Context,
    EfficiencyResult,
    Facts,
    Finding,
    InventoryEntry,
    PolicyVersion,
    Recommendation,
    RegionStatus,
    Route,
)

_DISPOSALS_WARNING = frozenset({"rectify", "stop"})
_ADVANCED_REQUIRED_FOR = frozenset({"new", "expansion"})

_BASIS = codes.BASIS
_LEVEL_BASIS = _BASIS[codes.EFFICIENCY_LEVEL]
_NOT_ADVANCED_BASIS = _BASIS[codes.EFFICIENCY_NOT_ADVANCED]
_BELOW_BASELINE_BASIS = _BASIS[codes.EFFICIENCY_BELOW_BASELINE]


def _product_params(e: EfficiencyResult) -> tuple[tuple[str, Any], ...]:
    return (
        ("product", e.product),
        ("name_zh", e.name_zh),
        ("unit", e.unit),
        ("unit_energy", e.unit_energy),
        ("benchmark", e.benchmark),
        ("baseline", e.baseline),
        ("level", e.level),
    )


def recommend(exempt: bool, found: frozenset[str]) -> Recommendation:
    """``not_required`` when exempt; ``reject`` on a stop disposal or an efficiency block;
    ``defer`` on a substitution shortfall or pending window guidance; else ``approve``."""
    if exempt:
        return "not_required"
    if not found.isdisjoint(codes.REJECTING):
        return "reject"
    if not found.isdisjoint(codes.DEFERRING):
        return "defer"
    return "approve"


def assess(
    facts: Facts, *, policy: PolicyVersion, context: Context, reference: Reference
) -> Assessment:
    """Assess ``facts`` under ``policy`` with the regional status and inventory of ``context``.

    Pure: no I/O, no clock. ``policy`` is the version in force on ``facts.submitted_on``
    (``policy_in_force``) and ``context.region_status`` the province's row for the submission
    year or the latest earlier one (``select_region_status``).
    """
    energy = account(facts, policy=policy, reference=reference)
    counted = energy.counted_tce
    tier_code = tier(counted, energy.electricity_kwh, policy)
    exempt = tier_code == TIER_EXEMPT
    inventory = context.inventory
    region = context.region_status
    # Rules of the 2021 方案 that apply only to projects that are reviewed.
    fangan = policy.substitution_rules and not exempt

    findings: list[Finding] = []
    add = findings.append

    # 《办法》: tier.
    if exempt:
        tier_params: tuple[tuple[str, Any], ...] = (
            ("counted_tce", counted),
            ("exempt_below_tce", policy.exempt_below_tce),
            ("electricity_kwh", energy.electricity_kwh),
            ("exempt_below_kwh", policy.exempt_below_kwh),
        )
    else:
        tier_params = (("counted_tce", counted), ("threshold_tce", policy.provincial_threshold_tce))
    add(Finding(tier_code, "info", policy.measures_basis, tier_params))

    # 方案（七）: two-high catalogue and inventory.
    two_high_result, catalogue_row = two_high.evaluate(
        facts.industry, facts.energy, inventory, reference
    )
    is_two_high = two_high_result.is_two_high
    if catalogue_row is not None:
        add(
            Finding(
                codes.TWO_HIGH_CATALOGUE,
                "info",
                _BASIS[codes.TWO_HIGH_CATALOGUE],
                (
                    ("industry", facts.industry),
                    ("industry_name", reference.industries.get(facts.industry, "")),
                    ("sector", catalogue_row.sector),
                ),
            )
        )
    if inventory is not None:
        add(
            Finding(
                codes.TWO_HIGH_INVENTORY,
                "warning" if inventory.disposal in _DISPOSALS_WARNING else "info",
                _BASIS[codes.TWO_HIGH_INVENTORY],
                (
                    ("project_code", inventory.project_code),
                    ("status", inventory.status),
                    ("disposal", inventory.disposal),
                ),
            )
        )

    # 方案（七）: routing of two-high projects (versions with the 2021 方案 only).
    route: Route
    if exempt:
        route = "exempt"
    elif is_two_high and policy.substitution_rules:
        guidance = policy.two_high_window_guidance_tce
        params = (("counted_tce", counted), ("threshold_tce", guidance))
        if guidance is not None and counted >= guidance:
            route = "national_window_guidance"
            add(
                Finding(
                    codes.NATIONAL_WINDOW_GUIDANCE,
                    "blocking",
                    _BASIS[codes.NATIONAL_WINDOW_GUIDANCE],
                    params,
                )
            )
        else:
            route = "local_two_high"
            add(Finding(codes.LOCAL_STRICT, "warning", _BASIS[codes.LOCAL_STRICT], params))
    else:
        route = "standard"

    # 1609号 levels; 方案（十二） advanced level for new two-high capacity.
    results = efficiency.evaluate(facts.products, reference)
    per_product = [(e, _product_params(e)) for e in results]
    findings.extend(
        Finding(codes.EFFICIENCY_LEVEL, "info", _LEVEL_BASIS, p, e.product) for e, p in per_product
    )
    if fangan and per_product:
        if is_two_high and facts.construction_type in _ADVANCED_REQUIRED_FOR:
            findings.extend(
                Finding(
                    codes.EFFICIENCY_NOT_ADVANCED, "blocking", _NOT_ADVANCED_BASIS, p, e.product
                )
                for e, p in per_product
                if e.level != "benchmark"
            )
        findings.extend(
            Finding(
                codes.EFFICIENCY_BELOW_BASELINE, "blocking", _BELOW_BASELINE_BASIS, p, e.product
            )
            for e, p in per_product
            if e.level == "below_baseline"
        )

    # 方案（十二）: regions behind target; 方案（六）: national major projects.
    high_energy = two_high.is_high_energy(facts.industry, reference)
    behind = fangan and region is not None and region.behind_basic_target and high_energy
    national_major = fangan and facts.national_major_project
    if behind and region is not None:
        add(
            Finding(
                codes.REGION_BEHIND_TARGET,
                "warning",
                _BASIS[codes.REGION_BEHIND_TARGET],
                (
                    ("province", region.province),
                    ("province_name", reference.province_name(region.province)),
                    ("year", region.year),
                    ("ratio", region.substitution_ratio),
                ),
            )
        )
    if national_major:
        add(Finding(codes.NATIONAL_MAJOR_EXEMPT, "info", _BASIS[codes.NATIONAL_MAJOR_EXEMPT]))
    required = behind and not facts.national_major_project
    sub = substitution.evaluate(
        required=required,
        counted_tce=counted,
        ratio=region.substitution_ratio if region is not None else 1.0,
        sources=facts.substitution_sources,
    )
    if sub.shortfall_tce > 0.0:
        add(
            Finding(
                codes.SUBSTITUTION_SHORTFALL,
                "blocking",
                _BASIS[codes.SUBSTITUTION_SHORTFALL],
                (
                    ("counted_tce", counted),
                    ("ratio", sub.ratio),
                    ("required_tce", sub.required_tce),
                    ("provided_tce", sub.provided_tce),
                    ("shortfall_tce", sub.shortfall_tce),
                ),
            )
        )

    # 方案（七）: the inventory's disposal opinion (every version).
    if not exempt and inventory is not None and inventory.disposal == "stop":
        add(
            Finding(
                codes.INVENTORY_DISPOSAL_STOP,
                "blocking",
                _BASIS[codes.INVENTORY_DISPOSAL_STOP],
                (("disposal", inventory.disposal),),
            )
        )

    found = frozenset(f.code for f in findings)
    return Assessment(
        facts=facts,
        policy=policy,
        energy=energy,
        tier=tier_code,
        review_level=REVIEW_LEVELS[tier_code],
        route=route,
        two_high=two_high_result,
        high_energy=high_energy,
        efficiency=results,
        substitution=sub,
        recommendation=recommend(exempt, found),
        findings=tuple(findings),
        region_status=region,
        codes=found,
    )


def assess_payload(
    payload: Mapping[str, Any],
    *,
    reference: Reference,
    today: date,
    region_statuses: Iterable[RegionStatus] = (),
    inventory: InventoryEntry | None = None,
    policy_versions: Sequence[PolicyVersion] | None = None,
) -> Assessment:
    """Parse, pick the policy in force and the regional status, and assess, in one call.

    Raises :class:`~rules.engine.parse.InvalidFacts`. ``inventory`` is the inventory entry of
    the payload's ``project_code`` (or ``None``); ``region_statuses`` may hold any provinces.
    """
    versions = reference.policy_versions if policy_versions is None else policy_versions
    facts = parse_facts(payload, reference=reference, today=today, policy_versions=versions)
    policy = policy_in_force(versions, facts.submitted_on)
    status = select_region_status(region_statuses, facts.province, facts.submitted_on.year)
    return assess(facts, policy=policy, context=Context(status, inventory), reference=reference)
