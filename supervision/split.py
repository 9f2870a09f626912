"""拆分规避: a project split into parts that each stay under a threshold but together cross it.

2023《办法》第十一条: the owner pledges not to evade the review by splitting or merging projects.
On intake the reviewer sees the owner's (same unified social credit code) and the site's (same
region code and industry) other projects submitted or approved within the last 24 months, when
the parts each stay under a threshold (the exemption, the provincial tier, the 50,000 tce window
guidance of two-high projects; values from the policy version in force) and together cross it.
Read-only and for the review side only (``permissions.can_see_split_warnings``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_str

from common import prepared
from projects.models import Organization, Project
from review.models import CaseState, ReviewCase
from rules.models import PolicyVersion

from .rolling import add_months

WINDOW_MONTHS = 24
IGNORED_STATES = (CaseState.NOT_ACCEPTED, CaseState.REJECTED, CaseState.EXPIRED)
# The thresholds of the policy version in force, read in the same query (``Policy``).
POLICY_FIELDS = ("exempt_below_tce", "provincial_threshold_tce", "two_high_window_guidance_tce")


@dataclass(frozen=True)
class SplitPart:
    case_id: int
    project_code: str
    name: str
    organization: str
    region: str
    industry: str
    counted_tce: float
    state: str
    submitted_on: date
    current: bool = False


@dataclass(frozen=True)
class SplitWarning:
    basis: str  # "owner" or "site"
    basis_label: str
    threshold_key: str
    threshold_label: str
    threshold_tce: float
    total_tce: float
    parts: list[SplitPart] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Related:
    """The latest case of another project of the same owner or site (what a part shows)."""

    pk: int
    organization_id: int
    region: str
    industry: str
    part: SplitPart


@dataclass(frozen=True, slots=True)
class Policy:
    """The thresholds of the policy version in force on the submission day."""

    exempt_below_tce: float
    provincial_threshold_tce: float
    two_high_window_guidance_tce: float | None


def _thresholds(case: ReviewCase, policy: Policy | None) -> list[tuple[str, str, float]]:
    if policy is None:
        return []
    out = [
        ("exempt", "免于单独节能审查的能耗门槛", policy.exempt_below_tce),
        ("provincial", "省级节能审查门槛", policy.provincial_threshold_tce),
    ]
    if case.two_high and policy.two_high_window_guidance_tce:
        out.append(("window", "两高项目国家窗口指导门槛", policy.two_high_window_guidance_tce))
    return out


def _state_label(state: str) -> str:
    return force_str(dict(CaseState.choices).get(state, state), strings_only=True)


def _submitted_on(value: Any) -> date:
    """The date of a submission time as the ORM gives it (UTC; SQLite may give text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.date()


def _part(case: ReviewCase, *, current: bool = False) -> SplitPart:
    project = case.project
    return SplitPart(
        case_id=case.pk,
        project_code=project.project_code,
        name=project.name,
        organization=project.organization.name,
        region=project.region,
        industry=project.industry,
        counted_tce=float(case.counted_tce or 0.0),
        state=case.get_state_display(),
        submitted_on=case.submitted_at.date(),
        current=current,
    )


def _since(case: ReviewCase) -> datetime:
    """Midnight (local time) of the first day of the month 24 months before the submission."""
    first = add_months(case.submitted_at.date().replace(day=1), -WINDOW_MONTHS)
    return timezone.make_aware(datetime.combine(first, time.min))


@functools.cache
def _sql(vendor: str, *, site: bool) -> str:
    """The related cases' query (see ``related_sql``), with or without the site branch."""
    qn = connection.ops.quote_name
    case_t, project_t = qn(ReviewCase._meta.db_table), qn(Project._meta.db_table)
    org_t, policy_t = qn(Organization._meta.db_table), qn(PolicyVersion._meta.db_table)
    window = (
        "(u.submitted_at >= %s OR u.decided_at >= %s) AND u.project_id <> %s"
        f" AND u.state NOT IN ({', '.join(['%s'] * len(IGNORED_STATES))})"
    )
    branch = (
        f"SELECT u.id FROM {case_t} u INNER JOIN {project_t} up ON up.id = u.project_id"
        " WHERE {where} AND " + window
    )
    ids = branch.format(where="up.organization_id = %s")
    if site:
        ids += " UNION " + branch.format(where="up.region = %s AND up.industry = %s")
    policy = (
        f"(SELECT {{}} FROM {policy_t} WHERE published = %s AND effective_from <= %s"
        " ORDER BY effective_from DESC LIMIT 1)"
    )
    thresholds = ", ".join(policy.format(name) for name in POLICY_FIELDS)
    return (
        "SELECT c.id, c.project_id, c.counted_tce, c.state, c.submitted_at, p.project_code,"
        f" p.name, p.region, p.industry, p.organization_id, o.name, {thresholds}"
        f" FROM {case_t} c INNER JOIN {project_t} p ON p.id = c.project_id"
        f" INNER JOIN {org_t} o ON o.id = p.organization_id"
        f" WHERE c.id IN ({ids})"
        " ORDER BY c.project_id, c.submitted_at DESC, c.id DESC"
    )


def related_sql(case: ReviewCase) -> tuple[str, list[Any]]:
    """The other projects' cases of the same owner or the same site within the window, each
    with the policy version in force on the submission day: SQL and parameters of one query.

    A UNION of two branches, each served by its own index, instead of one ``owner OR site``
    filter that no index serves (the OR read every case: at 100,000 projects a check took a
    median 400 ms; the UNION 17 ms, of which the query 0.4 ms; benchmarks/bench_split.py):

    - owner: the owner's projects through the index of ``projects_project.organization_id``
      (same USCC is the same organization: the credit code is unique), then their cases
      through the index of ``review_reviewcase.project_id``;
    - site: the projects of one region and industry through ``project_site_idx``
      (``projects_project (region, industry)``), then their cases the same way.

    The window and state filters apply to the few cases each branch finds. Written as SQL:
    building and compiling it with the ORM took five times as long as running it (issue 14).
    EXPLAIN in tests/supervision/test_split_plan.py.
    """
    project = case.project
    ops = connection.ops
    since = ops.adapt_datetimefield_value(_since(case))
    window = [since, since, project.pk, *(str(s) for s in IGNORED_STATES)]
    site = bool(project.region and project.industry)
    day = ops.adapt_datefield_value(case.submitted_at.date())
    params: list[Any] = [True, day] * len(POLICY_FIELDS)
    params += [project.organization_id, *window]
    if site:
        params += [project.region, project.industry, *window]
    return _sql(connection.vendor, site=site), params


def _related(case: ReviewCase) -> tuple[list[Related], Policy | None]:
    """The latest case of each related project, and the policy in force (one query)."""
    sql, params = related_sql(case)
    rows = prepared.fetchall(sql, params)  # planned once per connection on PostgreSQL
    latest: dict[int, Related] = {}
    policy = None
    for row in rows:
        pk, project_id, tce, state, at, code, name, region, industry, org_id, org = row[:11]
        if row[11] is not None:
            policy = Policy(*row[11:])
        if project_id in latest:  # an older case of a project already seen
            continue
        part = SplitPart(
            case_id=pk,
            project_code=code,
            name=name,
            organization=org,
            region=region,
            industry=industry,
            counted_tce=float(tce or 0.0),
            state=_state_label(state),
            submitted_on=_submitted_on(at),
        )
        latest[project_id] = Related(pk, org_id, region, industry, part)
    return list(latest.values()), policy


def _by_basis(case: ReviewCase, related: list[Related]) -> tuple[list[Related], list[Related]]:
    project = case.project
    owner = [c for c in related if c.organization_id == project.organization_id]
    site = [
        c
        for c in related
        if project.region and c.region == project.region and c.industry == project.industry
    ]
    return owner, site


def related_cases(case: ReviewCase) -> tuple[list[Related], list[Related]]:
    """The latest case of each other project of the same owner, and of the same site, submitted
    or decided within 24 months before this case's submission (or since). One query."""
    return _by_basis(case, _related(case)[0])


def split_warnings_for_case(case: ReviewCase) -> list[SplitWarning]:
    """Warnings for the reviewer (never the applicant): for the owner's and the site's related
    projects, each threshold that every part stays under and the parts together cross."""
    related, policy = _related(case)
    owner, site = _by_basis(case, related)
    if not owner and not site:
        return []
    thresholds = _thresholds(case, policy)
    warnings: list[SplitWarning] = []
    current = _part(case, current=True)
    for basis, label, group in (
        ("owner", "同一建设单位（统一社会信用代码）", owner),
        ("site", "同一建设地点及行业", site),
    ):
        if not group:
            continue
        parts = [current, *(c.part for c in group)]
        total = sum(p.counted_tce for p in parts)
        for key, threshold_label, value in thresholds:
            if all(p.counted_tce < value for p in parts) and total >= value:
                warnings.append(
                    SplitWarning(basis, label, key, threshold_label, value, total, parts)
                )
    return warnings


def case_summary(case: ReviewCase) -> dict[str, Any]:
    """JSON-friendly warnings for the API."""
    return {
        "case": case.pk,
        "warnings": [
            {
                "basis": w.basis,
                "basis_label": w.basis_label,
                "threshold": w.threshold_key,
                "threshold_label": w.threshold_label,
                "threshold_tce": w.threshold_tce,
                "total_tce": round(w.total_tce, 2),
                "parts": [p.__dict__ for p in w.parts],
            }
            for w in split_warnings_for_case(case)
        ],
    }
