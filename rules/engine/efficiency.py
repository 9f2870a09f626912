"""Energy-efficiency level of each product against the benchmark edition in force.

The edition in force on ``submitted_on`` is the product's row with the latest
``effective_from`` on or before it (发改产业〔2021〕1609号, later editions); with none, the level
is ``no_benchmark``. Otherwise ``benchmark`` if unit consumption ≤ 标杆, else ``baseline`` if
≤ 基准, else ``below_baseline``. Lower is better, negative values included (energy-recovering
processes such as the converter). ``mandatory``: a sector plan makes the benchmark binding on
that date (``benchmark_mandatory_from`` ≤ ``submitted_on``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rules.engine.reference import Reference
from rules.engine.types import EfficiencyLevel, EfficiencyResult, ProductLine


def level(unit_energy: float, benchmark: float, baseline: float) -> EfficiencyLevel:
    if unit_energy <= benchmark:
        return "benchmark"
    if unit_energy <= baseline:
        return "baseline"
    return "below_baseline"


def evaluate(
    products: Iterable[ProductLine], reference: Reference, on: date
) -> tuple[EfficiencyResult, ...]:
    """One result per product line, in input order."""
    out: list[EfficiencyResult] = []
    for line in products:
        row = reference.benchmark_in_force(line.product, on)
        if row is None:
            any_row = reference.benchmarks.get(line.product)
            out.append(
                EfficiencyResult(
                    product=line.product,
                    name_zh=any_row.name_zh if any_row else line.product,
                    unit=any_row.unit if any_row else "",
                    unit_energy=line.unit_energy,
                    level="no_benchmark",
                    benchmark=None,
                    baseline=None,
                    edition=None,
                    mandatory=False,
                    annual_output=line.annual_output,
                    industries=any_row.industries if any_row else (),
                    source=any_row.source if any_row else "",
                    output_unit=any_row.output_unit if any_row else "",
                )
            )
            continue
        out.append(
            EfficiencyResult(
                product=row.product,
                name_zh=row.name_zh,
                unit=row.unit,
                unit_energy=line.unit_energy,
                level=level(line.unit_energy, row.benchmark, row.baseline),
                benchmark=row.benchmark,
                baseline=row.baseline,
                edition=row.edition,
                mandatory=row.mandatory_on(on),
                annual_output=line.annual_output,
                industries=row.industries,
                source=row.source,
                mandatory_basis=row.mandatory_basis,
                output_unit=row.output_unit,
                mandatory_from=(
                    row.benchmark_mandatory_from.isoformat()
                    if row.benchmark_mandatory_from is not None
                    else ""
                ),
            )
        )
    return tuple(out)


KGCE_PER_T = "kgce/t"


def declared_product_tce(results: Iterable[EfficiencyResult]) -> float:
    """Σ unit_energy × annual_output ÷ 1000 over products whose unit is kgce/t (GB/T 2589)."""
    return sum(
        (r.unit_energy * r.annual_output / 1000.0 for r in results if r.unit == KGCE_PER_T), 0.0
    )
