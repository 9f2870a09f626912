"""Changes after approval (2023《办法》): what makes a change need the authority's review again.

:func:`change_review_reasons` compares the approved facts with the new ones (energy use up by
``CHANGE_ENERGY_INCREASE`` or more, the site, the efficiency level of a product) and adds what the
applicant states (construction content or scale). Pure Python: no Django.

Split from ``review.workflow``, which re-exports these names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Final

# 《办法》: energy use up by 10% or more, or the main energy type changed, needs a change review.
CHANGE_ENERGY_INCREASE: Final = 0.10


class ChangeTrigger(StrEnum):
    """What makes a change after approval need the authority (2023《办法》)."""

    SITE = "site"
    CONTENT = "content"  # construction content or scale
    EFFICIENCY = "efficiency"
    ENERGY = "energy"  # energy use ≥ 10% above the approved review figure


CHANGE_TRIGGER_LABELS: Final[Mapping[str, str]] = {
    ChangeTrigger.SITE: "建设地点变更",
    ChangeTrigger.CONTENT: "建设内容或建设规模变更",
    ChangeTrigger.EFFICIENCY: "能效水平变更",
    ChangeTrigger.ENERGY: "年综合能耗超过审查意见确定水平10%及以上",
}


def change_review_reasons(
    *,
    approved_tce: float,
    new_tce: float,
    approved_region: str = "",
    new_region: str = "",
    approved_levels: Mapping[str, str] | None = None,
    new_levels: Mapping[str, str] | None = None,
    stated: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """The triggers of a change application (2023《办法》), as ``(code, reason in words)``.

    Energy is compared on the review figure (``counted_tce`` of the contract); the site on the
    region code; the efficiency level product by product. Content and scale are what the
    applicant states (he may also state the others). Empty: the change needs no application.
    """
    found: dict[str, str] = {}
    if approved_tce > 0 and new_tce >= approved_tce * (1 + CHANGE_ENERGY_INCREASE) - 1e-9:
        pct = (new_tce / approved_tce - 1) * 100
        found[ChangeTrigger.ENERGY] = (
            f"年综合能耗{new_tce:.2f}吨标准煤，较审查意见确定的{approved_tce:.2f}吨标准煤"
            f"增加{pct:.1f}%（≥10%）"
        )
    elif approved_tce <= 0 < new_tce:
        found[ChangeTrigger.ENERGY] = "年综合能耗由零增加"
    if approved_region and new_region and approved_region != new_region:
        found[ChangeTrigger.SITE] = f"建设地点由{approved_region}变更为{new_region}"
    old_levels, new_levels_ = dict(approved_levels or {}), dict(new_levels or {})
    changed = sorted(
        p for p in old_levels.keys() & new_levels_.keys() if old_levels[p] != new_levels_[p]
    )
    if changed:
        found[ChangeTrigger.EFFICIENCY] = "主要产品能效水平变化：" + "、".join(changed)
    for code in stated:
        if code in CHANGE_TRIGGER_LABELS and code not in found:
            found[code] = f"申请人申明：{CHANGE_TRIGGER_LABELS[code]}"
    order = list(ChangeTrigger)
    return sorted(found.items(), key=lambda item: order.index(ChangeTrigger(item[0])))
