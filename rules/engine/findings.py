"""The findings of the rules that take more than a line to state, for :func:`assess`: a finding
with its code's severity, the exempt-list entry, the efficiency rules of the benchmark editions
and the 2021 方案, the two data checks, a region's parameters, and the recommendation the
findings lead to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rules.engine import citations, codes, efficiency
from rules.engine.reference import Reference
from rules.engine.types import EfficiencyResult, Facts, Finding, Recommendation, RegionStatus

_ADVANCED_STRIVE_FOR = frozenset({"new", "expansion"})
_BENCHMARK_BINDS = frozenset({"new", "expansion", "renovation"})
_BALANCE_MARGIN = 1.05
_BALANCE_SLACK_TCE = 1.0

Params = tuple[tuple[str, Any], ...]


def finding(code: str, basis: str, params: Params = (), product: str | None = None) -> Finding:
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


def exempt_listing(facts: Facts, reference: Reference, edition: str) -> tuple[Params, str] | None:
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


def efficiency_findings(
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
        out.append(finding(codes.EFFICIENCY_LEVEL, e.source, params, e.product))
        if not fangan:
            continue
        if is_two_high and e.level != "benchmark":
            if e.mandatory and kind in _BENCHMARK_BINDS:
                out.append(
                    finding(
                        codes.EFFICIENCY_BENCHMARK_REQUIRED,
                        e.mandatory_basis or e.source,
                        (*params, ("mandatory_from", e.mandatory_from)),
                        e.product,
                    )
                )
            elif not e.mandatory and kind in _ADVANCED_STRIVE_FOR:
                out.append(
                    finding(
                        codes.EFFICIENCY_NOT_ADVANCED,
                        citations.join(e.source, citations.fangan("十二")),
                        params,
                        e.product,
                    )
                )
        if e.level == "below_baseline":
            out.append(
                finding(
                    codes.EFFICIENCY_BELOW_BASELINE,
                    citations.join(e.source, "相应产品单位产品能源消耗限额强制性国家标准"),
                    params,
                    e.product,
                )
            )
    return out


def data_checks(
    facts: Facts, results: Sequence[EfficiencyResult], equivalent_tce: float, reference: Reference
) -> list[Finding]:
    """ENERGY_BALANCE_INCONSISTENT (GB/T 2589-2020) and PRODUCT_INDUSTRY_MISMATCH (1609号)."""
    out: list[Finding] = []
    declared = efficiency.declared_product_tce(results)
    if declared > equivalent_tce * _BALANCE_MARGIN + _BALANCE_SLACK_TCE:
        out.append(
            finding(
                codes.ENERGY_BALANCE_INCONSISTENT,
                citations.GBT_2589,
                (("declared_tce", declared), ("equivalent_tce", equivalent_tce)),
            )
        )
    for e in results:
        if e.industries and facts.industry not in e.industries:
            out.append(
                finding(
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


def region_params(region: RegionStatus, reference: Reference) -> Params:
    return (
        ("province", region.province),
        ("province_name", reference.province_name(region.province)),
        ("year", region.year),
        ("ratio", region.substitution_ratio),
    )
