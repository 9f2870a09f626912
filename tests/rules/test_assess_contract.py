"""assess() against contract version 2 as a whole: the contract's example, the version 1 body,
the recommendation, the order of the findings, their citations and messages, purity."""

from __future__ import annotations

import dataclasses
import json

import pytest

from rules.engine import Context, InventoryEntry, assess, parse_facts, policy_in_force
from rules.engine.codes import ALL_CODES, SEVERITIES
from rules.engine.examples import CONTRACT_EXAMPLE_INPUT, CONTRACT_EXAMPLE_OUTPUT
from rules.engine.messages import FINDINGS
from tests.rules._helpers import ON_TRACK, REF, TODAY, behind, coal, codes, product, run, tce


# --- the contract's example ---------------------------------------------------------------------
def test_contract_example_gives_the_contract_output():
    facts = parse_facts(CONTRACT_EXAMPLE_INPUT, reference=REF, today=TODAY)
    policy = policy_in_force(REF.policy_versions, facts.submitted_on)
    out = assess(facts, policy=policy, context=Context(), reference=REF).as_dict()
    expected = CONTRACT_EXAMPLE_OUTPUT
    assert out["contract_version"] == 2
    for key in ("policy_version", "review_required", "review_level", "two_high", "high_energy"):
        assert out[key] == expected[key], key
    for key in ("route", "substitution", "recommendation"):
        assert out[key] == expected[key], key
    assert {k: out["energy"][k] for k in expected["energy"]} == expected["energy"]
    assert [{k: e[k] for k in expected["efficiency"][0]} for e in out["efficiency"]] == (
        expected["efficiency"]
    )
    assert [{"code": f["code"], "severity": f["severity"]} for f in out["findings"]] == (
        expected["findings"]
    )
    assert out["findings"][0]["basis"].startswith("《固定资产投资项目节能审查办法》")
    assert "国家发展改革委令2023年第2号" in out["findings"][0]["basis"]
    json.dumps(out, ensure_ascii=False)


def test_version_1_body_is_still_valid():
    body = {
        k: v
        for k, v in CONTRACT_EXAMPLE_INPUT.items()
        if k
        not in {
            "project_type",
            "unchanged_site_process_equipment",
            "national_major_document",
            "national_major_relief_share",
            "exported_energy",
        }
    }
    facts = parse_facts(body, reference=REF, today=TODAY)
    assert facts.project_type == ""
    assert facts.exported_energy == ()
    assert facts.national_major_relief_share == 0.0


# --- recommendation, order, citations, messages -------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "recommendation"),
    [
        ({}, "approve"),
        ({"energy": tce(10)}, "not_required"),
        ({"industry": "3011", "energy": tce(60000)}, "defer"),
        ({"industry": "3011", "region_status": behind()}, "defer"),
        (
            {
                "industry": "3011",
                "region_status": dataclasses.replace(ON_TRACK, two_high_suspended=True),
            },
            "defer",
        ),
        ({"industry": "3011", "products": [product("cement_clinker", 200)]}, "reject"),
        (
            {
                "industry": "3011",
                "energy": tce(60000),
                "products": [product("cement_clinker", 200)],
            },
            "reject",
        ),
        ({"industry": "3011", "products": [product("cement_clinker", 110)]}, "approve"),
    ],
)
def test_recommendation(kwargs, recommendation):
    assert run(**kwargs).recommendation == recommendation


def test_findings_follow_the_order_of_the_contract_table():
    result = run(
        industry="3011",
        energy=[coal(100000)],
        products=[product("cement_clinker", 120, 1e9), product("caustic_soda_30", 400)],
        region_status=behind(),
        inventory=InventoryEntry("X", "x", "320505", "3011", "planned", "stop"),
    )
    order = {code: i for i, code in enumerate(ALL_CODES)}
    found = codes(result)
    assert found == sorted(found, key=order.__getitem__)
    assert found.count("EFFICIENCY_LEVEL") == 2
    assert [f.product for f in result.findings if f.code == "EFFICIENCY_LEVEL"] == [
        "cement_clinker",
        "caustic_soda_30",
    ]


def test_every_code_has_a_severity_and_both_messages():
    assert set(SEVERITIES) == set(ALL_CODES) == set(FINDINGS)
    for templates in FINDINGS.values():
        assert set(templates) == {"zh", "en"}


def test_every_basis_is_a_full_citation():
    results = [
        run(
            industry="3011",
            energy=[coal(100000)],
            products=[product("cement_clinker", 120, 1e9), product("caustic_soda_30", 400)],
            region_status=behind(),
            inventory=InventoryEntry("X", "x", "320505", "3011", "planned", "stop"),
        ),
        run(
            submitted_on="2025-01-01",
            industry="3110",
            products=[product("blast_furnace", 500)],
            national_major_project=True,
            national_major_document="国函〔2024〕9号",
            national_major_relief_share=0.5,
            region_status=dataclasses.replace(ON_TRACK, two_high_suspended=True, year=2025),
        ),
        run(industry="4415"),
        run(energy=tce(10)),
        run(industry="3011", region_status=dataclasses.replace(ON_TRACK, two_high_suspended=True)),
        run(industry="3011", energy=tce(5000)),
    ]
    seen = set()
    for result in results:
        for f in result.findings:
            seen.add(f.code)
            assert f.basis.startswith("《"), (f.code, f.basis)
            assert "》（" in f.basis, (f.code, f.basis)
            assert f.basis not in {"方案（七）", "1609号"}
            assert f.message("zh")
            assert f.message("en")
    assert seen >= set(ALL_CODES) - {"TIER_DELEGATED", "TIER_PROVINCIAL"} - {"LOCAL_STRICT"}


def test_tce_rounded_to_two_decimals_only_in_as_dict():
    result = run(energy=tce(1234.5678))
    assert result.energy.equivalent_tce == 1234.5678
    assert result.as_dict()["energy"]["equivalent_tce"] == 1234.57


def test_english_messages():
    result = run(industry="3011", energy=tce(60000))
    en = result.as_dict("en")["findings"]
    assert "window guidance" in en[2]["message"]
    assert en[2]["basis"] == result.as_dict()["findings"][2]["basis"]


def test_assess_is_deterministic_and_pure():
    first = run(industry="3011", region_status=behind()).as_dict()
    second = run(industry="3011", region_status=behind()).as_dict()
    assert first == second
