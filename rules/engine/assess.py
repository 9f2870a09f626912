"""``assess(facts, policy, context) -> Assessment``: the rules of contract version 2, composed.

Findings come in the order of the contract's rules table (``codes.ALL_CODES``); per-product
findings keep the input order within their code.

Scope (contract, "Scope"): an exempt project (either exempt code) is routed ``exempt`` and gets
no routing, efficiency-blocking, regional, relief, substitution, suspension, coal or disposal
rule; ``EFFICIENCY_LEVEL`` and the two data checks apply to every project. Under a version
without ``substitution_rules`` (2016) two-high status is reported, the route is ``standard``,
and neither the efficiency rules beyond the level nor the regional rules of 方案（六）（十二）
nor the suspension apply; coal substitution follows its own dates in every version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from rules.engine import citations, codes, efficiency, substitution, two_high
from rules.engine.energy import account
from rules.engine.parse import parse_facts
from rules.engine.policy import policy_in_force, select_region_status
from rules.engine.reference import Reference
from rules.engine.regional import coal_substitution_row
from rules.engine.tiers import EXEMPT_TIERS, REVIEW_LEVELS, TIER_EXEMPT_INDUSTRY, tier
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

_ADVANCED_STRIVE_FOR = frozenset({"new", "expansion"})
_BENCHMARK_BINDS = frozenset({"new", "expansion", "renovation"})
_BALANCE_MARGIN = 1.05
_BALANCE_SLACK_TCE = 1.0

Params = tuple[tuple[str, Any], ...]


def _finding(code: str, basis: str, params: Params = (), product: str | None = None) -> Finding:
    return Finding(code, codes.SEVERITIES[code], basis, params, product)  # type: ignore[arg-type]


def _product_params(e: EfficiencyResult) -> Params:
    return (
        ("product", e.product),
        ("name_zh", e.name_zh),
        ("unit", e.unit),
        ("unit_energy", e.unit_energy),
        ("benchmark", e.benchmark),
        ("baseline", e.baseline),
        ("level", e.level),
        ("edition", e.edition or ""),
    )


def recommend(exempt: bool, found: frozenset[str]) -> Recommendation:
    """``not_required`` when exempt; ``reject`` on a stop disposal, a product below the baseline
    or a binding benchmark missed; ``defer`` on a substitution shortfall, a suspension or pending
    window guidance; else ``approve``. Warnings never change it."""
    if exempt:
        return "not_required"
    if not found.isdisjoint(codes.REJECTING):
        return "reject"
    if not found.isdisjoint(codes.DEFERRING):
        return "defer"
    return "approve"


def _exempt_listing(facts: Facts, reference: Reference, edition: str) -> tuple[Params, str] | None:
    """The exempt-list entry of the industry or project type, as (params, basis), if any."""
    article = citations.measures_exemption(edition)
    row = reference.exempt_industries.get(facts.industry)
    if row is not None:
        params: Params = (
            ("list_name", f"{row.name_zh}（{row.code}）"),
            ("list_item", row.list_item),
            ("industry", row.code),
        )
        return params, citations.join(article, row.basis)
    kind = reference.exempt_project_types.get(facts.project_type) if facts.project_type else None
    if kind is not None:
        params = (
            ("list_name", kind.name_zh),
            ("list_item", kind.name_zh),
            ("project_type", kind.type),
        )
        return params, citations.join(article, kind.basis)
    return None


def _efficiency_findings(
    facts: Facts, results: Sequence[EfficiencyResult], *, is_two_high: bool, fangan: bool
) -> list[Finding]:
    """EFFICIENCY_LEVEL for each product with a benchmark in force; with the 2021 方案, the
    striving (力争, warning), binding (blocking) and baseline (blocking) rules."""
    out: list[Finding] = []
    kind = facts.construction_type
    for e in results:
        if e.level == "no_benchmark":
            continue
        params = _product_params(e)
        out.append(_finding(codes.EFFICIENCY_LEVEL, e.source, params, e.product))
        if not fangan:
            continue
        if is_two_high and e.level != "benchmark":
            if e.mandatory and kind in _BENCHMARK_BINDS:
                out.append(
                    _finding(
                        codes.EFFICIENCY_BENCHMARK_REQUIRED,
                        e.mandatory_basis or e.source,
                        (*params, ("mandatory_from", e.mandatory_from)),
                        e.product,
                    )
                )
            elif not e.mandatory and kind in _ADVANCED_STRIVE_FOR:
                out.append(
                    _finding(
                        codes.EFFICIENCY_NOT_ADVANCED,
                        citations.join(e.source, citations.fangan("十二")),
                        params,
                        e.product,
                    )
                )
        if e.level == "below_baseline":
            out.append(
                _finding(
                    codes.EFFICIENCY_BELOW_BASELINE,
                    citations.join(e.source, "相应产品单位产品能源消耗限额强制性国家标准"),
                    params,
                    e.product,
                )
            )
    return out


def _data_checks(
    facts: Facts, results: Sequence[EfficiencyResult], equivalent_tce: float, reference: Reference
) -> list[Finding]:
    """ENERGY_BALANCE_INCONSISTENT (GB/T 2589-2020) and PRODUCT_INDUSTRY_MISMATCH (1609号)."""
    out: list[Finding] = []
    declared = efficiency.declared_product_tce(results)
    if declared > equivalent_tce * _BALANCE_MARGIN + _BALANCE_SLACK_TCE:
        out.append(
            _finding(
                codes.ENERGY_BALANCE_INCONSISTENT,
                citations.GBT_2589,
                (("declared_tce", declared), ("equivalent_tce", equivalent_tce)),
            )
        )
    for e in results:
        if e.industries and facts.industry not in e.industries:
            out.append(
                _finding(
                    codes.PRODUCT_INDUSTRY_MISMATCH,
                    e.source or citations.BENCHMARKS_2021,
                    (
                        ("product", e.product),
                        ("name_zh", e.name_zh),
                        ("industries", "、".join(e.industries)),
                        ("industry", facts.industry),
                    ),
                    e.product,
                )
            )
    return out


def _region_params(region: RegionStatus, reference: Reference) -> Params:
    return (
        ("province", region.province),
        ("province_name", reference.province_name(region.province)),
        ("year", region.year),
        ("ratio", region.substitution_ratio),
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
    listing = _exempt_listing(facts, reference, edition)
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
        add(_finding(tier_code, listing[1], listing[0]))
    elif exempt:
        add(
            _finding(
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
            _finding(
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
            _finding(
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
            _finding(
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
            add(_finding(codes.NATIONAL_WINDOW_GUIDANCE, citations.fangan("七"), params))
        else:
            route = "local_two_high"
            add(_finding(codes.LOCAL_STRICT, citations.fangan("七"), params))
    else:
        route = "standard"

    # Benchmark editions: levels, striving and binding benchmarks, the baseline; data checks.
    results = efficiency.evaluate(facts.products, reference, on)
    findings.extend(_efficiency_findings(facts, results, is_two_high=is_two_high, fangan=fangan))
    findings.extend(_data_checks(facts, results, energy.equivalent_tce, reference))

    # 方案（十二）: regions behind target; 方案（六）: national major projects; 629号: suspension.
    high_energy = two_high.is_high_energy(facts.industry, reference)
    behind = fangan and region is not None and region.behind_basic_target and high_energy
    if behind and region is not None:
        add(
            _finding(
                codes.REGION_BEHIND_TARGET,
                citations.fangan("十二"),
                _region_params(region, reference),
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
            _finding(
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
            _finding(
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
            _finding(
                codes.REGION_TWO_HIGH_SUSPENDED,
                citations.BAROMETER_629,
                _region_params(region, reference),
            )
        )

    # 国发〔2018〕22号 / 国发〔2023〕24号: coal substitution in the key regions (every version).
    if not exempt and two_high.burns_coal(facts.energy, reference):
        coal_row = coal_substitution_row(facts.region, facts.construction_type, on, reference)
        if coal_row is not None:
            add(
                _finding(
                    codes.COAL_SUBSTITUTION_REQUIRED,
                    coal_row.basis,
                    (("area", coal_row.name_zh), ("area_code", coal_row.code)),
                )
            )

    # 方案（七）: the inventory's disposal opinion (every version).
    if not exempt and inventory is not None and inventory.disposal == "stop":
        add(
            _finding(
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
