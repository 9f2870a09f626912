"""The two-high inventory follows the cases (方案（七））: an approved two-high project enters
the inventory as 拟建, becomes 在建 when construction starts and 存量 when its acceptance is
filed; the entry and the case are linked both ways (:class:`~supervision.models.InventoryLink`).
A disposal changed in the inventory shows on the case through the link.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from review import services as review_services
from review.models import CaseState, ReviewCase
from rules.models import Disposal, InventoryStatus, TwoHighEntry

from ..models import Acceptance, InventoryLink
from . import common

REASON = "随节能审查案件自动更新（方案（七））"


def inventory_status_for(case: ReviewCase) -> str:
    """拟建 once approved, 在建 from the start of construction, 存量 once acceptance is filed."""
    if Acceptance.objects.filter(case=case).exists():
        return InventoryStatus.EXISTING
    if case.started_construction_on:
        return InventoryStatus.IN_CONSTRUCTION
    return InventoryStatus.PLANNED


def inventory_follow(*, case: ReviewCase, by: Any) -> TwoHighEntry | None:
    """Create or update the inventory entry of an approved two-high case and link them.

    Idempotent: nothing is saved when the entry already has the status. Entries a province
    imported earlier (same project code) are linked rather than duplicated; their disposal is
    left as the province set it. Records the change in the entry's history with ``by``.
    """
    if not case.two_high or case.state != CaseState.APPROVED or not case.project.project_code:
        return None
    status = inventory_status_for(case)
    link = InventoryLink.objects.filter(case=case).select_related("entry").first()
    entry = link.entry if link else None
    if entry is None:
        entry = TwoHighEntry.objects.filter(project_code=case.project.project_code).first()
    if entry is None:
        entry = TwoHighEntry(
            project_code=case.project.project_code,
            project_name=case.project.name[:200],
            region=case.project.region,
            province=case.project.region[:2],
            industry=case.project.industry,
            status=status,
            annual_tce=case.counted_tce,
            disposal=Disposal.CONTINUE,
        )
        entry._history_user = by  # type: ignore[attr-defined]
        entry._change_reason = REASON  # type: ignore[attr-defined]
        entry.save()
    elif entry.status != status:
        entry = TwoHighEntry.objects.select_for_update().get(pk=entry.pk)
        entry.status = status
        entry._history_user = by  # type: ignore[attr-defined]
        entry._change_reason = REASON  # type: ignore[attr-defined]
        entry.save()
    if link is None:
        InventoryLink.objects.get_or_create(case=case, defaults={"entry": entry})
    return entry


@transaction.atomic
def construction_start_record(
    *, case: ReviewCase, by: Any, started_on: date, today: date | None = None
) -> ReviewCase:
    """Record the start of construction (``review.services``), then move the inventory entry
    to 在建 and record it on the case's timeline."""
    case = review_services.case_record_construction_start(
        case=case, by=by, started_on=started_on, today=today
    )
    entry = inventory_follow(case=case, by=by)
    if entry is not None:
        common.record_event(
            case=case,
            actor=by,
            action="sv_inventory_status",
            reason=f"两高项目清单：{entry.get_status_display()}",
            data={"entry": entry.pk, "status": entry.status},
        )
    return case


def inventory_sync(*, by: Any = None) -> int:
    """Bring every approved two-high case's inventory entry up to date (the daily task; also
    catches approvals made by the review app). Idempotent. Returns the cases handled."""
    count = 0
    cases = (
        ReviewCase.objects.filter(state=CaseState.APPROVED, two_high=True)
        .select_related("project", "submission")
        .order_by("pk")
    )
    for case in cases.iterator(chunk_size=500):
        with transaction.atomic():
            if inventory_follow(case=case, by=by) is not None:
                count += 1
    return count
