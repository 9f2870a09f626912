"""Checks of project input, before anything is written: the engine's judgement of the facts
(`rules.services.assessment_run`), the draft rules and what a complete application needs.

Reads only. `projects.services` calls these and re-exports the exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rules import engine
from rules.services import assessment_run

from . import limits, selectors
from .models import Attachment, EnergyLine, Project
from .validators import validate_pdf_upload, validate_project_code

# Keys of the contract's input JSON a draft stores on the project row.
SCALAR_FIELDS = (
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
    "renewable_electricity_kwh",
    "feedstock_tce",
)
# Project details outside the contract (typed by the form or serializer that collects them).
DETAIL_FIELDS = ("planned_start", "planned_completion", "total_investment_wan", "description")
LIST_FIELDS = ("energy", "baseline_energy", "exported_energy", "products", "substitution_sources")
ALL_FIELDS = frozenset((*SCALAR_FIELDS, *DETAIL_FIELDS, *LIST_FIELDS))
# A draft may leave these empty; submitting needs them (the engine then says "required").
DRAFT_MAY_LACK = frozenset({"region", "industry", "construction_type"})
# Keys of list rows that are ours, not the contract's.
ROW_EXTRA_KEYS = frozenset({"id", "evidence"})

ErrorText = str | engine.ErrorMessage


class ProjectError(Exception):
    """A project write that cannot happen."""


class ProjectInvalid(ProjectError):
    """Bad input; `errors` maps each field path (`energy.1.quantity`) to its messages."""

    def __init__(self, errors: Mapping[str, Sequence[ErrorText]]) -> None:
        self.errors: dict[str, list[ErrorText]] = {k: list(v) for k, v in errors.items() if v}
        super().__init__(f"invalid project: {', '.join(self.errors)}")

    def messages(self, lang: str = "zh") -> dict[str, list[str]]:
        return {
            path: [m.text(lang) if isinstance(m, engine.ErrorMessage) else str(m) for m in msgs]
            for path, msgs in self.errors.items()
        }

    def as_dict(self, lang: str = "zh") -> dict[str, dict[str, list[str]]]:
        """The API's error shape: `{"errors": {path: [message, ...]}}`."""
        return {"errors": self.messages(lang)}


class ProjectNotEditable(ProjectError):
    """The project is submitted (and not in a correction round) or exempt."""

    def __init__(self, project: Project) -> None:
        self.project = project
        super().__init__(
            _("项目当前状态为“%(status)s”，不能修改或提交。")
            % {"status": project.get_status_display()}
        )


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------
def _touches(path: str, keys: Iterable[str]) -> bool:
    return any(path == key or path.startswith(f"{key}.") for key in keys)


def _contract_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in ROW_EXTRA_KEYS} for row in rows]


def payload_with_changes(*, project: Project | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The contract payload of `project`'s saved facts with `data`'s contract keys laid over it.

    Used to assess an unsaved form live and to validate a change before writing it. Empty
    strings count as absent.
    """
    payload = selectors.project_payload(project) if project is not None else {}
    for key in (*SCALAR_FIELDS, *LIST_FIELDS):
        if key not in data:
            continue
        value = data[key]
        if key in LIST_FIELDS:
            payload[key] = _contract_rows(value or [])
        elif value is None or (isinstance(value, str) and not value.strip()):
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def engine_errors(
    payload: Mapping[str, Any], *, today: date | None = None
) -> tuple[dict[str, list[ErrorText]], engine.Facts | None, engine.Assessment | None]:
    try:
        facts, assessment = assessment_run(payload, today=today)
    except engine.InvalidFacts as exc:
        return dict(exc.errors), None, None
    return {}, facts, assessment


def _draft_errors(
    errors: Mapping[str, list[ErrorText]], touched: Iterable[str]
) -> dict[str, list[ErrorText]]:
    """The errors that block saving a draft: those of the fields being changed, except that a
    draft may still lack its region, industry and construction type."""
    touched = list(touched)
    out: dict[str, list[ErrorText]] = {}
    for path, messages in errors.items():
        if not _touches(path, touched):
            continue
        if path in DRAFT_MAY_LACK:
            messages = [
                m
                for m in messages
                if not (isinstance(m, engine.ErrorMessage) and m.code == "required")
            ]
        if messages:
            out[path] = list(messages)
    return out


def _detail_errors(project: Project | None, data: Mapping[str, Any]) -> dict[str, list[ErrorText]]:
    errors: dict[str, list[ErrorText]] = {}
    if "name" in data and not str(data["name"] or "").strip():
        errors["name"] = [_("请填写项目名称。")]
    code = data.get("project_code")
    if code:
        try:
            validate_project_code(str(code))
        except ValidationError as exc:
            errors["project_code"] = list(exc.messages)
    start = (
        data["planned_start"]
        if "planned_start" in data
        else getattr(project, "planned_start", None)
    )
    end = (
        data["planned_completion"]
        if "planned_completion" in data
        else getattr(project, "planned_completion", None)
    )
    if start and end and end < start:
        errors["planned_completion"] = [_("计划建成日期不得早于计划开工日期。")]
    investment = data.get("total_investment_wan")
    if investment is not None and Decimal(investment) < 0:
        errors["total_investment_wan"] = [_("总投资不得为负数。")]
    return errors


def _source_errors(
    project: Project | None, rows: Sequence[Mapping[str, Any]]
) -> dict[str, list[ErrorText]]:
    errors: dict[str, list[ErrorText]] = {}
    known = {s.pk for s in project.substitution_sources.all()} if project is not None else set()
    for index, row in enumerate(rows):
        row_id = row.get("id")
        if row_id not in (None, "") and int(row_id) not in known:
            errors[f"substitution_sources.{index}.id"] = [_("该替代来源不属于本项目。")]
        upload = row.get("evidence")
        if upload:
            try:
                validate_pdf_upload(upload)
            except ValidationError as exc:
                errors[f"substitution_sources.{index}.evidence"] = list(exc.messages)
    return errors


def validate_change(
    project: Project | None, data: Mapping[str, Any]
) -> tuple[dict[str, Any], engine.Assessment | None]:
    """Raise ProjectInvalid for any bad field of `data`; return the merged payload and, when the
    whole draft is complete and valid, its assessment."""
    unknown = set(data) - ALL_FIELDS
    errors: dict[str, list[ErrorText]] = {key: [_("未知字段。")] for key in sorted(unknown)}
    # Limits first: an oversized change is refused before the engine spends time on it.
    over = limits.limit_errors(data)
    if over:
        raise ProjectInvalid({**errors, **over})
    errors.update(_detail_errors(project, data))
    if "substitution_sources" in data:
        errors.update(_source_errors(project, data["substitution_sources"] or []))
    payload = payload_with_changes(project=project, data=data)
    found, _facts, assessment = engine_errors(payload)
    for path, messages in _draft_errors(found, data.keys()).items():
        errors.setdefault(path, []).extend(messages)
    if errors:
        raise ProjectInvalid(errors)
    return payload, assessment


def submit_errors(
    project: Project, assessment: engine.Assessment | None
) -> dict[str, list[ErrorText]]:
    """Checks beyond the engine's: what a complete application must contain."""
    errors: dict[str, list[ErrorText]] = {}
    if not project.name.strip():
        errors["name"] = [_("请填写项目名称。")]
    if not project.project_code:
        errors["project_code"] = [_("请填写全国投资项目在线审批监管平台赋予的项目代码。")]
    errors.update({k: v for k, v in _detail_errors(project, {}).items() if k != "project_code"})
    energy = selectors.energy_lines_of(project, EnergyLine.Kind.ENERGY)
    if not energy:
        errors["energy"] = [_("请至少填写一种能源消费。")]
    if project.construction_type == "renovation" and not selectors.energy_lines_of(
        project, EnergyLine.Kind.BASELINE
    ):
        # 《办法》(2023): a renovation is counted on its increment over the existing use.
        errors["baseline_energy"] = [_("改建项目须填写改建前用能，按增量计算能耗。")]
    if assessment is not None and assessment.route != "exempt":
        kinds = {a.kind for a in project.attachments.all()}
        if Attachment.Kind.ENERGY_REPORT not in kinds:
            errors["attachments"] = [
                _(
                    "须上传节能报告（PDF）：本项目需单独进行节能审查"
                    "（《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）第八条）。"
                )
            ]
    return errors


def application_check(
    *, pk: int, day: date
) -> tuple[Project, dict[str, list[ErrorText]], engine.Facts | None, engine.Assessment | None]:
    """The project with its lines, everything that stands in the way of submitting it on `day`
    (the engine's errors under the policy in force that day, then `submit_errors`), and the
    facts and assessment when there is nothing."""
    full = (
        Project.objects.select_related("organization")
        .prefetch_related(*selectors.LINE_PREFETCHES)
        .get(pk=pk)
    )
    errors, facts, assessment = engine_errors(
        selectors.project_payload(full, submitted_on=day), today=day
    )
    for path, messages in submit_errors(full, assessment).items():
        errors.setdefault(path, []).extend(messages)
    return full, errors, facts, assessment
