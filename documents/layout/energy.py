"""The energy section: contract v2 figures (review, new, counted) with the rule each serves, or
the v1 totals of older frozen assessments; fossil, renewable and feedstock amounts; electricity
in kWh and 万千瓦时."""

from __future__ import annotations

from typing import Any

from documents.layout import texts
from documents.layout.numerals import num, quantity


def energy_lines(
    *, assessment: dict[str, Any], facts: dict[str, Any], reference: Any, issued_on: Any
) -> list[dict[str, Any]]:
    """Per-line figures: the frozen assessment's, else recomputed from the frozen facts."""
    from rules import engine

    lines = (assessment.get("energy") or {}).get("lines")
    if lines is not None:
        return list(lines)
    try:
        parsed = engine.parse_facts(
            facts, reference=reference, today=issued_on, policy_versions=reference.policy_versions
        )
        version = assessment.get("policy_version")
        policy = next(
            (p for p in reference.policy_versions if p.version == version),
            engine.policy_in_force(reference.policy_versions, parsed.submitted_on),
        )
        account = engine.energy.account(parsed, policy=policy, reference=reference)
    except Exception:  # noqa: BLE001 - an old or partial record: print what was declared
        return [
            {"type": e.get("type"), "quantity": e.get("quantity"), "unit": e.get("unit")}
            for e in facts.get("energy", [])
        ]
    return [line._asdict() for line in account.lines]


def energy_section(
    *,
    assessment: dict[str, Any],
    facts: dict[str, Any],
    reference: Any,
    issued_on: Any,
    edition: str,
    counted_fallback: float,
) -> dict[str, Any]:
    energy = assessment.get("energy") or {}
    v2 = "review_tce" in energy
    lines = []
    fossil = 0.0
    for line in energy_lines(
        assessment=assessment, facts=facts, reference=reference, issued_on=issued_on
    ):
        code = line.get("type", "")
        energy_type = reference.energy_types.get(code)
        unit = reference.units.get(line.get("unit", "")) or reference.unit_for(line.get("unit", ""))
        if code not in texts.NON_FOSSIL_TYPES and line.get("equivalent_tce") is not None:
            fossil += float(line.get("equivalent_tce") or 0)
        lines.append(
            {
                "name": energy_type.name_zh if energy_type else code,
                "quantity": quantity(line.get("quantity")),
                "unit": unit.unit_zh if unit else line.get("unit"),
                "equivalent_tce": num(line.get("equivalent_tce")),
                "equal_value_tce": num(line.get("equal_value_tce")),
            }
        )
    equivalent = energy.get("equivalent_tce")
    renewable = float(energy.get("renewable_tce", energy.get("renewable_deduction_tce")) or 0)
    feedstock = float(energy.get("feedstock_tce") or facts.get("feedstock_tce") or 0)
    baseline = float(energy.get("baseline_tce", energy.get("baseline_equivalent_tce")) or 0)
    counted = energy.get("counted_tce", counted_fallback)
    kwh = float(energy.get("electricity_kwh") or 0)
    measures = texts.measures(edition)
    if v2:
        figures = [
            {
                "label": "年综合能源消费量（当量值）",
                "value": num(energy.get("review_tce")),
                "rule": f"确定审查层级及是否单独审查（{measures}）",
            },
            {
                "label": "新增能耗",
                "value": num(energy.get("new_tce")),
                "rule": f"“两高”项目窗口指导判定（{texts.plan('七')}）",
            },
            {
                "label": "计入能耗双控的能源消费量",
                "value": num(counted),
                "rule": f"能耗等量减量替代及用能预算（{texts.plan('十二')}、{texts.plan('十一')}）",
            },
        ]
    else:
        figures = [
            {
                "label": "年综合能源消费量（当量值）",
                "value": num(equivalent),
                "rule": f"确定审查层级、窗口指导判定（{measures}；{texts.plan('七')}）",
            },
            {
                "label": "计入能耗双控的能源消费量",
                "value": num(counted),
                "rule": f"能耗等量减量替代（{texts.plan('十二')}）",
            },
        ]
    coefficient = (assessment.get("policy") or {}).get("equal_value_kgce_per_kwh")
    return {
        "v2": v2,
        "lines": lines,
        "figures": figures,
        "equivalent_tce": num(equivalent),
        "equal_value_tce": num(energy.get("equal_value_tce")),
        "review_tce": num(energy.get("review_tce", equivalent)),
        "new_tce": num(energy.get("new_tce", equivalent)),
        "counted_tce": num(counted),
        "on_increment": bool(energy.get("on_increment")),
        "fossil_tce": num(fossil),
        "baseline_tce": num(baseline) if baseline else "",
        "renewable_tce": num(renewable) if renewable else "",
        "feedstock_tce": num(feedstock) if feedstock else "",
        "renewable_basis": texts.RENEWABLE,
        "feedstock_basis": texts.FEEDSTOCK,
        "electricity_kwh": num(kwh, 0),
        "electricity_wan_kwh": num(kwh / 10000, 2),
        "electricity_label": "年用电增量" if energy.get("on_increment") else "年用电量",
        "equal_value_coefficient": f"{coefficient:g}" if coefficient else "—",
        "equivalent_coefficient": f"{reference.electricity_tce_per_kwh * 1000:g}",
        "gb2589": texts.GB2589,
    }
