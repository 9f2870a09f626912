"""Properties that hold for any facts and context (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.engine import (
    Assessment,
    Context,
    EnergyLine,
    Facts,
    InventoryEntry,
    ProductLine,
    RegionStatus,
    SubstitutionSource,
    assess,
    codes,
    facts_to_payload,
    load_reference,
    parse_facts,
    policy_in_force,
)
from rules.engine.codes import DEFERRING, REJECTING
from rules.engine.energy import equivalent_and_kwh

REF = load_reference()
SETTINGS = settings(max_examples=300, deadline=None)

TYPE_UNITS = sorted(
    (t.type, u.unit)
    for t in REF.energy_types.values()
    for u in REF.units.values()
    if u.base_unit == t.base_unit
)
INDUSTRIES = [
    "3011",
    "3041",
    "3120",
    "3216",
    "2511",
    "2614",
    "4411",
    "4412",
    "2524",
    "4430",
    "6513",
]
REGIONS = ["320505", "110105", "440305", "650102"]
PRODUCTS = sorted(REF.benchmarks)


@st.composite
def energy_lines(draw: st.DrawFn) -> EnergyLine:
    energy_type, unit = draw(st.sampled_from(TYPE_UNITS))
    quantity = draw(st.floats(min_value=0, max_value=1e7, allow_nan=False))
    heat = None
    if REF.energy_types[energy_type].base_unit in {"t", "m3"} and draw(st.booleans()):
        heat = draw(st.floats(min_value=1000, max_value=60000))
    return EnergyLine(energy_type, quantity, unit, heat)


def electricity_kwh(lines: tuple[EnergyLine, ...]) -> float:
    return sum(
        (
            line.quantity * REF.units[line.unit].factor
            for line in lines
            if line.type == "electricity"
        ),
        0.0,
    )


@st.composite
def facts_strategy(draw: st.DrawFn) -> Facts:
    energy = tuple(draw(st.lists(energy_lines(), max_size=5)))
    construction_type = draw(st.sampled_from(["new", "expansion", "renovation"]))
    national_major = draw(st.booleans())
    return Facts(
        region=draw(st.sampled_from(REGIONS)),
        industry=draw(st.sampled_from(INDUSTRIES)),
        construction_type=construction_type,
        submitted_on=draw(st.dates(min_value=date(2017, 1, 1), max_value=date(2030, 12, 31))),
        project_code=draw(st.text(max_size=24)),
        name=draw(st.text(max_size=10)),
        national_major_project=national_major,
        national_major_document="国函〔2024〕1号" if national_major else "",
        national_major_relief_share=draw(st.floats(0.01, 1.0)) if national_major else 0.0,
        unchanged_site_process_equipment=draw(st.booleans()),
        project_type=draw(st.sampled_from(["", "", "", "railway"])),
        energy=energy,
        baseline_energy=tuple(draw(st.lists(energy_lines(), max_size=3)))
        if construction_type != "new"
        else (),
        renewable_electricity_kwh=electricity_kwh(energy) * draw(st.floats(0, 1)),
        feedstock_tce=equivalent_and_kwh(energy, REF)[0] * draw(st.sampled_from([0.0, 0.5, 1.0])),
        products=tuple(
            draw(
                st.lists(
                    st.builds(
                        ProductLine,
                        st.sampled_from(PRODUCTS),
                        st.floats(0, 1e7),
                        st.floats(-100, 20000),
                    ),
                    max_size=3,
                )
            )
        ),
        substitution_sources=tuple(
            draw(
                st.lists(
                    st.builds(SubstitutionSource, st.text(max_size=5), st.floats(0, 1e6)),
                    max_size=3,
                )
            )
        ),
    )


@st.composite
def contexts(draw: st.DrawFn, facts: Facts) -> Context:
    status = None
    if draw(st.booleans()):
        status = RegionStatus(
            province=facts.province,
            year=facts.submitted_on.year,
            progress_pct=draw(st.none() | st.floats(0, 5)),
            behind_basic_target=draw(st.booleans()),
            substitution_ratio=draw(st.floats(1.0, 3.0)),
            warning_level=draw(st.sampled_from(["green", "yellow", "red"])),
            two_high_suspended=draw(st.booleans()),
        )
    inventory = None
    if draw(st.booleans()):
        inventory = InventoryEntry(
            project_code=facts.project_code,
            project_name=facts.name,
            region=facts.region,
            industry=draw(st.sampled_from(INDUSTRIES)),
            status=draw(st.sampled_from(["in_construction", "planned", "existing"])),
            disposal=draw(st.sampled_from(["continue", "rectify", "stop"])),
            annual_tce=draw(st.none() | st.floats(0, 1e6)),
        )
    return Context(status, inventory)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Facts, Context]:
    facts = draw(facts_strategy())
    return facts, draw(contexts(facts))


NO_CONTEXT = Context()


def run(facts: Facts, context: Context = NO_CONTEXT) -> Assessment:
    policy = policy_in_force(REF.policy_versions, facts.submitted_on)
    return assess(facts, policy=policy, context=context, reference=REF)


@SETTINGS
@given(case=cases(), extra=energy_lines())
def test_adding_energy_never_lowers_counted_tce(case, extra):
    facts, context = case
    more = dataclasses.replace(facts, energy=(*facts.energy, extra))
    assert run(more, context).counted_tce >= run(facts, context).counted_tce


@SETTINGS
@given(case=cases())
def test_exempt_is_never_routed_to_window_guidance(case):
    result = run(*case)
    found = {f.code for f in result.findings}
    if result.tier in {"TIER_EXEMPT", "TIER_EXEMPT_INDUSTRY"}:
        assert result.route == "exempt"
        assert result.recommendation == "not_required"
        assert not found & {"NATIONAL_WINDOW_GUIDANCE", "LOCAL_STRICT", *REJECTING, *DEFERRING}
        assert all(f.severity != "blocking" for f in result.findings)
    if result.route == "national_window_guidance":
        assert result.review_level != "none"
        assert result.energy.new_tce >= result.policy.two_high_window_guidance_tce
        assert result.two_high.is_two_high


@SETTINGS
@given(case=cases())
def test_shortfall_is_required_minus_provided_never_negative(case):
    facts, context = case
    sub = run(facts, context).substitution
    provided = sum((s.saved_tce for s in facts.substitution_sources), 0.0)
    assert sub.provided_tce == provided
    assert sub.shortfall_tce == max(0.0, sub.required_tce - sub.provided_tce)
    if sub.required:
        assert context.region_status is not None
        assert sub.ratio == context.region_status.substitution_ratio
        assert sub.required_tce == run(facts, context).counted_tce * sub.ratio
    else:
        assert (sub.ratio, sub.required_tce, sub.shortfall_tce) == (None, 0.0, 0.0)


@SETTINGS
@given(case=cases())
def test_recommendation_follows_the_findings(case):
    result = run(*case)
    found = {f.code for f in result.findings}
    assert result.findings[0].code == result.tier
    assert [codes.ORDER[f.code] for f in result.findings] == sorted(
        codes.ORDER[f.code] for f in result.findings
    )
    if result.route == "exempt":
        expected = "not_required"
    elif found & REJECTING:
        expected = "reject"
    elif found & DEFERRING:
        expected = "defer"
    else:
        expected = "approve"
    assert result.recommendation == expected
    assert result.counted_tce >= 0.0
    assert len(result.efficiency) == len(case[0].products)


@SETTINGS
@given(facts=facts_strategy())
def test_facts_survive_the_payload_round_trip(facts):
    payload = facts_to_payload(facts)
    assert parse_facts(payload, reference=REF, today=date(2026, 1, 1)) == facts
