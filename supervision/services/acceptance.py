"""节能验收: the owner files the acceptance of an approved case; the authority checks it;
rectification orders are followed to closure; overdue acceptances are flagged.

2023《办法》 (国家发展改革委令2023年第2号): before operation the owner checks the implementation
of the energy-saving measures and of the opinion and files the acceptance; actual energy use 10%
or more above the approved level needs a change application (``review.workflow``).

This module holds the input checks and the writes; the comparison of actual against approved
(no writes) is in ``acceptance_compare``, the rectification steps in ``rectification``; both
are re-exported here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from projects.services_files import upload_sha256
from projects.validators import validate_pdf_upload
from review.models import CaseState, ReviewCase
from review.services import case_lock

from .. import permissions
from ..models import (
    Acceptance,
    AcceptanceState,
    FlagKind,
    SupervisionFlag,
)
from . import common, inventory, rectification
from .acceptance_compare import acceptance_compare as acceptance_compare
from .acceptance_compare import actual_account as actual_account
from .acceptance_compare import change_reasons as change_reasons
from .acceptance_compare import opinion_conditions as opinion_conditions
from .rectification import (  # noqa: F401  (the acceptance flow's other steps)
    rectification_close,
    rectification_order,
    rectification_report,
)

MAX_LINES = 20
MAX_EVIDENCE = 500


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------
def _clean_lines(raw: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    rows = list(raw or [])
    if not rows:
        errors.setdefault("energy_lines", []).append("请至少填写一种实际能源消费。")
        return []
    if len(rows) > MAX_LINES:
        errors.setdefault("energy_lines", []).append(f"能源品种最多{MAX_LINES}项。")
        return []
    lines = []
    for index, row in enumerate(rows, start=1):
        kind = str(row.get("type") or "").strip()[:32]
        unit = str(row.get("unit") or "").strip()[:16]
        try:
            quantity = float(row.get("quantity"))
        except (TypeError, ValueError):
            quantity = -1.0
        if not kind or not unit or not quantity >= 0:
            errors.setdefault("energy_lines", []).append(
                f"第{index}行：请填写能源品种、计量单位和不小于0的年用量。"
            )
            continue
        lines.append({"type": kind, "quantity": quantity, "unit": unit})
    return lines


def _clean_products(raw: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    products = []
    for index, row in enumerate(list(raw or [])[:MAX_LINES], start=1):
        name = str(row.get("product") or "").strip()[:64]
        try:
            unit_energy = float(row.get("unit_energy"))
            output = float(row.get("annual_output") or 0)
        except (TypeError, ValueError):
            unit_energy = output = -1.0
        if not name or unit_energy < 0 or output < 0:
            errors.setdefault("products", []).append(
                f"第{index}行：请填写产品和不小于0的单位产品综合能耗、年产量。"
            )
            continue
        products.append({"product": name, "annual_output": output, "unit_energy": unit_energy})
    return products


def _clean_conditions(
    case: ReviewCase, raw: Any, errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    expected = opinion_conditions(case)
    given = list(raw or [])
    if len(given) != len(expected):
        errors.setdefault("conditions", []).append(
            f"审查意见共有{len(expected)}项条件，请逐项填写落实情况。"
        )
        return []
    rows = []
    for index, (text, row) in enumerate(zip(expected, given, strict=True), start=1):
        done = bool(row.get("done"))
        evidence = str(row.get("evidence") or "").strip()
        if len(evidence) > MAX_EVIDENCE:
            errors.setdefault("conditions", []).append(
                f"第{index}项：落实情况说明不超过{MAX_EVIDENCE}字。"
            )
        elif done and not evidence:
            errors.setdefault("conditions", []).append(
                f"第{index}项：已落实的条件请说明落实情况及证明材料。"
            )
        rows.append({"text": text, "done": done, "evidence": evidence})
    return rows


# --------------------------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------------------------
def acceptance_file(
    *,
    case: ReviewCase,
    by: Any,
    data: Mapping[str, Any],
    report: UploadedFile | None,
    today: date | None = None,
) -> Acceptance:
    """The owner files the acceptance of an approved, started case (one filing per case).

    ``data``: completed_on (date), actual_capacity, energy_lines, products, conditions (one per
    opinion condition: done, evidence), committee_conclusion. Raises PermissionDenied (not the
    owner) or ValidationError naming each bad field; on error no row and no file remain.
    Side effects: the comparison is stored; overdue flags of the case are resolved; the two-high
    inventory entry becomes 存量; an audit event; notices to the authority.
    """
    today = common.today_or(today)
    permissions.require_owner(by, case)
    errors: dict[str, list[str]] = {}
    completed_on = data.get("completed_on")
    if not isinstance(completed_on, date):
        errors["completed_on"] = ["请填写竣工日期。"]
    elif completed_on > today:
        errors["completed_on"] = ["竣工日期不能晚于今天。"]
    elif case.started_construction_on and completed_on < case.started_construction_on:
        errors["completed_on"] = ["竣工日期不能早于开工日期。"]
    capacity = str(data.get("actual_capacity") or "").strip()
    if not capacity:
        errors["actual_capacity"] = ["请填写实际建设规模（产能）。"]
    elif len(capacity) > 200:
        errors["actual_capacity"] = ["不超过200字。"]
    conclusion = str(data.get("committee_conclusion") or "").strip()
    if not conclusion:
        errors["committee_conclusion"] = ["请填写验收委员会结论。"]
    elif len(conclusion) > 2000:
        errors["committee_conclusion"] = ["不超过2000字。"]
    lines = _clean_lines(data.get("energy_lines"), errors)
    products = _clean_products(data.get("products"), errors)
    conditions = _clean_conditions(case, data.get("conditions"), errors)
    if report is None:
        errors["report"] = ["请上传节能验收报告（PDF）。"]
    else:
        try:
            validate_pdf_upload(report)
        except ValidationError as exc:
            errors["report"] = list(exc.messages)
    if case.state != CaseState.APPROVED:
        errors.setdefault("__all__", []).append("仅审查通过的项目可报备节能验收。")
    elif not case.started_construction_on:
        errors.setdefault("__all__", []).append("请先登记开工日期。")
    if errors:
        raise ValidationError(errors)
    comparison = acceptance_compare(
        case=case, energy_lines=lines, products=products, conditions=conditions
    )
    acceptance = Acceptance(
        completed_on=completed_on,
        actual_capacity=capacity,
        energy_lines=lines,
        products=products,
        conditions=conditions,
        committee_conclusion=conclusion,
        report_name=os.path.basename(report.name or "acceptance.pdf")[:255],
        report_sha256=upload_sha256(report),
        comparison=comparison,
        exceeds_threshold=comparison["exceeds"],
        filed_by=by,
    )
    try:
        with transaction.atomic():
            locked = case_lock(pk=case.pk)
            if Acceptance.objects.filter(case=locked).exists():
                raise ValidationError({"__all__": ["该项目已报备节能验收。"]})
            acceptance.case = locked
            acceptance.report.save(f"{uuid.uuid4().hex}.pdf", report, save=False)
            acceptance.save()
            SupervisionFlag.objects.filter(
                case=locked, kind=FlagKind.ACCEPTANCE_OVERDUE, resolved_at__isnull=True
            ).update(resolved_at=timezone.now())
            inventory.inventory_follow(case=locked, by=by)
            unmet = comparison["unmet_conditions"]
            common.record_event(
                case=locked,
                actor=by,
                action="sv_acceptance_filed",
                reason=f"报备节能验收：竣工{completed_on.isoformat()}，"
                f"实际计入能耗{comparison['actual']['counted_tce']}吨标准煤"
                f"（审查意见{comparison['approved']['counted_tce']}），未落实条件{unmet}项。",
                data={
                    "acceptance": acceptance.pk,
                    "change_pct": comparison["change_pct"],
                    "exceeds": comparison["exceeds"],
                    "unmet_conditions": unmet,
                },
            )
            warn = "；实际能耗较审查意见增加10%及以上，应申请变更" if comparison["exceeds"] else ""
            common.notify(
                common.authority_users(locked),
                case=locked,
                message=f"{common.title(locked)}已报备节能验收，请核查{warn}。",
            )
    except Exception:
        if acceptance.report.name:
            acceptance.report.storage.delete(acceptance.report.name)
        raise
    return acceptance


def _lock_acceptance(pk: int) -> Acceptance:
    return (
        Acceptance.objects.select_for_update(of=("self",))
        .select_related("case", "case__project", "case__submission")
        .get(pk=pk)
    )


@transaction.atomic
def acceptance_check(
    *,
    acceptance: Acceptance,
    by: Any,
    outcome: str,
    note: str = "",
    items: Sequence[str] = (),
    deadline: date | None = None,
    today: date | None = None,
) -> Acceptance:
    """The authority records its check of a filing: ``recorded`` (予以备案) or
    ``rectification`` (责令整改, with items and a deadline after today).

    Raises PermissionDenied or ValidationError (outcome, items, deadline, note); nothing is
    written on error. Side effects: a Rectification, an audit event, notices to the owner;
    予以备案 drafts the 节能验收备案回执 (拟稿 → 核稿 → 签发, ``review.documents.opinion_issue``).
    """
    from review.documents import opinion_issue

    today = common.today_or(today)
    permissions.require_supervise(by, acceptance.case)
    locked = _lock_acceptance(acceptance.pk)
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if len(note) > 2000:
        errors["note"] = ["不超过2000字。"]
    if locked.state != AcceptanceState.FILED:
        errors["__all__"] = ["该验收备案已核查。"]
    clean: list[str] = []
    if outcome == AcceptanceState.RECTIFICATION:
        try:
            clean = common.clean_items(items, field="items")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        rectification.clean_deadline(deadline, today, errors)
    elif outcome != AcceptanceState.RECORDED:
        errors["outcome"] = ["请选择核查结论。"]
    if errors:
        raise ValidationError(errors)
    locked.state = outcome
    locked.checked_by = by
    locked.checked_at = timezone.now()
    locked.check_note = note
    locked.save(update_fields=["state", "checked_by", "checked_at", "check_note"])
    case = locked.case
    if outcome == AcceptanceState.RECTIFICATION:
        assert deadline is not None
        rectification.order(case=case, by=by, items=clean, deadline=deadline, acceptance=locked)
    else:
        common.record_event(
            case=case,
            actor=by,
            action="sv_acceptance_recorded",
            reason=f"节能验收予以备案。{note}".strip(),
            data={"acceptance": locked.pk},
        )
        opinion_issue(case=case, kind="filing", by=by, extra={"note": note})
        common.notify(
            common.owner_users(case), case=case, message=f"{common.title(case)}：节能验收予以备案。"
        )
    return locked


def acceptance_overdue_flag(*, today: date | None = None) -> int:
    """Flag approved cases past their planned completion without a filed acceptance
    (operating without 节能验收, 2023《办法》). Idempotent: one flag per case and planned date;
    only a new flag records an event and sends notices. Returns the number of new flags."""
    today = common.today_or(today)
    cases = (
        ReviewCase.objects.filter(
            state=CaseState.APPROVED,
            project__planned_completion__lt=today,
            acceptance__isnull=True,
        )
        .select_related("project", "submission")
        .order_by("pk")
    )
    created = 0
    for case in cases:
        with transaction.atomic():
            planned = case.project.planned_completion
            flag, new = SupervisionFlag.objects.get_or_create(
                case=case,
                kind=FlagKind.ACCEPTANCE_OVERDUE,
                period=planned,
                defaults={
                    "message": f"计划{planned.isoformat()}建成，至{today.isoformat()}"
                    "仍未报备节能验收。",
                    "detail": {"planned_completion": planned.isoformat()},
                },
            )
            if not new:
                continue
            created += 1
            common.record_event(
                case=case,
                actor=None,
                action="sv_acceptance_overdue",
                reason=flag.message,
                data={"flag": flag.pk},
            )
            common.notify(
                [*common.authority_users(case), *common.owner_users(case)],
                case=case,
                message=f"{common.title(case)}：{flag.message}",
            )
    return created
