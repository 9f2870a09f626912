"""Review tiers of 《办法》 (2016 第五条、第六条; 2023 第八条、第九条).

- ``TIER_EXEMPT_INDUSTRY``: the industry class is on 《不单独进行节能审查的行业目录》
  (发改环资规〔2017〕1975号), or the ``project_type`` is a kind of project that list names.
- ``TIER_EXEMPT``: otherwise ``review_tce`` < ``exempt_below_tce`` AND ``electricity_kwh`` <
  ``exempt_below_kwh`` (exactly 1,000 tce or exactly 5,000,000 kWh is not exempt).
- ``TIER_PROVINCIAL``: ``review_tce`` ≥ ``provincial_threshold_tce`` (5,000; 10,000 from
  2023-06-01).
- ``TIER_DELEGATED``: otherwise, reviewed at the level the province delegates.

The tier uses the gross figure (``review_tce``), never one netted of renewable power or
feedstock: those leave only the region's count (contract version 2, change 1).
"""

from __future__ import annotations

from typing import Final

from rules.engine.types import PolicyVersion, ReviewLevel

TIER_EXEMPT_INDUSTRY: Final = "TIER_EXEMPT_INDUSTRY"
TIER_EXEMPT: Final = "TIER_EXEMPT"
TIER_PROVINCIAL: Final = "TIER_PROVINCIAL"
TIER_DELEGATED: Final = "TIER_DELEGATED"

EXEMPT_TIERS: Final = frozenset({TIER_EXEMPT_INDUSTRY, TIER_EXEMPT})

REVIEW_LEVELS: Final[dict[str, ReviewLevel]] = {
    TIER_EXEMPT_INDUSTRY: "none",
    TIER_EXEMPT: "none",
    TIER_PROVINCIAL: "provincial",
    TIER_DELEGATED: "delegated",
}


def tier(
    review_tce: float,
    electricity_kwh: float,
    policy: PolicyVersion,
    *,
    exempt_listed: bool = False,
) -> str:
    """The tier code for a project's review figure and electricity (``exempt_listed``: its
    industry or project type is on the exempt list)."""
    if exempt_listed:
        return TIER_EXEMPT_INDUSTRY
    if review_tce < policy.exempt_below_tce and electricity_kwh < policy.exempt_below_kwh:
        return TIER_EXEMPT
    if review_tce >= policy.provincial_threshold_tce:
        return TIER_PROVINCIAL
    return TIER_DELEGATED
