"""Load data at scale: N projects with submissions, cases, events and notices (issue 14).

Realistic spread: every province, a quarter of them in Jiangsu (the demo reviewers' province),
industries from the two-high catalogue, high-energy divisions and ordinary ones, every case state
with the events that lead to it, deadlines around today with a few percent overdue. Assessments are
the engine's own output for a pool of varied facts (assessing every project would add nothing but
time). On PostgreSQL rows go in with COPY; elsewhere (SQLite, tests) with ``bulk_create``.

Rows are built from each model's concrete fields: a field the generator does not know takes its
default, so a new field with a default (or nullable) does not break the generator.

The rows' shares and assessed facts live in `scale.loadgen_rows`, the writing (COPY/io) in
`scale.loadgen_io`; both are re-exported here, the generator itself stays.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.services import personas_ensure
from projects.models import Organization, Project, ProjectStatus, Submission
from review.models import CaseEvent, CaseState, Notice, ReviewCase
from scale.loadgen_io import (
    BATCH,
    _copy_text,
    _full_row,
    _next_ids,
    _reset_sequences,
    _table_fields,
    _tally_off,
    write_rows,
)
from scale.loadgen_rows import (
    CLOCK_RUNNING,
    DECIDED,
    DRAFT_SHARE,
    ENERGY_MIX,
    INDUSTRIES,
    JIANGSU_SHARE,
    OVERDUE_EVERY,
    PATHS,
    SECTORS,
    SEED,
    STATE_SHARES,
    Report,
    Variant,
    _districts,
    _frozen,
    _payload,
    build_variants,
    synthetic_assessment,
)

__all__ = [
    "BATCH",
    "CLOCK_RUNNING",
    "DECIDED",
    "DRAFT_SHARE",
    "ENERGY_MIX",
    "INDUSTRIES",
    "JIANGSU_SHARE",
    "OVERDUE_EVERY",
    "PATHS",
    "SECTORS",
    "SEED",
    "STATE_SHARES",
    "Report",
    "Variant",
    "_copy_text",
    "_districts",
    "_frozen",
    "_full_row",
    "_next_ids",
    "_payload",
    "_reset_sequences",
    "_table_fields",
    "_tally_off",
    "after_load",
    "build_variants",
    "generate",
    "synthetic_assessment",
    "write_rows",
]


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------
def _weighted(rng: random.Random, shares: list[tuple[str, float]]) -> str:
    pick = rng.random()
    acc = 0.0
    for value, share in shares:
        acc += share
        if pick < acc:
            return value
    return shares[-1][0]


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, time(hour=rng.randint(8, 18), minute=rng.randint(0, 59)))
    )


def _case_extras() -> Callable[[dict[str, Any], Variant], None]:
    """Hooks for fields other helpers add to ReviewCase (authority, sector) when present."""
    names = {f.attname for f in ReviewCase._meta.concrete_fields}
    authority_cache: dict[tuple[str, str], int | None] = {}

    def fill(values: dict[str, Any], variant: Variant, region: str) -> None:
        assessment = variant.assessment
        if "sector" in names:
            values["sector"] = (assessment.get("two_high") or {}).get("sector") or ""
        if "authority_id" in names:
            key = (region, values.get("review_level", ""))
            if key not in authority_cache:
                try:
                    from authorities.selectors import authority_for

                    found = authority_for(region=region, review_level=key[1])
                except Exception:  # no authority data: leave it empty
                    found = None
                authority_cache[key] = found.pk if found else None
            values["authority_id"] = authority_cache[key]

    return fill


@transaction.atomic
def generate(
    *,
    projects: int,
    seed: int = SEED,
    today: date | None = None,
    variants_per_province: int = 20,
    log: Callable[[str], None] = lambda _: None,
) -> Report:
    """Add ``projects`` projects (about 92% submitted, each submitted one with a case)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    report = Report()
    personas = personas_ensure()
    applicant = personas["alice"]
    reviewers = [u for name, u in personas.items() if name in ("bob", "grace", "helen")] or [
        personas["dana"]
    ]
    districts = _districts()
    variants = build_variants(variants_per_province * 31, today=today, rng=rng)
    provinces = sorted(variants)
    others = [p for p in provinces if p != "32"]
    count = sum(len(v) for v in variants.values())
    log(f"{count} assessed variants over {len(provinces)} provinces")

    org_count = max(1, projects // 4)  # a few projects per enterprise
    org_ids = _next_ids(Organization, org_count)
    organizations = [
        {
            "id": next(org_ids),
            "name": f"负载测试建设单位{i + 1:05d}",
            "credit_code": f"LT{seed % 1_000_000:06d}{i:010d}",
        }
        for i in range(org_count)
    ]
    existing = set(
        Organization.objects.filter(
            credit_code__in=[o["credit_code"] for o in organizations]
        ).values_list("credit_code", flat=True)
    )
    if existing:
        raise ValueError("load data with this seed already exists; pass another --seed")
    write_rows(Organization, organizations, now)
    org_pks = [o["id"] for o in organizations]

    project_ids = _next_ids(Project, projects)
    submission_ids = _next_ids(Submission, projects)
    case_ids = _next_ids(ReviewCase, projects)
    projects_rows: list[dict[str, Any]] = []
    submission_rows: list[dict[str, Any]] = []
    case_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    notice_rows: list[dict[str, Any]] = []
    fill_case = _case_extras()
    event_fields = {f.attname for f in CaseEvent._meta.concrete_fields}

    running_count = 0
    for _ in range(projects):
        province = "32" if rng.random() < JIANGSU_SHARE else rng.choice(others)
        if province not in variants:
            province = rng.choice(provinces)
        variant = rng.choice(variants[province])
        # The variant's assessment, at any county of its province: sites (region + industry)
        # spread as widely as real ones, which the split-project check and the lists query by.
        region = rng.choice(districts[province]) if province in districts else ""
        facts = {**variant.facts, "region": region or variant.facts.get("region", "")}
        pk = next(project_ids)
        submitted_on = today - timedelta(days=int(rng.triangular(0, 3 * 365, 0)))
        submitted_at = _at(submitted_on, rng)
        name = f"{facts.get('name') or '负载测试项目'}{pk}"
        draft = rng.random() < DRAFT_SHARE
        assessment = variant.assessment
        exempt = assessment.get("route") == "exempt"
        status = (
            ProjectStatus.DRAFT
            if draft
            else ProjectStatus.EXEMPT
            if exempt
            else ProjectStatus.SUBMITTED
        )
        state = _weighted(rng, STATE_SHARES)
        if not draft and not exempt and state == CaseState.RETURNED:
            status = ProjectStatus.CORRECTION
        projects_rows.append(
            {
                "id": pk,
                "organization_id": rng.choice(org_pks),
                "created_by_id": applicant.pk,
                "project_code": f"{submitted_on:%y%m}-{facts['region']}-04-01-{pk % 1000000:06d}",
                "name": name,
                "region": facts.get("region", ""),
                "industry": facts.get("industry", ""),
                "construction_type": facts.get("construction_type", "new"),
                "status": status,
                "draft_assessment": assessment,
                "created_at": submitted_at - timedelta(days=rng.randint(1, 30)),
                "updated_at": submitted_at + timedelta(days=rng.randint(0, 60)),
            }
        )
        report.projects += 1
        if draft:
            continue
        sub_pk = next(submission_ids)
        submission_rows.append(
            {
                "id": sub_pk,
                "project_id": pk,
                "number": 1,
                "facts": {**facts, "name": name},
                "assessment": assessment,
                "policy_version": variant.policy_version,
                "details": {},
                "submitted_by_id": applicant.pk,
                "submitted_at": submitted_at,
            }
        )
        report.submissions += 1
        if exempt:
            continue
        case_pk = next(case_ids)
        running = state in CLOCK_RUNNING
        if running:
            # Most open cases are recent; one in eight is past its deadline.
            running_count += 1
            late = running_count % OVERDUE_EVERY == 1
            deadline = today + timedelta(days=-rng.randint(1, 30) if late else rng.randint(0, 28))
            submitted_at = _at(today - timedelta(days=rng.randint(0, 40)), rng)
        else:
            deadline = submitted_on + timedelta(days=rng.randint(7, 40))
        decided_at = (
            _at(min(today, deadline), rng)
            if state in DECIDED or state == CaseState.CHANGE_REQUESTED
            else None
        )
        assignee = (
            rng.choice(reviewers).pk
            if province == "32"
            and state
            not in (
                CaseState.SUBMITTED,
                CaseState.ACCEPTED,
                CaseState.RETURNED,
                CaseState.NOT_ACCEPTED,
            )
            else None
        )
        values: dict[str, Any] = {
            "id": case_pk,
            "project_id": pk,
            "submission_id": sub_pk,
            "province": province,
            "state": state,
            "route": assessment.get("route", ""),
            "review_level": assessment.get("review_level", ""),
            "two_high": bool((assessment.get("two_high") or {}).get("is_two_high")),
            "recommendation": assessment.get("recommendation", ""),
            "counted_tce": float((assessment.get("energy") or {}).get("counted_tce") or 0.0),
            "assignee_id": assignee,
            "clock_phase": "decision" if state != CaseState.SUBMITTED else "intake",
            "clock_started_on": submitted_at.date(),
            "limit_working_days": 20,
            "deadline": deadline if running or state != CaseState.RETURNED else None,
            "submitted_at": submitted_at,
            "accepted_at": submitted_at + timedelta(days=3)
            if state not in (CaseState.SUBMITTED, CaseState.RETURNED, CaseState.NOT_ACCEPTED)
            else None,
            "decided_at": decided_at,
            "decision_reason": "项目能效水平与节能措施经审查可行。" if decided_at else "",
            "version": len(PATHS[state]),
            "created_at": submitted_at,
            "updated_at": decided_at or submitted_at,
        }
        fill_case(values, variant, str(facts.get("region") or ""))
        case_rows.append(values)
        report.cases += 1
        report.by_province[province] = report.by_province.get(province, 0) + 1
        at = submitted_at
        for action, from_state, to_state in PATHS[state]:
            event: dict[str, Any] = {
                "case_id": case_pk,
                "actor_id": applicant.pk if action == "open" else (assignee or reviewers[0].pk),
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "data": {"submission": 1} if action == "open" else {},
                "at": at,
            }
            if "submission_id" in event_fields:
                event["submission_id"] = sub_pk
            if "assessment" in event_fields and "submission_id" not in event_fields:
                event["assessment"] = assessment  # the legacy copy, as the model stores it
            event_rows.append(event)
            at = at + timedelta(days=rng.randint(1, 6))
        if province == "32":
            for reviewer in reviewers:
                notice_rows.append(
                    {
                        "user_id": reviewer.pk,
                        "case_id": case_pk,
                        "message": f"新申请待受理：{name}。",
                        "read_at": None if running and rng.random() < 0.3 else submitted_at,
                        "created_at": submitted_at,
                    }
                )
    log(f"writing {len(projects_rows)} projects, {len(case_rows)} cases, {len(event_rows)} events")
    write_rows(Project, projects_rows, now)
    write_rows(Submission, submission_rows, now)
    # One recount after the COPY instead of a counter update per row (see after_load).
    with _tally_off():
        write_rows(ReviewCase, case_rows, now)
    event_ids = _next_ids(CaseEvent, len(event_rows))
    report.events = write_rows(CaseEvent, ({"id": next(event_ids), **e} for e in event_rows), now)
    notice_ids = _next_ids(Notice, len(notice_rows))
    report.notices = write_rows(Notice, ({"id": next(notice_ids), **n} for n in notice_rows), now)
    _reset_sequences(Organization, Project, Submission, ReviewCase, CaseEvent, Notice)
    after_load(log)
    return report


def after_load(log: Callable[[str], None]) -> None:
    """Recount the case counters (their trigger is off during the COPY) and refresh the planner's
    statistics."""
    from scale import tally

    log(f"case counters rebuilt ({tally.rebuild()} rows)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log("ANALYZE done")
