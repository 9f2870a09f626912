"""Reads for the authority-wide pages: energy budgets, the barometer and the overview.

Every function here makes a constant number of queries whatever the number of cases (the
overview is asserted at 3 and 20 cases). Figures are scoped by jurisdiction: a provincial
reviewer sees his province, national reviewers and admins see every province
(:func:`authority_scope_for`).

The package, by concern: ``common`` (case-state groups, route and recommendation labels,
provinces, the reader's :class:`AuthorityScope`), ``budgets`` (energy budgets and what approved
cases drew from them), ``barometer`` (the regional warning barometer), ``overview`` (the
overview tables and headline counts), ``policy_versions``. Callers import from
``rules.selectors``, which re-exports every name.
"""

from __future__ import annotations

from .barometer import (
    BarometerTile,
    barometer_counts,
    barometer_default_year,
    barometer_table,
    barometer_tiles,
    barometer_years,
)
from .budgets import (
    BudgetStatus,
    _approved_in,
    _authority_status,
    _own_budget_authorities,
    budget_remaining,
    budget_statuses,
    budget_table,
    budget_would_exceed,
)
from .common import (
    CLOCK_STATES,
    OPEN_STATES,
    PROVINCES_CSV,
    RECOMMENDATION_LABELS,
    REVIEW_LEVEL_LABELS,
    ROUTE_LABELS,
    AuthorityScope,
    Province,
    _label,
    authority_scope_for,
    province_name,
    provinces,
    provinces_mainland,
)
from .overview import (
    OVERDUE_EXPORT_MAX,
    OVERDUE_TOP,
    OVERVIEW_TABLES,
    OverviewBuilder,
    _two_high_rows,
    overview_budgets,
    overview_overdue,
    overview_recommendations,
    overview_routes,
    overview_states,
    overview_summary,
    overview_tables,
    overview_trend,
    overview_two_high,
    overview_two_high_snapshot,
    overview_year,
)
from .policy_versions import policy_version_latest_published, policy_version_list

__all__ = [
    "AuthorityScope",
    "BarometerTile",
    "BudgetStatus",
    "CLOCK_STATES",
    "OPEN_STATES",
    "OVERDUE_EXPORT_MAX",
    "OVERDUE_TOP",
    "OVERVIEW_TABLES",
    "OverviewBuilder",
    "PROVINCES_CSV",
    "Province",
    "RECOMMENDATION_LABELS",
    "REVIEW_LEVEL_LABELS",
    "ROUTE_LABELS",
    "_approved_in",
    "_authority_status",
    "_label",
    "_own_budget_authorities",
    "_two_high_rows",
    "authority_scope_for",
    "barometer_counts",
    "barometer_default_year",
    "barometer_table",
    "barometer_tiles",
    "barometer_years",
    "budget_remaining",
    "budget_statuses",
    "budget_table",
    "budget_would_exceed",
    "overview_budgets",
    "overview_overdue",
    "overview_recommendations",
    "overview_routes",
    "overview_states",
    "overview_summary",
    "overview_tables",
    "overview_trend",
    "overview_two_high",
    "overview_two_high_snapshot",
    "overview_year",
    "policy_version_latest_published",
    "policy_version_list",
    "province_name",
    "provinces",
    "provinces_mainland",
]
