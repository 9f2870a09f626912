"""The policy engine: project facts in, assessment out. Pure Python, no Django.

Typical use (the caller reads policy versions, regional status and the inventory)::

    ref = load_reference()
    facts = parse_facts(payload, reference=ref, today=date.today())
    policy = policy_in_force(ref.policy_versions, facts.submitted_on)
    status = select_region_status(statuses, facts.province, facts.submitted_on.year)
    result = assess(facts, policy=policy, context=Context(status, inventory), reference=ref)
    result.as_dict(lang="zh")
"""

from rules.engine.assess import assess, assess_payload
from rules.engine.messages import ErrorMessage
from rules.engine.parse import InvalidFacts, facts_to_payload, parse_facts
from rules.engine.policy import policy_in_force, select_region_status
from rules.engine.reference import Reference, load_reference
from rules.engine.types import (
    Assessment,
    Benchmark,
    CatalogueRow,
    Context,
    EfficiencyResult,
    EnergyAccount,
    EnergyLine,
    EnergyType,
    Facts,
    Finding,
    InventoryEntry,
    PolicyVersion,
    ProductLine,
    RegionStatus,
    SubstitutionResult,
    SubstitutionSource,
    TwoHighResult,
    Unit,
)

__all__ = [
    "Assessment",
    "Benchmark",
    "CatalogueRow",
    "Context",
    "EfficiencyResult",
    "EnergyAccount",
    "EnergyLine",
    "EnergyType",
    "ErrorMessage",
    "Facts",
    "Finding",
    "InvalidFacts",
    "InventoryEntry",
    "PolicyVersion",
    "ProductLine",
    "Reference",
    "RegionStatus",
    "SubstitutionResult",
    "SubstitutionSource",
    "TwoHighResult",
    "Unit",
    "assess",
    "assess_payload",
    "facts_to_payload",
    "load_reference",
    "parse_facts",
    "policy_in_force",
    "select_region_status",
]
