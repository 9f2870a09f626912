"""Review tiers of 《办法》: exempt, provincial, or the level the province delegates.

- ``TIER_EXEMPT``: counted < ``exempt_below_tce`` AND electricity < ``exempt_below_kwh``
  (so exactly 1,000 tce or exactly 5,000,000 kWh is not exempt).
- ``TIER_PROVINCIAL``: counted ≥ ``provincial_threshold_tce`` (5,000 under the 2016 and 2021
  versions; 10,000 under 《办法》(2023)).
- ``TIER_DELEGATED``: otherwise.
"""

from __future__ import annotations

from typing import Final

from rules.engine.types import PolicyVersion, ReviewLevel

TIER_EXEMPT: Final = "TIER_EXEMPT"
TIER_PROVINCIAL: Final = "TIER_PROVINCIAL"
TIER_DELEGATED: Final = "TIER_DELEGATED"

REVIEW_LEVELS: Final[dict[str, ReviewLevel]] = {
    TIER_EXEMPT: "none",
    TIER_PROVINCIAL: "provincial",
    TIER_DELEGATED: "delegated",
}


def tier(counted_tce: float, electricity_kwh: float, policy: PolicyVersion) -> str:
    """The tier code for a project's counted consumption and electricity."""
    if counted_tce < policy.exempt_below_tce and electricity_kwh < policy.exempt_below_kwh:
        return TIER_EXEMPT
    if counted_tce >= policy.provincial_threshold_tce:
        return TIER_PROVINCIAL
    return TIER_DELEGATED
