"""Benchmark of `manage.py reassess_projects` on PostgreSQL (issue 3: 100,000 in ≤ 20 s).

Creates (once) 100,000 projects with varied facts and their submissions (every tenth project
submitted twice, so "latest submission" is exercised) in a dedicated database with COPY, then
times the command and prints ``reassess: N projects in X s = Y/s``.

Database: BENCH_DATABASE_URL, else DATABASE_URL when it is PostgreSQL, else
postgresql://postgres@127.0.0.1:5432/energyreview_bench (created when missing).
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/energyreview_bench"
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "100000"))
TARGET_SECONDS = 20.0


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_URL


def database_ensure(url: str) -> None:
    """Create the benchmark database when it does not exist."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# ---------------------------------------------------------------------------------------------
# Varied facts
# ---------------------------------------------------------------------------------------------
INDUSTRIES = [
    # two-high classes (方案（七）)
    "3011", "3041", "3110", "3120", "3216", "2511", "2614", "2619", "2621", "4411", "2521",
    # high-energy, not two-high
    "2631", "3021", "3130", "4430",
    # others
    "3311", "3911", "1311", "2710", "3670", "3340", "1713",
]  # fmt: skip
PRODUCTS_BY_INDUSTRY = {
    "3011": ["cement_clinker"],
    "3041": ["flat_glass_over_800tpd", "flat_glass_500_800tpd"],
    "3110": ["blast_furnace"],
    "3120": ["converter"],
    "3216": ["electrolytic_aluminium"],
    "2511": ["oil_refining"],
    "2614": ["methanol_coal", "ethylene", "paraxylene"],
    "2619": ["calcium_carbide", "yellow_phosphorus"],
    "2621": ["ammonia_natural_gas"],
    "2521": ["coke_top_charged"],
}
FUELS = [
    ("raw_coal", "t", 10, 600000),
    ("natural_gas", "wan_m3", 1, 8000),
    ("diesel", "t", 1, 5000),
    ("coke", "t", 10, 200000),
    ("heat", "GJ", 100, 500000),
    ("steam", "t", 100, 300000),
]


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return round(low * (high / low) ** rng.random(), 2)


def facts_for(rng: random.Random, index: int, regions: list[str], benchmarks: Any) -> dict:
    industry = rng.choice(INDUSTRIES)
    region = rng.choice(regions)
    construction = rng.choices(["new", "expansion", "renovation"], [6, 3, 1])[0]
    day = date(2017, 1, 1) + timedelta(days=rng.randrange(0, 3620))
    electricity = _log_uniform(rng, 1e5, 2e9)
    energy = [{"type": "electricity", "quantity": electricity, "unit": "kWh"}]
    for fuel, unit, low, high in rng.sample(FUELS, rng.randrange(0, 3)):
        energy.append({"type": fuel, "quantity": _log_uniform(rng, low, high), "unit": unit})
    baseline = []
    if construction == "renovation":
        baseline = [
            {
                "type": line["type"],
                "quantity": round(line["quantity"] * rng.uniform(0.3, 0.95), 2),
                "unit": line["unit"],
            }
            for line in energy
        ]
    products = []
    for product in PRODUCTS_BY_INDUSTRY.get(industry, [])[: rng.randrange(0, 3)]:
        row = benchmarks[product]
        spread = abs(row.baseline - row.benchmark) or 1.0
        products.append(
            {
                "product": product,
                "annual_output": _log_uniform(rng, 1e4, 5e6),
                "unit_energy": round(row.benchmark + spread * rng.uniform(-0.5, 1.5), 3),
            }
        )
    sources = [
        {"description": f"关停落后产能{k + 1}", "saved_tce": _log_uniform(rng, 100, 80000)}
        for k in range(rng.choices([0, 1, 2], [5, 3, 1])[0])
    ]
    national_major = rng.random() < 0.03
    # Contract v2: feedstock never above the project's use (here a share of its electricity
    # alone); a national major project names its filing and relief share.
    feedstock = round(electricity * 0.0001229 * rng.choice([0, 0, 0, 0.2, 0.8]), 2)
    return {
        "project_code": f"{day:%y%m}-{region}-04-01-{index:06d}",
        "name": f"基准测试项目{index}",
        "region": region,
        "industry": industry,
        "construction_type": construction,
        "unchanged_site_process_equipment": construction == "renovation" and rng.random() < 0.5,
        "national_major_project": national_major,
        "national_major_document": f"国办函〔2026〕{index}号" if national_major else "",
        "national_major_relief_share": rng.choice([0.3, 0.5, 1.0]) if national_major else 0,
        "submitted_on": day.isoformat(),
        "energy": energy,
        "baseline_energy": baseline,
        "renewable_electricity_kwh": round(electricity * rng.choice([0, 0, 0, 0.1, 0.3]), 2),
        "feedstock_tce": feedstock,
        "products": products,
        "substitution_sources": sources,
    }


# ---------------------------------------------------------------------------------------------
# Loading with COPY
# ---------------------------------------------------------------------------------------------
def _row_values(model: Any, given: dict[str, Any], now: Any) -> list[Any]:
    """Every concrete column: given values, else the field's default (so model additions by
    other apps do not break the benchmark)."""
    out = []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in given:
            continue  # serial
        if field.attname in given:
            value = given[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or not field.null:
            value = field.get_default()  # "" for text fields without a default
            if value is None and not field.null:
                raise RuntimeError(f"no value for {model.__name__}.{field.name}")
        else:
            value = None
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        out.append(value)
    return out


def load(projects: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from accounts.services import personas_ensure
    from projects.models import Organization, Project, Submission
    from rules import demo, engine
    from rules.imports import TWO_HIGH, table_upsert

    reference = engine.load_reference()
    personas_ensure()
    demo.seed()
    user = personas_ensure()["alice"]
    org = Organization.objects.get(credit_code="91320505MA1XY2KP3R")
    rng = random.Random(20261129)
    mainland = {code for code in demo.mainland_provinces()}
    regions = sorted(
        code
        for code in reference.regions
        if code[:2] in mainland and not code.endswith("00") and code[2:4] != "90"
    )
    regions = rng.sample(regions, 400)
    now = timezone.now()
    project_columns = [f.column for f in Project._meta.concrete_fields]
    submission_columns = [f.column for f in Submission._meta.concrete_fields if f.attname != "id"]
    inventory = []
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE projects_project, projects_submission, rules_reassessment "
            "RESTART IDENTITY CASCADE"
        )
        with cursor.copy(
            f"COPY projects_project ({', '.join(project_columns)}) FROM STDIN"
        ) as copy_projects:
            facts_list = []
            for index in range(1, projects + 1):
                facts = facts_for(rng, index, regions, reference.benchmarks)
                facts_list.append(facts)
                copy_projects.write_row(
                    _row_values(
                        Project,
                        {
                            "id": index,
                            "organization_id": org.pk,
                            "created_by_id": user.pk,
                            "project_code": facts["project_code"],
                            "name": facts["name"],
                            "region": facts["region"],
                            "industry": facts["industry"],
                            "construction_type": facts["construction_type"],
                            "status": "submitted",
                        },
                        now,
                    )
                )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('projects_project', 'id'), %s)", [projects]
        )
        with cursor.copy(
            f"COPY projects_submission ({', '.join(submission_columns)}) FROM STDIN"
        ) as copy_submissions:
            for index, facts in enumerate(facts_list, start=1):
                numbers = [1, 2] if index % 10 == 0 else [1]
                for number in numbers:
                    stored = dict(facts)
                    if number == 1 and len(numbers) == 2:
                        stored["energy"] = facts["energy"][:1]
                    copy_submissions.write_row(
                        _row_values(
                            Submission,
                            {
                                "project_id": index,
                                "number": number,
                                "facts": stored,
                                "assessment": {},
                                "policy_version": "",
                                "submitted_by_id": user.pk,
                            },
                            now,
                        )
                    )
                if index % 50 == 0:
                    inventory.append(
                        {
                            "project_code": facts["project_code"],
                            "project_name": facts["name"],
                            "region": facts["region"],
                            "province": facts["region"][:2],
                            "industry": facts["industry"],
                            "status": rng.choice(["in_construction", "planned", "existing"]),
                            "annual_tce": None,
                            "disposal": rng.choice(["continue", "rectify", "stop"]),
                            "note": "",
                        }
                    )
        cursor.execute("ANALYZE projects_submission; ANALYZE projects_project")
    table_upsert(TWO_HIGH, inventory, reason="benchmark")


def main() -> None:
    import psycopg

    url = database_url()
    try:
        database_ensure(url)
    except psycopg.OperationalError as exc:
        # As `make test` does for the integration layer: skip unless services are required.
        reason = str(exc).splitlines()[0]
        print(f"reassess benchmark skipped: PostgreSQL not reachable ({reason})")
        sys.exit(1 if os.environ.get("REQUIRE_SERVICES") == "1" else 0)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    from projects.models import Submission

    call_command("migrate", verbosity=0, interactive=False)
    latest = Submission.objects.values("project_id").distinct().count()
    if latest != PROJECTS or Submission.objects.count() != PROJECTS + PROJECTS // 10:
        started = time.perf_counter()
        load(PROJECTS)
        print(f"loaded {PROJECTS} projects in {time.perf_counter() - started:.1f} s")

    out = io.StringIO()
    started = time.perf_counter()
    call_command("reassess_projects", stdout=out)
    elapsed = time.perf_counter() - started
    print(out.getvalue().strip())
    check(PROJECTS)
    # Second run: every row exists, so this is the UPDATE … FROM (VALUES …) path.
    out = io.StringIO()
    call_command("reassess_projects", stdout=out)
    print("again (updates): " + out.getvalue().strip().splitlines()[0])
    line = f"reassess: {PROJECTS} projects in {elapsed:.2f} s = {PROJECTS / elapsed:,.0f}/s"
    if PROJECTS == 100_000:
        verdict = "meets" if elapsed <= TARGET_SECONDS else "misses"
        line += f" ({verdict} the {TARGET_SECONDS:.0f} s target; {os.cpu_count()} CPUs)"
    print(line)


def check(expected: int) -> None:
    """Every latest submission has its row, and a sample equals a direct assessment."""
    from projects.models import Submission
    from rules.models import Reassessment
    from rules.services import assessment_run

    stored = Reassessment.objects.count()
    if stored != expected:
        raise SystemExit(f"expected {expected} reassessments, found {stored}")
    for row in Reassessment.objects.order_by("?")[:25]:
        facts = Submission.objects.get(pk=row.submission_id).facts
        _, direct = assessment_run(facts)
        if row.assessment != direct.as_dict():
            raise SystemExit(f"submission {row.submission_id}: stored assessment differs")
    print(f"checked: {stored} rows stored; a sample of 25 equals assessment_run")


if __name__ == "__main__":
    main()
