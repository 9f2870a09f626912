"""补正 answered item by item (《行政许可法》第三十二条: every item at once, in writing).

A return for correction opens a round (:func:`correction_round_open`, called by
``intake.case_return_for_correction``) holding each item, the reviewer's note and the date by
which the applicant is asked to answer. The applicant answers every item
(:func:`correction_answer`: a text, and optionally which part of the application he changed);
the resubmission is refused, naming the unanswered items, until each is answered, and then closes
the round (:func:`correction_round_close`, called by ``intake.case_resubmit``). Rounds are never
rewritten: a second return opens round 2, and round 1 stays as it was answered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..correction_models import ANSWER_MAX, ChangedPart, CorrectionItem, CorrectionRound
from ..models import CaseState, ReviewCase
from ..workflow import Action, TransitionNotAllowed
from .core import case_lock, record

# The latest answer-by date a reviewer may set, counted from the return.
ANSWER_BY_MAX_DAYS = 365


def date_words(day: date) -> str:
    """A date as Chinese prose: 2026年10月9日."""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def default_answer_by(today: date) -> date:
    """The answer-by date when the reviewer sets none: ``CORRECTION_ANSWER_DAYS`` calendar days."""
    return today + timedelta(days=settings.CORRECTION_ANSWER_DAYS)


def answer_by_clean(value: date | None, *, today: date) -> date:
    """The reviewer's answer-by date (default :func:`default_answer_by`): after today and within
    a year. Raises ValidationError (``answer_by``)."""
    if value is None:
        return default_answer_by(today)
    if value <= today:
        raise ValidationError({"answer_by": [_("补正期限须晚于今天。")]})
    if value > today + timedelta(days=ANSWER_BY_MAX_DAYS):
        raise ValidationError(
            {"answer_by": [_("补正期限不超过%(n)s天。") % {"n": ANSWER_BY_MAX_DAYS}]}
        )
    return value


def correction_round_open(
    *,
    case: ReviewCase,
    by: Any,
    entries: Sequence[Mapping[str, str]],
    note: str,
    answer_by: date,
) -> CorrectionRound:
    """A new round of ``case`` (locked by the caller, inside its transaction) with one item per
    cleaned entry ``{"item", "detail"}``. Precondition: ``answer_by`` cleaned."""
    number = CorrectionRound.objects.filter(case=case).count() + 1
    round_ = CorrectionRound.objects.create(
        case=case,
        number=number,
        submission_number=case.submission.number,
        note=note,
        answer_by=answer_by,
        returned_by=by,
    )
    CorrectionItem.objects.bulk_create(
        CorrectionItem(
            round=round_,
            position=position,
            item=entry["item"],
            detail=entry.get("detail", ""),
        )
        for position, entry in enumerate(entries, 1)
    )
    return round_


def open_round(case: ReviewCase) -> CorrectionRound | None:
    """The round the applicant is answering now (None when the case is not returned)."""
    if case.state != CaseState.RETURNED:
        return None
    return (
        CorrectionRound.objects.filter(case=case, closed_at__isnull=True)
        .order_by("-number")
        .first()
    )


def item_label(item: CorrectionItem) -> str:
    return _("第%(n)s项「%(item)s」") % {"n": item.position, "item": item.item}


def unanswered_message(items: Sequence[CorrectionItem]) -> str:
    return _("请先逐项答复全部补正事项后再提交。尚未答复：%(items)s。") % {
        "items": "、".join(item_label(item) for item in items)
    }


def correction_round_close(*, case: ReviewCase, submission: Any) -> CorrectionRound | None:
    """Close the open round of ``case`` (locked, RETURNED) on its resubmission. Raises
    ValidationError (``correction_answers``) naming every unanswered item; nothing changes."""
    round_ = open_round(case)
    if round_ is None:
        return None
    missing = [item for item in round_.items.order_by("position") if not item.answered]
    if missing:
        raise ValidationError({"correction_answers": [unanswered_message(missing)]})
    round_.resubmission_number = submission.number
    round_.closed_at = timezone.now()
    round_.save(update_fields=["resubmission_number", "closed_at"])
    return round_


@transaction.atomic
def correction_answer(
    *,
    item: CorrectionItem,
    by: Any,
    answer: str,
    changed: str = "",
) -> CorrectionItem:
    """The applicant's answer to one item of the open round (again: the answer is replaced).

    Only an applicant of the organization that owns the case answers (PermissionDenied
    otherwise); only while the case waits for its correction and the item's round is open
    (TransitionNotAllowed). Raises ValidationError (``answer``, ``changed``). Records an
    audit event; the case's version does not change (a reviewer's form never goes stale).
    """
    case = case_lock(pk=item.round.case_id)
    if not permissions.is_applicant_of(by, case):
        raise PermissionDenied(_("只有项目的建设单位可以答复补正事项。"))
    locked = CorrectionItem.objects.select_for_update().select_related("round").get(pk=item.pk)
    current = open_round(case)
    if current is None or current.pk != locked.round_id:
        raise TransitionNotAllowed(
            case.state,
            Action.ANSWER_CORRECTION,
            _("该补正事项所在的补正轮次已结束，不能再答复。"),
        )
    text = (answer or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["answer"] = [_("请填写对该补正事项的答复。")]
    elif len(text) > ANSWER_MAX:
        errors["answer"] = [_("答复不超过%(n)s字。") % {"n": ANSWER_MAX}]
    changed = (changed or "").strip()
    if changed and changed not in ChangedPart.values:
        errors["changed"] = [_("请选择修改之处。")]
    if errors:
        raise ValidationError(errors)
    first = not locked.answered
    locked.answer = text
    locked.changed = changed
    locked.answered_by = by
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "changed", "answered_by", "answered_at"])
    record(
        case=case,
        actor=by,
        action=Action.ANSWER_CORRECTION,
        from_state=case.state,
        to_state=case.state,
        reason=text,
        data={
            "round": current.number,
            "item": locked.position,
            "title": locked.item,
            "changed": changed,
            "first_answer": first,
        },
    )
    return locked


__all__ = [
    "answer_by_clean",
    "correction_answer",
    "correction_round_close",
    "correction_round_open",
    "date_words",
    "default_answer_by",
    "open_round",
    "unanswered_message",
]
