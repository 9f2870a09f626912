"""The five steps of a project's pages: their numbers, slugs, titles and the payload keys
whose errors each step shows (`step_of_path` finds the step of an error path).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: Any
    fields: tuple[str, ...]  # top-level payload keys whose errors belong to this step


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "basics",
        _("基本信息"),
        (
            "project_code",
            "name",
            "region",
            "industry",
            "construction_type",
            "project_type",
            "unchanged_site_process_equipment",
            "national_major_project",
            "national_major_document",
            "national_major_relief_share",
            "planned_start",
            "planned_completion",
            "total_investment_wan",
            "description",
        ),
    ),
    Step(
        2,
        "energy",
        _("能源消费"),
        (
            "energy",
            "baseline_energy",
            "exported_energy",
            "renewable_electricity_kwh",
            "feedstock_tce",
        ),
    ),
    Step(3, "products", _("主要产品"), ("products",)),
    Step(4, "substitution", _("能耗替代来源"), ("substitution_sources",)),
    Step(5, "attachments", _("附件与提交"), ("attachments", "submitted_on", "non_field_errors")),
)
STEP_BY_NUMBER = {step.number: step for step in STEPS}
LAST_STEP = STEPS[-1].number


def step_of_path(path: str) -> int:
    """The step on which the field of an error path is entered."""
    head = path.split(".", 1)[0]
    for step in STEPS:
        if head in step.fields:
            return step.number
    return LAST_STEP
