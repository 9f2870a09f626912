"""The frozen facts and assessment of a submission in Chinese names, for the case page: region
and industry by name, energy lines and products with their units, benchmarks and levels (no
query; the names come from the engine's reference data).

Split from ``review.selectors``, which re-exports these names.
"""

from __future__ import annotations

from typing import Any


def _region_name(
    regions: dict[str, str], code: str, abolished: dict[str, str] | None = None
) -> str:
    """江苏省苏州市虎丘区 from 320505 (province, city, county of GB/T 2260); a code abolished
    since (a historical project) is named from `abolished`."""
    parts: list[str] = []
    for key in (code[:2] + "0000", code[:4] + "00", code):
        name = regions.get(key) or (abolished or {}).get(key, "")
        if name and name not in parts and name not in ("市辖区", "县"):
            parts.append(name)
    return "".join(parts)


CONSTRUCTION_LABELS = {"new": "新建", "expansion": "扩建", "renovation": "改建"}


def submission_display(*, facts: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
    """The frozen facts and assessment with Chinese names, for the case page (no query)."""
    from rules.engine import load_reference
    from rules.engine.messages import label

    ref = load_reference()
    energy_names = {k: v.name_zh for k, v in ref.energy_types.items()}
    products = dict(ref.benchmarks)
    lines_tce = [
        line.get("equivalent_tce") for line in (assessment.get("energy") or {}).get("lines", [])
    ]
    energy_rows = []
    for i, line in enumerate(facts.get("energy") or []):
        unit = ref.units.get(line.get("unit"))
        energy_rows.append(
            {
                "name": energy_names.get(line.get("type"), line.get("type")),
                "quantity": line.get("quantity"),
                "unit": unit.unit_zh if unit else line.get("unit"),
                "tce": lines_tce[i] if i < len(lines_tce) else None,
            }
        )
    efficiency = {e.get("product"): e for e in assessment.get("efficiency") or []}
    product_rows = []
    for row in facts.get("products") or []:
        bench = products.get(row.get("product"))
        eff = efficiency.get(row.get("product")) or {}
        product_rows.append(
            {
                "name": bench.name_zh if bench else row.get("product"),
                "unit": bench.unit if bench else "",
                "annual_output": row.get("annual_output"),
                "unit_energy": row.get("unit_energy"),
                "benchmark": eff.get("benchmark"),
                "baseline": eff.get("baseline"),
                "level": label("level", eff.get("level")) if eff.get("level") else "",
                "level_code": eff.get("level", ""),
            }
        )
    region = facts.get("region") or ""
    industry = facts.get("industry") or ""
    two_high = assessment.get("two_high") or {}
    return {
        "region": (
            f"{_region_name(ref.regions, region, getattr(ref, 'abolished_regions', None))}"
            f"（{region}）"
            if region
            else ""
        ),
        "industry": f"{ref.industries.get(industry, '')}（{industry}）" if industry else "",
        "construction": CONSTRUCTION_LABELS.get(facts.get("construction_type", ""), ""),
        "energy_rows": energy_rows,
        "product_rows": product_rows,
        "sources": facts.get("substitution_sources") or [],
        "sector": label("sector", two_high.get("sector")) if two_high.get("sector") else "",
        "energy": assessment.get("energy") or {},
        "substitution": assessment.get("substitution") or {},
        "findings": assessment.get("findings") or [],
    }
