"""``assess(facts, policy, context) -> Assessment``: the rules of contract version 2, composed.

Findings come in the order of the contract's rules table (``codes.ALL_CODES``); per-product
findings keep the input order within their code.

Scope (contract, "Scope"): an exempt project (either exempt code) is routed ``exempt`` and gets
no routing, efficiency-blocking, regional, relief, substitution, suspension, coal or disposal
rule; ``EFFICIENCY_LEVEL`` and the two data checks apply to every project. Under a version
without ``substitution_rules`` (2016) two-high status is reported, the route is ``standard``,
and neither the efficiency rules beyond the level nor the regional rules of 方案（六）（十二）
nor the suspension apply; coal substitution follows its own dates in every version.
The findings that take more than a line, and the recommendation, are built in
:mod:`rules.engine.findings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from rules.engine import citations, codes, efficiency, substitution, two_high
from rules.engine.energy import account
from rules.engine.findings import (
    Params,
    data_checks,
    efficiency_findings,
    exempt_listing,
    finding,
    recommend,
    region_params,
)
from rules.engine.parse import parse_facts
from rules.engine.policy import policy_in_force, select_region_status
from rules.engine.reference import Reference
from rules.engine.regional import coal_substitution_row
from rules.engine.tiers import EXEMPT_TIERS, REVIEW_LEVELS, TIER_EXEMPT_INDUSTRY, tier
from rules.engine.types import (
    Assessment,
    Context,
    Facts,
    Finding,
    InventoryEntry,
    PolicyVersion,
    RegionStatus,
    Route,
)


def assess(
    facts: Facts, *, policy: PolicyVersion, context: Context, reference: Reference
) -> Assessment:
    """Assess ``facts`` under ``policy`` with the regional status and inventory of ``context``.

    Pure: no I/O, no clock. ``policy`` is the version in force on ``facts.submitted_on``
    (``policy_in_force``) and ``context.region_status`` the province's row for the submission
    year or the latest earlier one (``select_region_status``).
    """
    energy = account(facts, policy=policy, reference=reference)
    edition = policy.measures_edition
    listing = exempt_listing(facts, reference, edition)
    tier_code = tier(
        energy.review_tce, energy.electricity_kwh, policy, exempt_listed=listing is not None
    )
    exempt = tier_code in EXEMPT_TIERS
    inventory = context.inventory
    region = context.region_status
    # Rules of the 2021 方案 (and later texts) that apply only to projects that are reviewed.
    fangan = policy.substitution_rules and not exempt
    on = facts.submitted_on

    findings: list[Finding] = []
    add = findings.append

    # 《办法》: tier (review figure) or the exempt list.
    if tier_code == TIER_EXEMPT_INDUSTRY and listing is not None:
        add(finding(tier_code, listing[1], listing[0]))
    elif exempt:
        add(
            finding(
                tier_code,
                citations.measures_exemption(edition),
                (
                    ("review_tce", energy.review_tce),
                    ("exempt_below_tce", policy.exempt_below_tce),
                    ("electricity_kwh", energy.electricity_kwh),
                    ("exempt_below_kwh", policy.exempt_below_kwh),
                ),
            )
        )
    else:
        add(
            finding(
                tier_code,
                citations.measures_tier(edition),
                (
                    ("review_tce", energy.review_tce),
                    ("threshold_tce", policy.provincial_threshold_tce),
                ),
            )
        )

    # 方案（七）: two-high catalogue and inventory.
    two_high_result, catalogue_row = two_high.evaluate(
        facts.industry, facts.energy, inventory, reference
    )
    is_two_high = two_high_result.is_two_high
    if catalogue_row is not None:
        add(
            finding(
                codes.TWO_HIGH_CATALOGUE,
                citations.fangan("七"),
                (
                    ("industry", facts.industry),
                    ("industry_name", reference.industries.get(facts.industry, "")),
                    ("sector", catalogue_row.sector),
                ),
            )
        )
    if inventory is not None:
        add(
            finding(
                codes.TWO_HIGH_INVENTORY,
                citations.fangan("七"),
                (
                    ("project_code", inventory.project_code),
                    ("status", inventory.status),
                    ("disposal", inventory.disposal),
                ),
            )
        )

    # 方案（七）: routing of two-high projects on the new figure (versions with the 方案 only).
    route: Route
    if exempt:
        route = "exempt"
    elif is_two_high and policy.substitution_rules:
        guidance = policy.two_high_window_guidance_tce
        params: Params = (("new_tce", energy.new_tce), ("threshold_tce", guidance))
        if guidance is not None and energy.new_tce >= guidance:
            route = "national_window_guidance"
            add(finding(codes.NATIONAL_WINDOW_GUIDANCE, citations.fangan("七"), params))
        else:
            route = "local_two_high"
            add(finding(codes.LOCAL_STRICT, citations.fangan("七"), params))
    else:
        route = "standard"

    # Benchmark editions: levels, striving and binding benchmarks, the baseline; data checks.
    results = efficiency.evaluate(facts.products, reference, on)
    findings.extend(efficiency_findings(facts, results, is_two_high=is_two_high, fangan=fangan))
    findings.extend(data_checks(facts, results, energy.equivalent_tce, reference))

    # 方案（十二）: regions behind target; 方案（六）: national major projects; 629号: suspension.
    high_energy = two_high.is_high_energy(facts.industry, reference)
    behind = fangan and region is not None and region.behind_basic_target and high_energy
    if behind and region is not None:
        add(
            finding(
                codes.REGION_BEHIND_TARGET,
                citations.fangan("十二"),
                region_params(region, reference),
            )
        )
    sub = substitution.evaluate(
        required=behind,
        counted_tce=energy.counted_tce,
        ratio=region.substitution_ratio if region is not None else 1.0,
        sources=facts.substitution_sources,
    )
    if sub.shortfall_tce > 0.0:
        add(
            finding(
                codes.SUBSTITUTION_SHORTFALL,
                citations.fangan("十二"),
                (
                    ("counted_tce", energy.counted_tce),
                    ("ratio", sub.ratio),
                    ("required_tce", sub.required_tce),
                    ("provided_tce", sub.provided_tce),
                    ("shortfall_tce", sub.shortfall_tce),
                ),
            )
        )
    if fangan and facts.national_major_project:
        add(
            finding(
                codes.NATIONAL_MAJOR_RELIEF,
                citations.join(citations.fangan("六"), facts.national_major_document),
                (
                    ("document", facts.national_major_document),
                    ("share_pct", facts.national_major_relief_share * 100.0),
                    ("before_tce", energy.counted_before_relief_tce),
                    ("counted_tce", energy.counted_tce),
                ),
            )
        )
    if (
        fangan
        and is_two_high
        and not facts.national_major_project
        and region is not None
        and region.two_high_suspended
    ):
        add(
            finding(
                codes.REGION_TWO_HIGH_SUSPENDED,
                citations.BAROMETER_629,
                region_params(region, reference),
            )
        )

    # 国发〔2018〕22号 / 国发〔2023〕24号: coal substitution in the key regions (every version).
    if not exempt and two_high.burns_coal(facts.energy, reference):
        coal_row = coal_substitution_row(facts.region, facts.construction_type, on, reference)
        if coal_row is not None:
            add(
                finding(
                    codes.COAL_SUBSTITUTION_REQUIRED,
                    coal_row.basis,
                    (("area", coal_row.name_zh), ("area_code", coal_row.code)),
                )
            )

    # 方案（七）: the inventory's disposal opinion (every version).
    if not exempt and inventory is not None and inventory.disposal == "stop":
        add(
            finding(
                codes.INVENTORY_DISPOSAL_STOP,
                citations.fangan("七"),
                (("disposal", inventory.disposal),),
            )
        )

    ordered = tuple(sorted(findings, key=lambda f: codes.ORDER[f.code]))
    found = frozenset(f.code for f in ordered)
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
        findings=ordered,
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
