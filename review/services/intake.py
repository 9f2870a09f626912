"""Intake (受理): 2023《办法》第十二条, 《行政许可法》第三十二条.

Within 5 working days of receipt the authority accepts, returns the report for correction (every
missing item at once, each a structured entry) or refuses in writing. Silence past 5 working days
means the report counts as accepted from the day of receipt (:func:`intake_deem_accepted`, a beat
task): the decision clock runs from the receipt, the case shows 「逾期未告知，视为受理」.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, workflow
from ..models import CaseState, ReviewCase
from ..signals import case_returned_for_correction
from ..workflow import Action, TransitionNotAllowed
from .core import (
    apply_clock,
    begin,
    case_lock,
    case_title,
    check_submission,
    deadline_words,
    denormalise,
    finish,
    notify,
    notify_handlers,
    raise_if,
    record,
    region_of,
    required,
    reviewers_of,
    tell_applicant,
    today_or,
    too_long,
)
from .corrections import (
    answer_by_clean,
    correction_round_close,
    correction_round_open,
    date_words,
)
from .routing import authority_route, case_reroute

MAX_ITEMS = 50
MAX_TEXT = 2000
DEEMED_ACCEPTED_TEXT = "逾期未告知，视为受理"


@transaction.atomic
def case_open(*, submission: Any, by: Any, today: date | None = None) -> ReviewCase:
    """Open the review case of a project's submission, routed to its authority.

    Called by ``projects.services.project_submit``. The intake clock starts on the day of receipt.
    Raises PermissionDenied unless ``by`` is the project's applicant (or an admin),
    TransitionNotAllowed when the project already has an open case, ValidationError (``region``)
    when no authority covers the project's region. Notifies the authority's reviewers.
    """
    project = submission.project
    if not permissions.can_open(by, project):
        raise PermissionDenied(_("只有项目的建设单位可以提交审查申请。"))
    open_cases = ReviewCase.objects.filter(project=project).exclude(state__in=list(workflow.CLOSED))
    if open_cases.exists():
        raise TransitionNotAllowed(None, Action.OPEN, _("该项目已有进行中的审查案件。"))
    move = workflow.check_transition(None, Action.OPEN)
    region = region_of(submission)
    assessment = submission.assessment or {}
    authority = authority_route(region=region, review_level=assessment.get("review_level", ""))
    case = ReviewCase(
        project=project,
        province=region[:2],
        authority=authority,
        state=move.target,
        submitted_at=submission.submitted_at,
    )
    denormalise(case, submission)
    received = today or timezone.localdate(submission.submitted_at)
    apply_clock(case, move.clock, received)
    case.save()
    record(
        case=case,
        actor=by,
        action=move.action,
        from_state="",
        to_state=case.state,
        data={
            "submission": submission.number,
            "deadline": case.deadline.isoformat(),
            "authority": authority.code,
            "authority_name": authority.name,
        },
    )
    notify(reviewers_of(case), case=case, message=f"新申请待受理：{case_title(case)}。")
    return case


@transaction.atomic
def case_accept(
    *,
    case: ReviewCase,
    by: Any,
    note: str = "",
    assign_to: Any = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """受理: the materials are complete; the 20-working-day decision clock starts today.

    With ``assign_to`` the case is also assigned (one more event) and goes under review.
    """
    from .assignment import assign

    today = today_or(today)
    locked, move = begin(case=case, by=by, action=Action.ACCEPT, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    too_long(errors, "note", note, MAX_TEXT)
    if assign_to is not None and not permissions.can_be_assignee(assign_to, locked):
        errors["assign_to"] = [_("承办人须为本机关审查人员。")]
    raise_if(errors)
    locked.accepted_at = timezone.now()
    finish(case=locked, move=move, by=by, today=today, reason=note.strip())
    tell_applicant(
        locked,
        subject=_("受理通知"),
        message=_("%(name)s：节能报告已受理，审查期限至%(deadline)s。")
        % {"name": locked.project.name, "deadline": deadline_words(locked)},
    )
    if assign_to is not None:
        assign(locked, by=by, assignee=assign_to, action=Action.ASSIGN, today=today)
    return locked


def correction_items_clean(items: Sequence[Any]) -> list[dict[str, str]]:
    """Structured correction items ``{"item", "detail"}`` from dicts or text lines
    (``材料｜要求`` splits into item and detail). Raises ValidationError (``items``)."""
    cleaned: list[dict[str, str]] = []
    errors: list[str] = []
    for raw in items or ():
        if isinstance(raw, Mapping):
            item = str(raw.get("item") or "").strip()
            detail = str(raw.get("detail") or "").strip()
        else:
            text = str(raw or "").strip()
            for sep in ("｜", "|"):
                if sep in text:
                    item, detail = (part.strip() for part in text.split(sep, 1))
                    break
            else:
                item, detail = text, ""
        if not item and not detail:
            continue
        if not item:
            errors.append(_("每一补正事项须写明所缺材料或内容。"))
        if len(item) > 200 or len(detail) > 1000:
            errors.append(_("补正事项过长（事项不超过200字，说明不超过1000字）。"))
        cleaned.append({"item": item, "detail": detail})
    if not cleaned:
        errors.append(_("请逐项列明需补正的材料或内容。"))
    if len(cleaned) > MAX_ITEMS:
        errors.append(_("补正事项不超过%(n)s项。") % {"n": MAX_ITEMS})
    if errors:
        raise ValidationError({"items": errors})
    return cleaned


def item_text(item: Mapping[str, str] | str) -> str:
    if isinstance(item, str):
        return item
    return f"{item['item']}：{item['detail']}" if item.get("detail") else item["item"]


@transaction.atomic
def case_return_for_correction(
    *,
    case: ReviewCase,
    by: Any,
    items: Sequence[Any],
    reason: str = "",
    answer_by: date | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """退回补正: every missing item at once, each a structured entry (第三十二条). The intake
    clock ends; the corrected submission is a new receipt with a new 5-day intake clock.

    The projects app opens its correction round on ``case_returned_for_correction``; the
    applicant is told in writing (in-app and email), and the formal 补正通知书 listing every
    item is drafted (拟稿, ``review.documents.opinion_issue``) for the head to sign off.
    """
    from review.documents import opinion_issue

    today = today_or(today)
    locked, move = begin(
        case=case, by=by, action=Action.RETURN_FOR_CORRECTION, expected_version=expected_version
    )
    cleaned = correction_items_clean(items)
    errors: dict[str, list[str]] = {}
    too_long(errors, "reason", reason, MAX_TEXT)
    raise_if(errors)
    # The applicant answers each item by ``answer_by`` (set here; the law gives no date).
    answer_by = answer_by_clean(answer_by, today=today)
    correction_round_open(
        case=locked, by=by, entries=cleaned, note=reason.strip(), answer_by=answer_by
    )
    lines = [item_text(item) for item in cleaned]
    locked.correction_entries = cleaned
    locked.correction_items = lines
    finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=reason.strip(),
        data={"items": lines, "entries": cleaned, "answer_by": answer_by.isoformat()},
    )
    opinion_issue(case=locked, kind="correction", by=by, extra={"items": lines})
    case_returned_for_correction.send(sender=ReviewCase, case=locked, items=lines)
    numbered = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
    tell_applicant(
        locked,
        subject=_("补正通知"),
        message=_(
            "%(name)s：审查机关要求一次性补正以下%(n)s项材料，请逐项答复，"
            "并于%(by)s前提交补正材料：\n%(items)s"
        )
        % {
            "name": locked.project.name,
            "n": len(lines),
            "items": numbered,
            "by": date_words(answer_by),
        },
    )
    return locked


@transaction.atomic
def case_not_accept(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """不予受理, in writing with the reason; the case is closed and the applicant told."""
    today = today_or(today)
    locked, move = begin(
        case=case, by=by, action=Action.NOT_ACCEPT, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    required(errors, "reason", reason, _("不予受理须写明理由。"))
    too_long(errors, "reason", reason, MAX_TEXT)
    raise_if(errors)
    locked.decision_reason = reason.strip()
    locked.decided_at = timezone.now()
    finish(case=locked, move=move, by=by, today=today, reason=reason.strip())
    tell_applicant(
        locked,
        subject=_("不予受理决定"),
        message=_("%(name)s：不予受理。理由：%(reason)s 如不服，可依法申请行政复议或提起行政诉讼。")
        % {"name": locked.project.name, "reason": reason.strip()},
    )
    return locked


@transaction.atomic
def case_resubmit(
    *,
    case: ReviewCase,
    submission: Any,
    by: Any,
    change_triggers: Sequence[str] = (),
    today: date | None = None,
) -> ReviewCase:
    """The applicant's new submission for a case waiting on him.

    - RETURNED (补正): a new receipt; back to intake with a new 5-working-day clock.
    - DEFERRED (缓批): the new material reopens review with a new 20-working-day clock.
    - APPROVED: a change application (变更), see ``changes.case_request_change``.

    The authority is derived again from the new facts (``routing.case_reroute``), and a window
    guidance outcome given on the old facts no longer counts. Called by
    ``projects.services.project_submit``.
    """
    from .changes import case_request_change
    from .guidance import auto_route, guidance_void

    locked = case_lock(pk=case.pk)
    if locked.state == CaseState.APPROVED:
        return case_request_change(
            case=locked, submission=submission, by=by, triggers=change_triggers, today=today
        )
    today = today_or(today)
    locked, move = begin(case=locked, by=by, action=Action.RESUBMIT, expected_version=None)
    check_submission(locked, submission)
    correction_round_close(case=locked, submission=submission)  # every item answered
    case_reroute(case=locked, submission=submission, by=by, today=today)
    previous = locked.submission.number
    denormalise(locked, submission)
    voided = guidance_void(locked)
    if move.target == CaseState.SUBMITTED:
        locked.correction_items = []
        locked.correction_entries = []
    data: dict[str, Any] = {"submission": submission.number, "previous_submission": previous}
    if voided:
        data["guidance_voided"] = voided
    finish(case=locked, move=move, by=by, today=today, data=data)
    auto_route(locked, today=today)
    notify_handlers(locked, message=f"{case_title(locked)}：申请人已重新提交材料。")
    return locked


def intake_deem_accepted(*, today: date) -> int:
    """Cases left unanswered past the 5-working-day intake limit count as accepted from the day
    of receipt (《行政许可法》第三十二条). Idempotent: each case is locked and rechecked in its own
    transaction. Run daily by ``review.tasks.deem_accepted_task``. Returns how many."""
    candidates = list(
        ReviewCase.objects.filter(state=CaseState.SUBMITTED, deadline__lt=today).values_list(
            "pk", flat=True
        )
    )
    done = 0
    for pk in candidates:
        with transaction.atomic():
            locked = case_lock(pk=pk)
            if locked.state != CaseState.SUBMITTED or locked.deadline is None:
                continue
            if locked.deadline >= today:
                continue
            move = workflow.check_transition(locked.state, Action.DEEM_ACCEPT)
            received = locked.received_on or locked.clock_started_on or locked.deadline
            intake_deadline = locked.deadline
            locked.deemed_accepted = True
            locked.accepted_at = timezone.now()
            finish(
                case=locked,
                move=move,
                by=None,
                today=received,
                reason=DEEMED_ACCEPTED_TEXT
                + _(
                    "：受理期限%(d)s届满未告知，自收到材料之日（%(r)s）起视为受理（《行政许可法》第三十二条）。"
                )
                % {"d": intake_deadline, "r": received},
                data={
                    "received_on": received.isoformat(),
                    "intake_deadline": intake_deadline.isoformat(),
                    "deemed": True,
                },
            )
            tell_applicant(
                locked,
                subject=_("视为受理"),
                message=_("%(name)s：审查机关逾期未告知，自%(r)s起视为受理，审查期限至%(d)s。")
                % {"name": locked.project.name, "r": received, "d": deadline_words(locked)},
            )
            notify_handlers(
                locked, message=f"{case_title(locked)}：{DEEMED_ACCEPTED_TEXT}，请尽快办理。"
            )
            done += 1
    return done


__all__ = [
    "DEEMED_ACCEPTED_TEXT",
    "case_accept",
    "case_not_accept",
    "case_open",
    "case_resubmit",
    "case_return_for_correction",
    "correction_items_clean",
    "intake_deem_accepted",
    "item_text",
]
