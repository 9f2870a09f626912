"""Validity of an approval (2023《办法》): it lapses when construction has not started two years
after issue. The applicant records the start date with evidence; the lapse is a recorded move
with a notice (a daily beat task, idempotent)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import CaseState, ReviewCase
from ..workflow import Action
from .core import begin, case_lock, finish, notify, raise_if, tell_applicant, today_or

LAPSE_REASON = "审查意见印发后2年内未开工建设，审查意见失效，须重新进行节能审查（2023《办法》）。"


@transaction.atomic
def case_record_construction_start(
    *,
    case: ReviewCase,
    by: Any,
    started_on: date,
    evidence: UploadedFile | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """Record that construction started, with evidence (施工许可证、开工报告…); the approval then
    no longer lapses."""
    today = today_or(today)
    locked, move = begin(
        case=case,
        by=by,
        action=Action.RECORD_CONSTRUCTION_START,
        expected_version=expected_version,
    )
    errors: dict[str, list[str]] = {}
    if started_on is None:
        errors["started_on"] = [_("请填写开工日期。")]
    elif started_on > today:
        errors["started_on"] = [_("开工日期不能晚于今天。")]
    elif locked.decided_at and started_on < timezone.localdate(locked.decided_at):
        errors["started_on"] = [_("开工日期不能早于审查意见印发日期。")]
    if evidence is not None and evidence.size > settings.ATTACHMENT_MAX_BYTES:
        errors["evidence"] = [_("证明材料文件过大。")]
    raise_if(errors)
    locked.started_construction_on = started_on
    if evidence is not None:
        locked.construction_evidence.save(evidence.name or "evidence.pdf", evidence, save=False)
    finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        data={"started_on": started_on.isoformat(), "evidence": evidence is not None},
    )
    return locked


def approval_lapses_on(decided_on: date) -> date:
    """The first day an approval issued on ``decided_on`` is no longer valid: two years on, the
    day after the anniversary (29 February counts from 28 February)."""
    try:
        anniversary = decided_on.replace(year=decided_on.year + workflow.APPROVAL_VALID_YEARS)
    except ValueError:
        anniversary = decided_on.replace(
            year=decided_on.year + workflow.APPROVAL_VALID_YEARS, day=28
        )
    return date.fromordinal(anniversary.toordinal() + 1)


def case_expire_stale(*, today: date) -> int:
    """Lapse approvals not started within two years of issue. Idempotent: each case is locked
    and rechecked in its own transaction. Run daily by ``review.tasks.expire_approvals_task``."""
    latest = today.replace(day=28) if (today.month, today.day) == (2, 29) else today
    cutoff = latest.replace(year=latest.year - workflow.APPROVAL_VALID_YEARS)
    candidates = list(
        ReviewCase.objects.filter(
            state=CaseState.APPROVED,
            started_construction_on__isnull=True,
            decided_at__date__lte=cutoff,
        ).values_list("pk", flat=True)
    )
    expired = 0
    for pk in candidates:
        with transaction.atomic():
            locked = case_lock(pk=pk)
            if (
                locked.state != CaseState.APPROVED
                or locked.started_construction_on is not None
                or locked.decided_at is None
                or approval_lapses_on(timezone.localdate(locked.decided_at)) > today
            ):
                continue
            move = workflow.check_transition(locked.state, Action.EXPIRE)
            lapsed = approval_lapses_on(timezone.localdate(locked.decided_at))
            locked.lapsed_on = lapsed
            finish(
                case=locked,
                move=move,
                by=None,
                today=today,
                reason=LAPSE_REASON,
                data={"lapsed_on": lapsed.isoformat()},
            )
            tell_applicant(
                locked,
                subject=_("节能审查意见失效"),
                message=_("%(name)s：节能审查意见自%(d)s起失效（逾期未开工），须重新进行节能审查。")
                % {"name": locked.project.name, "d": lapsed},
            )
            notify(
                [locked.assignee], case=locked, message=f"{locked.project.name}：审查意见已失效。"
            )
            expired += 1
    return expired
