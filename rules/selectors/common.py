"""What every authority-wide read builds on: the case-state groups (open, clock running), the
words for routes, review levels and recommendations, the provinces of ``rules/data/provinces.csv``,
and the reader's :class:`AuthorityScope` (:func:`authority_scope_for`).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from review.models import CaseState, ReviewCase

PROVINCES_CSV = Path(__file__).resolve().parent.parent / "data" / "provinces.csv"

# Cases still before the authority (a preview re-assesses these; the overview counts them).
OPEN_STATES: tuple[str, ...] = (
    CaseState.SUBMITTED,
    CaseState.ACCEPTED,
    CaseState.UNDER_REVIEW,
    CaseState.AWAITING_GUIDANCE,
    CaseState.DEFERRED,
    CaseState.RETURNED,
)
# States in which the authority's own clock runs: past the deadline here means overdue.
CLOCK_STATES: tuple[str, ...] = (CaseState.SUBMITTED, CaseState.ACCEPTED, CaseState.UNDER_REVIEW)

ROUTE_LABELS = {
    "exempt": gettext_lazy("无需单独审查"),
    "standard": gettext_lazy("常规审查"),
    "local_two_high": gettext_lazy("两高项目·地方严格管理"),
    "national_window_guidance": gettext_lazy("两高项目·国家窗口指导"),
}
REVIEW_LEVEL_LABELS = {
    "none": gettext_lazy("无需审查"),
    # Plain words: below the provincial threshold the province decides who reviews.
    "delegated": gettext_lazy("由省级确定的审查机关审查"),
    "provincial": gettext_lazy("省级审查"),
}
RECOMMENDATION_LABELS = {
    "approve": gettext_lazy("建议通过"),
    "defer": gettext_lazy("建议缓批"),
    "reject": gettext_lazy("建议不予通过"),
    "not_required": gettext_lazy("无需审查"),
}


def _label(labels: dict[str, Any], value: str | None) -> str:
    if not value:
        return _("（未标明）")
    return str(labels.get(value, value))


# ------------------------------------------------------------------------------------------
# Provinces (rules/data/provinces.csv)
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Province:
    code: str
    name: str
    short: str

    @property
    def mainland(self) -> bool:
        """The 31 provincial-level divisions of the mainland (codes below 70)."""
        return self.code < "70"


@functools.cache
def provinces() -> tuple[Province, ...]:
    with PROVINCES_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(
            Province(code=row["code"].strip(), name=row["name"].strip(), short=row["short"].strip())
            for row in csv.DictReader(fh)
        )


def provinces_mainland() -> tuple[Province, ...]:
    return tuple(p for p in provinces() if p.mainland)


def province_name(code: str) -> str:
    for province in provinces():
        if province.code == code:
            return province.name
    return code


# ------------------------------------------------------------------------------------------
# Who sees what
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuthorityScope:
    """The province a reader's figures are limited to; ``None`` means every province."""

    province: str | None
    # A reader of city or county authorities only (grace, 苏州): the energy budgets he sees are
    # his authorities' own (or the province's his cases draw on); other figures stay provincial.
    authority_ids: frozenset[int] | None = None

    def cases(self) -> QuerySet[ReviewCase]:
        qs = ReviewCase.objects.all()
        return qs if self.province is None else qs.filter(province=self.province)

    def q(self) -> Q:
        """The scope as a filter on case fields (also on the case counters, scale.tally)."""
        return Q() if self.province is None else Q(province=self.province)

    @property
    def label(self) -> str:
        return _("全国") if self.province is None else province_name(self.province)


def authority_scope_for(*, user: Any) -> AuthorityScope:
    """The authority side reads these pages; applicants and users without a role may not.

    A provincial reviewer (bob) is limited to his jurisdiction; national reviewers (erin) and
    admins (dana) see all provinces. Raises ``PermissionDenied`` for everyone else.
    """
    if roles.is_admin(user) or roles.is_national_reviewer(user):
        return AuthorityScope(province=None)
    if roles.is_reviewer(user):
        from authorities.selectors import member_authority_ids, provincial_provinces

        local = member_authority_ids(user) if not provincial_provinces(user) else frozenset()
        return AuthorityScope(province=roles.jurisdiction(user), authority_ids=local or None)
    raise PermissionDenied
