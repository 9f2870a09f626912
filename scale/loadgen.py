"""Load data at scale: N projects with submissions, cases, events and notices (issue 14).

Realistic spread: every province, a quarter of them in Jiangsu (the demo reviewers' province),
industries from the two-high catalogue, high-energy divisions and ordinary ones, every case state
with the events that lead to it, deadlines around today with a few percent overdue. Assessments are
the engine's own output for a pool of varied facts (assessing every project would add nothing but
time). On PostgreSQL rows go in with COPY; elsewhere (SQLite, tests) with ``bulk_create``.

Rows are built from each model's concrete fields: a field the generator does not know takes its
default, so a new field with a default (or nullable) does not break the generator.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from accounts.services import personas_ensure
from projects.models import Organization, Project, ProjectStatus, Submission
from review.models import CaseEvent, CaseState, Notice, ReviewCase
from rules import engine
from rules.services import assessment_run, policy_versions_published

SEED = 20261201
BATCH = 5_000
JIANGSU_SHARE = 0.25
DRAFT_SHARE = 0.08

# Two-high classes with a product of the efficiency catalogue, high-energy and ordinary classes.
INDUSTRIES: list[tuple[str, str | None, float, float]] = [
    # (industry, product, unit energy benchmark, baseline)
    ("3011", "cement_clinker", 100, 117),
    ("3041", "flat_glass_over_800tpd", 8.0, 12.0),
    ("3110", "blast_furnace", 361, 435),
    ("3216", "electrolytic_aluminium", 13000, 13350),
    ("2614", "methanol_coal", 1400, 1800),
    ("2521", "coke_top_charged", 110, 135),
    ("2511", "oil_refining", 7.5, 8.5),
    ("2621", "ammonia_natural_gas", 1000, 1200),
    ("2524", None, 0, 0),
    ("2631", None, 0, 0),
    ("3031", None, 0, 0),
    ("4430", None, 0, 0),
    ("6513", None, 0, 0),
    ("1311", None, 0, 0),
    ("3670", None, 0, 0),
    ("3971", None, 0, 0),
    ("5920", None, 0, 0),
    ("6450", None, 0, 0),
    ("8411", None, 0, 0),
]
ENERGY_MIX = [
    ("raw_coal", "t"),
    ("electricity", "kWh"),
    ("natural_gas", "wan_m3"),
    ("diesel", "t"),
    ("heat", "GJ"),
]
# Share of cases in each state (sums to 1); decided states dominate an authority's history.
STATE_SHARES: list[tuple[str, float]] = [
    (CaseState.SUBMITTED, 0.07),
    (CaseState.RETURNED, 0.04),
    (CaseState.NOT_ACCEPTED, 0.03),
    (CaseState.ACCEPTED, 0.05),
    (CaseState.UNDER_REVIEW, 0.18),
    (CaseState.AWAITING_GUIDANCE, 0.02),
    (CaseState.APPROVED, 0.48),
    (CaseState.REJECTED, 0.05),
    (CaseState.DEFERRED, 0.03),
    (CaseState.CHANGE_REQUESTED, 0.01),
    (CaseState.EXPIRED, 0.04),
]
OVERDUE_EVERY = 8
CLOCK_RUNNING = {CaseState.SUBMITTED, CaseState.ACCEPTED, CaseState.UNDER_REVIEW}
DECIDED = {CaseState.APPROVED, CaseState.REJECTED, CaseState.DEFERRED, CaseState.EXPIRED}
# The moves that lead to each state: (action, from, to).
PATHS: dict[str, list[tuple[str, str, str]]] = {
    CaseState.SUBMITTED: [("open", "", "submitted")],
    CaseState.RETURNED: [("open", "", "submitted"), ("return", "submitted", "returned")],
    CaseState.NOT_ACCEPTED: [
        ("open", "", "submitted"),
        ("not_accept", "submitted", "not_accepted"),
    ],
    CaseState.ACCEPTED: [("open", "", "submitted"), ("accept", "submitted", "accepted")],
    CaseState.UNDER_REVIEW: [
        ("open", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("assign", "accepted", "under_review"),
    ],
    CaseState.AWAITING_GUIDANCE: [
        ("open", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("assign", "accepted", "under_review"),
        ("request_guidance", "under_review", "awaiting_guidance"),
    ],
    CaseState.APPROVED: [
        ("open", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("assign", "accepted", "under_review"),
        ("approve", "under_review", "approved"),
    ],
    CaseState.REJECTED: [
        ("open", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("assign", "accepted", "under_review"),
        ("reject", "under_review", "rejected"),
    ],
    CaseState.DEFERRED: [
        ("open", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("assign", "accepted", "under_review"),
        ("defer", "under_review", "deferred"),
    ],
    CaseState.CHANGE_REQUESTED: [
        ("open", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("assign", "accepted", "under_review"),
        ("approve", "under_review", "approved"),
        ("request_change", "approved", "change_requested"),
    ],
    CaseState.EXPIRED: [
        ("open", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("assign", "accepted", "under_review"),
        ("approve", "under_review", "approved"),
        ("expire", "approved", "expired"),
    ],
}


@dataclass
class Variant:
    facts: dict[str, Any]
    assessment: dict[str, Any]
    policy_version: str


@dataclass
class Report:
    projects: int = 0
    submissions: int = 0
    cases: int = 0
    events: int = 0
    notices: int = 0
    by_province: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Facts and assessments
# --------------------------------------------------------------------------------------------
def _districts() -> dict[str, list[str]]:
    """County-level GB/T 2260 codes of every province (``{"32": ["320102", ...]}``)."""
    from django.conf import settings

    path = settings.BASE_DIR / "rules" / "data" / "gb2260_regions.csv"
    by_province: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["code"]
            if len(code) == 6 and not code.endswith("00") and code[:2] < "71":
                by_province.setdefault(code[:2], []).append(code)
    return by_province


def _payload(rng: random.Random, region: str, submitted_on: date) -> dict[str, Any]:
    industry, product, benchmark, baseline = rng.choice(INDUSTRIES)
    scale = 10 ** rng.uniform(2.5, 5.3)  # tce-ish: 300 to 200,000
    energy = []
    for energy_type, unit in rng.sample(ENERGY_MIX, rng.randint(1, 3)):
        quantity = {
            "raw_coal": scale * 1.2,
            "electricity": scale * 6_000,
            "natural_gas": scale / 12,
            "diesel": scale / 2,
            "heat": scale * 25,
        }[energy_type]
        energy.append({"type": energy_type, "quantity": round(quantity, 1), "unit": unit})
    products = []
    if product:
        unit_energy = round(rng.uniform(benchmark * 0.97, baseline * 1.08), 2)
        products.append(
            {"product": product, "annual_output": round(scale * 8), "unit_energy": unit_energy}
        )
    sources = []
    if rng.random() < 0.3:
        sources.append(
            {"description": "关停落后产能", "saved_tce": round(scale * rng.uniform(0.3, 1.2))}
        )
    return {
        "project_code": f"{submitted_on:%y%m}-{region}-04-01-{rng.randint(100000, 999999)}",
        "name": "",
        "region": region,
        "industry": industry,
        "construction_type": rng.choice(["new", "new", "new", "expansion", "renovation"]),
        "national_major_project": rng.random() < 0.01,
        "submitted_on": submitted_on.isoformat(),
        "energy": energy,
        "baseline_energy": [],
        "renewable_electricity_kwh": 0,
        "feedstock_tce": 0,
        "products": products,
        "substitution_sources": sources,
    }


def build_variants(count: int, *, today: date, rng: random.Random) -> dict[str, list[Variant]]:
    """``count`` assessed facts per province group, keyed by province code."""
    districts = _districts()
    engine_ok = True
    try:
        versions = policy_versions_published()
    except Exception:
        versions, engine_ok = [], False
    variants: dict[str, list[Variant]] = {}
    provinces = sorted(districts)
    per_province = max(4, count // len(provinces))
    for province in provinces:
        pool: list[Variant] = []
        attempts = 0
        while len(pool) < per_province and attempts < per_province * 4:
            attempts += 1
            submitted_on = today - timedelta(days=rng.randint(0, 3 * 365))
            payload = _payload(rng, rng.choice(districts[province]), submitted_on)
            payload["name"] = "负载测试项目"
            if engine_ok:
                try:
                    facts, assessment = assessment_run(
                        payload, today=today, policy_versions=versions
                    )
                except engine.InvalidFacts:
                    continue
                except Exception:  # an engine mid-change: fall back to synthesised results
                    engine_ok = False
                else:
                    pool.append(
                        Variant(
                            facts=engine.facts_to_payload(facts),
                            assessment=_frozen(assessment),
                            policy_version=assessment.policy_version,
                        )
                    )
                    continue
            pool.append(Variant(payload, synthetic_assessment(payload, rng), "2023"))
        if pool:
            variants[province] = pool
    return variants


SECTORS = {
    "3011": "building_materials",
    "3041": "building_materials",
    "3110": "steel",
    "3216": "nonferrous",
    "2614": "chemical",
    "2521": "chemical",
    "2511": "petrochemical",
    "2621": "chemical",
}


def synthetic_assessment(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """An assessment shaped like the contract's, for when the engine cannot run."""
    from rules.engine.examples import CONTRACT_EXAMPLE_OUTPUT

    result = json.loads(json.dumps(CONTRACT_EXAMPLE_OUTPUT))
    tce = round(10 ** rng.uniform(2.5, 5.3), 2)
    sector = SECTORS.get(payload["industry"])
    result["energy"].update(
        equivalent_tce=tce, equal_value_tce=round(tce * 1.14, 2), counted_tce=tce
    )
    result["two_high"].update(is_two_high=sector is not None, sector=sector)
    result["review_level"] = "provincial" if tce >= 5000 else "delegated"
    result["route"] = (
        "national_window_guidance"
        if sector and tce >= 50000
        else "provincial"
        if tce >= 5000
        else "delegated"
    )
    result["recommendation"] = rng.choice(["approve", "approve", "approve", "defer", "reject"])
    for finding in result["findings"]:
        finding["message"] = "依据现行政策，本项目的该项评估结论如上，审查时请核对申报材料。"
        finding["message_en"] = "Under the policy in force this finding applies; check the file."
    return result


def _frozen(assessment: Any) -> dict[str, Any]:
    from projects.services import frozen_assessment

    return frozen_assessment(assessment)


# --------------------------------------------------------------------------------------------
# Writing rows
# --------------------------------------------------------------------------------------------
def _next_ids(model: type[models.Model], n: int) -> Iterator[int]:
    start = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
    return iter(range(start, start + n))


def _table_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's concrete fields that have a column in the database (a field whose migration
    has not run yet is left out)."""
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, model._meta.db_table)
        }
    return [f for f in model._meta.concrete_fields if f.column in columns]


def _full_row(fields: list[models.Field], values: dict[str, Any], now: datetime) -> list[Any]:
    row = []
    for f in fields:
        if f.attname in values:
            row.append(values[f.attname])
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            row.append(now)
        else:
            row.append(f.get_default())
    return row


def _copy_text(value: Any, f: models.Field) -> str:
    if value is None:
        return "\\N"
    if isinstance(f, models.JSONField):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], now: datetime) -> int:
    """Insert ``rows`` (attname -> value, explicit ids); COPY on PostgreSQL."""
    fields = _table_fields(model)
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            buffer = io.StringIO()
            for values in rows:
                line = _full_row(fields, values, now)
                buffer.write("\t".join(_copy_text(v, f) for v, f in zip(line, fields, strict=True)))
                buffer.write("\n")
                count += 1
                if count % BATCH == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        return count
    batch: list[models.Model] = []
    for values in rows:
        line = _full_row(fields, values, now)
        batch.append(model(**{f.attname: v for f, v in zip(fields, line, strict=True)}))
        count += 1
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)
    return count


@contextmanager
def _tally_off() -> Iterator[None]:
    """No counter update per copied case (the trigger reads ``scale.tally_off``); after_load
    recounts once."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('scale.tally_off', 'on', true)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('scale.tally_off', 'off', true)")


def _reset_sequences(*models_: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
                [table],
            )


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
