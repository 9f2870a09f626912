"""Values in and out of the engine: the assessment's results, the literal types and the
contract's constants; the inputs and the reference rows are re-exported from their modules.

Inputs (:mod:`rules.engine.inputs`): :class:`Facts` (what the applicant proposes),
:class:`PolicyVersion` (the parameters in force, ``rules/data/policy_versions.csv``),
:class:`Context` (regional status and the two-high inventory entry, read by the caller).
Output: :class:`Assessment`, whose ``as_dict()`` is the JSON of the assessment contract.
"""

from __future__ import annotations

from typing import Any, Final, Literal, NamedTuple

from rules.engine.inputs import (  # noqa: F401  (re-exported: the engine's types in one place)
    Context,
    EnergyLine,
    Facts,
    InventoryEntry,
    PolicyVersion,
    ProductLine,
    RegionStatus,
    SubstitutionSource,
)
from rules.engine.messages import render_finding
from rules.engine.rows import (  # noqa: F401  (re-exported: the engine's types in one place)
    Benchmark,
    CatalogueRow,
    CoalRegion,
    EnergyType,
    ExemptIndustry,
    ExemptProjectType,
    Unit,
)

Severity = Literal["info", "warning", "blocking"]
ConstructionType = Literal["new", "expansion", "renovation"]
ReviewLevel = Literal["none", "delegated", "provincial"]
Route = Literal["exempt", "standard", "local_two_high", "national_window_guidance"]
Recommendation = Literal["approve", "defer", "reject", "not_required"]
EfficiencyLevel = Literal["benchmark", "baseline", "below_baseline", "no_benchmark"]

CONTRACT_VERSION: Final = 2
"""The version of the assessment contract this engine implements (shared/spec)."""

CONSTRUCTION_TYPES: Final = ("new", "expansion", "renovation")
INVENTORY_STATUSES: Final = ("in_construction", "planned", "existing")
DISPOSALS: Final = ("continue", "rectify", "stop")


# --------------------------------------------------------------------------------------------
# Results: immutable named tuples (cheaper to build than frozen dataclasses, on the hot path)
# --------------------------------------------------------------------------------------------
class EnergyLineAccount(NamedTuple):
    """One ``energy`` line as counted (for the report and the PDF)."""

    type: str
    quantity: float
    unit: str
    equivalent_tce: float
    equal_value_tce: float


class EnergyAccount(NamedTuple):
    """Annual comprehensive energy consumption, full precision (rounded only in ``as_dict``).

    ``review_tce`` is the figure the tier and the exemption use, ``new_tce`` (新增能耗) the one
    window guidance uses, ``counted_tce`` (计入能耗双控) the one substitution and budgets use.
    """

    equivalent_tce: float
    equal_value_tce: float
    counted_tce: float
    electricity_kwh: float
    baseline_tce: float = 0.0
    review_tce: float = 0.0
    new_tce: float = 0.0
    renewable_tce: float = 0.0
    feedstock_tce: float = 0.0
    on_increment: bool = False
    exported_tce: float = 0.0
    lines: tuple[EnergyLineAccount, ...] = ()
    exported_lines: tuple[EnergyLineAccount, ...] = ()
    counted_before_relief_tce: float = 0.0


class TwoHighResult(NamedTuple):
    is_two_high: bool
    sector: str | None
    basis: tuple[str, ...]
    inventory: InventoryEntry | None


class EfficiencyResult(NamedTuple):
    product: str
    name_zh: str
    unit: str
    unit_energy: float
    level: EfficiencyLevel
    benchmark: float | None
    baseline: float | None
    edition: str | None = None
    mandatory: bool = False
    annual_output: float = 0.0
    industries: tuple[str, ...] = ()
    source: str = ""
    mandatory_basis: str = ""
    output_unit: str = ""
    mandatory_from: str = ""


class SubstitutionResult(NamedTuple):
    required: bool
    ratio: float | None
    required_tce: float
    provided_tce: float
    shortfall_tce: float


class Finding(NamedTuple):
    """A rule's outcome. The message is rendered on demand from ``messages.FINDINGS``."""

    code: str
    severity: Severity
    basis: str
    params: tuple[tuple[str, Any], ...] = ()
    product: str | None = None

    def message(self, lang: str = "zh") -> str:
        return render_finding(self.code, dict(self.params), lang)

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "basis": self.basis,
        }
        if self.product is not None:
            out["product"] = self.product
        return out


def _tce(value: float) -> float:
    """Display rounding of tonnes of standard coal: 2 decimals, never ``-0.0``."""
    return round(value, 2) + 0.0


class Assessment(NamedTuple):
    """The engine's verdict on one set of facts under one policy version."""

    facts: Facts
    policy: PolicyVersion
    energy: EnergyAccount
    tier: str
    review_level: ReviewLevel
    route: Route
    two_high: TwoHighResult
    high_energy: bool
    efficiency: tuple[EfficiencyResult, ...]
    substitution: SubstitutionResult
    recommendation: Recommendation
    findings: tuple[Finding, ...]
    region_status: RegionStatus | None = None
    codes: frozenset[str] = frozenset()

    @property
    def policy_version(self) -> str:
        return self.policy.version

    @property
    def review_required(self) -> bool:
        return self.review_level != "none"

    @property
    def counted_tce(self) -> float:
        return self.energy.counted_tce

    def has(self, code: str) -> bool:
        return code in self.codes

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The contract's output JSON (version 2); tce rounded to 2 decimals here and only here."""
        energy = self.energy
        two_high = self.two_high
        inventory = two_high.inventory
        sub = self.substitution
        policy = self.policy
        region = self.region_status
        facts = self.facts
        return {
            "contract_version": CONTRACT_VERSION,
            "policy_version": policy.version,
            "energy": {
                "equivalent_tce": _tce(energy.equivalent_tce),
                "equal_value_tce": _tce(energy.equal_value_tce),
                "baseline_tce": _tce(energy.baseline_tce),
                "review_tce": _tce(energy.review_tce),
                "new_tce": _tce(energy.new_tce),
                "counted_tce": _tce(energy.counted_tce),
                "renewable_tce": _tce(energy.renewable_tce),
                "feedstock_tce": _tce(energy.feedstock_tce),
                "electricity_kwh": float(energy.electricity_kwh),
                "on_increment": energy.on_increment,
                "exported_tce": _tce(energy.exported_tce),
                "lines": [_line_dict(line) for line in energy.lines],
                "exported_lines": [_line_dict(line) for line in energy.exported_lines],
            },
            "review_required": self.review_required,
            "review_level": self.review_level,
            "two_high": {
                "is_two_high": two_high.is_two_high,
                "sector": two_high.sector,
                "basis": list(two_high.basis),
                "inventory": None
                if inventory is None
                else {
                    "status": inventory.status,
                    "disposal": inventory.disposal,
                    "annual_tce": None
                    if inventory.annual_tce is None
                    else _tce(inventory.annual_tce),
                },
            },
            "high_energy": self.high_energy,
            "route": self.route,
            "efficiency": [
                {
                    "product": e.product,
                    "unit_energy": e.unit_energy,
                    "level": e.level,
                    "benchmark": e.benchmark,
                    "baseline": e.baseline,
                    "edition": e.edition,
                    "mandatory": e.mandatory,
                    "unit": e.unit,
                    "name_zh": e.name_zh,
                    "annual_output": e.annual_output,
                }
                for e in self.efficiency
            ],
            "substitution": {
                "required": sub.required,
                "ratio": sub.ratio,
                "required_tce": _tce(sub.required_tce),
                "provided_tce": _tce(sub.provided_tce),
                "shortfall_tce": _tce(sub.shortfall_tce),
            },
            "recommendation": self.recommendation,
            "findings": [f.as_dict(lang) for f in self.findings],
            "project_code": facts.project_code,
            "region": facts.region,
            "province": facts.province,
            "industry": facts.industry,
            "construction_type": facts.construction_type,
            "project_type": facts.project_type,
            "submitted_on": facts.submitted_on.isoformat(),
            "tier": self.tier,
            "policy": {
                "version": policy.version,
                "effective_from": policy.effective_from.isoformat(),
                "provincial_threshold_tce": policy.provincial_threshold_tce,
                "exempt_below_tce": policy.exempt_below_tce,
                "exempt_below_kwh": policy.exempt_below_kwh,
                "two_high_window_guidance_tce": policy.two_high_window_guidance_tce,
                "substitution_rules": policy.substitution_rules,
                "increment_basis": policy.increment_basis,
                "regional_deducts_renewable": policy.regional_deducts_renewable,
                "regional_deducts_feedstock": policy.regional_deducts_feedstock,
                "equal_value_kgce_per_kwh": policy.equal_value_kgce_per_kwh,
                "measures_edition": policy.measures_edition,
                "basis": policy.basis,
            },
            "region_status": None
            if region is None
            else {
                "province": region.province,
                "year": region.year,
                "basic_target_pct": region.basic_target_pct,
                "incentive_target_pct": region.incentive_target_pct,
                "progress_pct": region.progress_pct,
                "behind_basic_target": region.behind_basic_target,
                "substitution_ratio": region.substitution_ratio,
                "warning_level": region.warning_level,
                "two_high_suspended": region.two_high_suspended,
            },
        }


def _line_dict(line: EnergyLineAccount) -> dict[str, Any]:
    return {
        "type": line.type,
        "quantity": line.quantity,
        "unit": line.unit,
        "equivalent_tce": _tce(line.equivalent_tce),
        "equal_value_tce": _tce(line.equal_value_tce),
    }
