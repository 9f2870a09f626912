"""The rows of the load data before they are written: shares, case paths, facts and assessments.

What the generator (`scale.loadgen.generate`) spreads the projects over: provinces (a quarter in
Jiangsu), industries of the two-high catalogue and ordinary ones, energy mixes, case states and
the event paths that lead to each; and the pool of varied facts per province with the engine's
own assessment of each (`build_variants`), or a contract-shaped stand-in when the engine cannot
run (`synthetic_assessment`). Re-exported by `scale.loadgen`.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from review.models import CaseState
from rules import engine
from rules.services import assessment_run, policy_versions_published

SEED = 20261201
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
