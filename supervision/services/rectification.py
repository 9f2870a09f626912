"""Rectification orders (责令整改): items and a deadline, the owner's report, the authority's
closure (销号). Ordered on an acceptance check, after an inspection or on any supervised case;
closing the last open one of an acceptance records that acceptance (2023《办法》)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from review.models import ReviewCase
from review.services import case_lock

from .. import permissions
from ..models import Acceptance, AcceptanceState, Rectification, RectificationState
from . import common


def clean_deadline(deadline: Any, today: date, errors: dict[str, list[str]]) -> None:
    if not isinstance(deadline, date):
        errors["deadline"] = ["请填写整改期限。"]
    elif deadline <= today:
        errors["deadline"] = ["整改期限应晚于今天。"]


def order(
    *,
    case: ReviewCase,
    by: Any,
    items: list[str],
    deadline: date,
    acceptance: Acceptance | None = None,
    target: Any = None,
) -> Rectification:
    rectification = Rectification.objects.create(
        case=case,
        acceptance=acceptance,
        target=target,
        items=items,
        deadline=deadline,
        ordered_by=by,
    )
    common.record_event(
        case=case,
        actor=by,
        action="sv_rectification_ordered",
        reason="责令整改：" + "；".join(items) + f"（期限{deadline.isoformat()}）",
        data={"rectification": rectification.pk, "items": items, "deadline": deadline.isoformat()},
    )
    common.notify(
        common.owner_users(case),
        case=case,
        message=f"{common.title(case)}：责令整改，期限{deadline.isoformat()}。",
    )
    return rectification


@transaction.atomic
def rectification_order(
    *,
    case: ReviewCase,
    by: Any,
    items: Sequence[str],
    deadline: date | None,
    target: Any = None,
    today: date | None = None,
) -> Rectification:
    """Order rectification on a supervised case (after an inspection, a flag...)."""
    today = common.today_or(today)
    permissions.require_supervise(by, case)
    errors: dict[str, list[str]] = {}
    clean: list[str] = []
    try:
        clean = common.clean_items(items, field="items")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    clean_deadline(deadline, today, errors)
    if errors:
        raise ValidationError(errors)
    assert deadline is not None
    return order(case=case_lock(pk=case.pk), by=by, items=clean, deadline=deadline, target=target)


def _lock_rectification(pk: int) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("case", "case__project", "case__submission")
        .get(pk=pk)
    )


@transaction.atomic
def rectification_report(*, rectification: Rectification, by: Any, report: str) -> Rectification:
    """The owner reports what was rectified (open → reported); notifies the authority."""
    permissions.require_owner(by, rectification.case)
    locked = _lock_rectification(rectification.pk)
    report = (report or "").strip()
    errors: dict[str, list[str]] = {}
    if not report:
        errors["report"] = ["请填写整改情况。"]
    elif len(report) > 2000:
        errors["report"] = ["不超过2000字。"]
    if locked.state != RectificationState.OPEN:
        errors["__all__"] = ["该整改不处于整改中状态。"]
    if errors:
        raise ValidationError(errors)
    locked.state = RectificationState.REPORTED
    locked.owner_report = report
    locked.reported_at = timezone.now()
    locked.save(update_fields=["state", "owner_report", "reported_at"])
    common.record_event(
        case=locked.case,
        actor=by,
        action="sv_rectification_reported",
        reason=f"报送整改情况：{report}",
        data={"rectification": locked.pk},
    )
    common.notify(
        common.authority_users(locked.case),
        case=locked.case,
        message=f"{common.title(locked.case)}已报送整改情况，请核查销号。",
    )
    return locked


@transaction.atomic
def rectification_close(*, rectification: Rectification, by: Any, note: str) -> Rectification:
    """The authority verifies and closes a rectification (销号). When it was ordered on an
    acceptance and none of that acceptance's rectifications stays open, the acceptance is
    recorded (予以备案) and its 节能验收备案回执 drafted."""
    permissions.require_supervise(by, rectification.case)
    locked = _lock_rectification(rectification.pk)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if not note:
        errors["note"] = ["请填写销号意见。"]
    elif len(note) > 2000:
        errors["note"] = ["不超过2000字。"]
    if locked.state == RectificationState.CLOSED:
        errors["__all__"] = ["该整改已销号。"]
    if errors:
        raise ValidationError(errors)
    locked.state = RectificationState.CLOSED
    locked.closed_by = by
    locked.closed_at = timezone.now()
    locked.closing_note = note
    locked.save(update_fields=["state", "closed_by", "closed_at", "closing_note"])
    data: dict[str, Any] = {"rectification": locked.pk}
    if locked.acceptance_id:
        still_open = (
            Rectification.objects.filter(acceptance_id=locked.acceptance_id)
            .exclude(state=RectificationState.CLOSED)
            .exists()
        )
        if not still_open:
            recorded = Acceptance.objects.filter(
                pk=locked.acceptance_id, state=AcceptanceState.RECTIFICATION
            ).update(state=AcceptanceState.RECORDED)
            data["acceptance_recorded"] = True
            if recorded:  # 予以备案 after rectification: its 回执 is drafted as well
                from review.documents import opinion_issue

                opinion_issue(case=locked.case, kind="filing", by=by, extra={"note": note})
    common.record_event(
        case=locked.case,
        actor=by,
        action="sv_rectification_closed",
        reason=f"整改销号：{note}",
        data=data,
    )
    common.notify(
        common.owner_users(locked.case),
        case=locked.case,
        message=f"{common.title(locked.case)}：整改已销号。",
    )
    return locked
