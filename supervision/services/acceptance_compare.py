"""节能验收, the comparison (no writes): the actual plant's energy accounting against the
approved figures, unit energy per product, the opinion's conditions, and the 2023《办法》 change
rule (actual energy use 10% or more above the approved level, or another main energy type,
``review.workflow.CHANGE_ENERGY_INCREASE``). Used when the acceptance is filed
(``supervision.services.acceptance``), which stores the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from review import workflow
from review.models import ReviewCase
from rules import engine
from rules.services import assessment_run


def opinion_conditions(case: ReviewCase) -> list[str]:
    """The opinion's conditions, one per non-blank line of ``case.conditions``."""
    return [line.strip() for line in (case.conditions or "").splitlines() if line.strip()]


def _pct(new: float, old: float) -> float | None:
    return None if not old else round((new / old - 1) * 100, 2)


def actual_account(case: ReviewCase, energy_lines: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The engine's energy accounting of the approved facts with the actual energy lines.

    Raises ValidationError (``energy_lines``) with the engine's messages for bad lines.
    """
    payload = dict(case.submission.facts)
    payload["energy"] = [dict(line) for line in energy_lines]
    try:
        _, assessment = assessment_run(payload)
    except engine.InvalidFacts as exc:
        messages = [
            f"{path}：{msg}" for path, msgs in exc.as_dict()["errors"].items() for msg in msgs
        ]
        raise ValidationError({"energy_lines": messages}) from exc
    return assessment.as_dict()["energy"]


def _main_type(lines: Sequence[Mapping[str, Any]]) -> str:
    """The energy type with the largest equivalent figure."""
    best = max(lines, key=lambda x: float(x.get("equivalent_tce") or 0), default=None)
    return str(best.get("type") or "") if best else ""


def change_reasons(
    *, approved_tce: float, actual_tce: float, approved_main: str, actual_main: str
) -> list[str]:
    """Why the actual plant needed a change application (2023《办法》): energy use 10% or more
    above the approved figure (``review.workflow.CHANGE_ENERGY_INCREASE``), or another main
    energy type."""
    reasons: list[str] = []
    line = approved_tce * (1 + workflow.CHANGE_ENERGY_INCREASE)
    if approved_tce > 0 and actual_tce >= line - 1e-9:
        pct = (actual_tce / approved_tce - 1) * 100
        reasons.append(
            f"实际年综合能耗{actual_tce:.2f}吨标准煤，较审查意见{approved_tce:.2f}吨标准煤"
            f"增加{pct:.1f}%（≥10%）"
        )
    elif approved_tce <= 0 < actual_tce:
        reasons.append("实际年综合能耗由零增加")
    if approved_main and actual_main and approved_main != actual_main:
        reasons.append(f"主要能源品种由{approved_main}变为{actual_main}")
    return reasons


def acceptance_compare(
    *,
    case: ReviewCase,
    energy_lines: Sequence[Mapping[str, Any]],
    products: Sequence[Mapping[str, Any]],
    conditions: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Actual against approved: energy (review figure and new figure, same accounting), unit
    energy per product, each condition. ``exceeds`` is the ≥10% change rule of the 《办法》."""
    approved_assessment = case.submission.assessment or {}
    approved = approved_assessment.get("energy") or {}
    actual = actual_account(case, energy_lines)
    approved_tce = float(approved.get("counted_tce") or 0.0)
    actual_tce = float(actual.get("counted_tce") or 0.0)
    reasons = change_reasons(
        approved_tce=approved_tce,
        actual_tce=actual_tce,
        approved_main=_main_type(approved.get("lines") or []),
        actual_main=_main_type(actual.get("lines") or []),
    )
    approved_products = {
        p.get("product"): p for p in (case.submission.facts or {}).get("products") or []
    }
    product_rows = []
    for row in products:
        before = approved_products.get(row.get("product")) or {}
        approved_unit = before.get("unit_energy")
        actual_unit = float(row.get("unit_energy") or 0.0)
        product_rows.append(
            {
                "product": row.get("product"),
                "approved_unit_energy": approved_unit,
                "actual_unit_energy": actual_unit,
                "change_pct": _pct(actual_unit, float(approved_unit)) if approved_unit else None,
                "worse": approved_unit is not None and actual_unit > float(approved_unit) + 1e-9,
            }
        )
    condition_rows = [dict(c) for c in conditions]
    return {
        "approved": {
            "equivalent_tce": approved.get("equivalent_tce"),
            "equal_value_tce": approved.get("equal_value_tce"),
            "counted_tce": approved_tce,
            "lines": approved.get("lines") or [],
        },
        "actual": {
            "equivalent_tce": actual.get("equivalent_tce"),
            "equal_value_tce": actual.get("equal_value_tce"),
            "counted_tce": actual_tce,
            "lines": actual.get("lines") or [],
        },
        "change_pct": _pct(actual_tce, approved_tce),
        "threshold_pct": round(workflow.CHANGE_ENERGY_INCREASE * 100),
        "exceeds": bool(reasons),
        "reasons": reasons,
        "products": product_rows,
        "conditions": condition_rows,
        "unmet_conditions": sum(1 for c in condition_rows if not c.get("done")),
    }
