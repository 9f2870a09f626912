"""Energy-efficiency level of each product against 发改产业〔2021〕1609号.

``benchmark`` if unit consumption ≤ 标杆, else ``baseline`` if ≤ 基准, else ``below_baseline``.
Lower is better, negative values included (energy-recovering processes such as the converter).
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.engine.reference import Reference
from rules.engine.types import EfficiencyLevel, EfficiencyResult, ProductLine


def level(unit_energy: float, benchmark: float, baseline: float) -> EfficiencyLevel:
    if unit_energy <= benchmark:
        return "benchmark"
    if unit_energy <= baseline:
        return "baseline"
    return "below_baseline"


def evaluate(products: Iterable[ProductLine], reference: Reference) -> tuple[EfficiencyResult, ...]:
    """One result per product line, in input order."""
    benchmarks = reference.benchmarks
    out: list[EfficiencyResult] = []
    for line in products:
        row = benchmarks[line.product]
        out.append(
            EfficiencyResult(
                product=row.product,
                name_zh=row.name_zh,
                unit=row.unit,
                unit_energy=line.unit_energy,
                level=level(line.unit_energy, row.benchmark, row.baseline),
                benchmark=row.benchmark,
                baseline=row.baseline,
            )
        )
    return tuple(out)
