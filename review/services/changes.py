"""Change (变更) after approval, as 2023《办法》 has it.

Triggers: a changed site, construction content or scale, efficiency level, or energy use ≥ 10%
above the approved figure (compared on the contract's review figure, ``counted_tce``). The
applicant states which apply; the energy, site and efficiency triggers are also found from the
facts. A change with no trigger needs no application and is refused (nothing is kept). The
authority answers 同意变更 (:func:`case_consent_change`) or takes the case into a full new review
(claim/assign). New figures that move the tier move the case to the right authority.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import workflow
from ..models import ReviewCase
from ..workflow import CHANGE_TRIGGER_LABELS, Action
from .core import (
    begin,
    case_title,
    check_submission,
    denormalise,
    finish,
    notify_handlers,
    raise_if,
    required,
    tell_applicant,
    today_or,
    too_long,
)
from .guidance import guidance_void
from .routing import case_reroute


def _levels(assessment: dict[str, Any]) -> dict[str, str]:
    """Efficiency level per product, keyed by the product's Chinese name."""
    from rules.engine import load_reference

    names = {code: bench.name_zh for code, bench in load_reference().benchmarks.items()}
    return {
        names.get(str(row.get("product")), str(row.get("product"))): str(row.get("level"))
        for row in assessment.get("efficiency") or []
        if row.get("product") and row.get("level")
    }


def _place(facts: dict[str, Any]) -> str:
    """江苏省苏州市虎丘区 for the facts' region (the code when no name is known)."""
    from rules.engine import load_reference

    from ..selectors import _region_name

    code = str(facts.get("region") or "")
    return (_region_name(load_reference().regions, code) or code) if code else ""


def change_triggers_found(
    *, approved: Any, new: Any, stated: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """The triggers of a change from the approved submission to the new one, in words."""
    old_a, new_a = approved.assessment or {}, new.assessment or {}
    return workflow.change_review_reasons(
        approved_tce=float((old_a.get("energy") or {}).get("counted_tce") or 0.0),
        new_tce=float((new_a.get("energy") or {}).get("counted_tce") or 0.0),
        approved_region=_place(approved.facts or {}),
        new_region=_place(new.facts or {}),
        approved_levels=_levels(old_a),
        new_levels=_levels(new_a),
        stated=stated,
    )


@transaction.atomic
def case_request_change(
    *,
    case: ReviewCase,
    submission: Any,
    by: Any,
    triggers: Sequence[str] = (),
    reason: str = "",
    today: date | None = None,
) -> ReviewCase:
    """变更申请 on a new submission of an approved project. A new decision clock starts.

    Raises ValidationError (``change_triggers``: unknown code; ``submission``: nothing that needs
    an application; ``region``: moved to another province) and leaves nothing behind.
    """
    today = today_or(today)
    locked, move = begin(case=case, by=by, action=Action.REQUEST_CHANGE, expected_version=None)
    check_submission(locked, submission)
    unknown = [t for t in triggers if t not in CHANGE_TRIGGER_LABELS]
    if unknown:
        raise ValidationError({"change_triggers": [_("未知的变更事项。")]})
    found = change_triggers_found(approved=locked.submission, new=submission, stated=triggers)
    if not found:
        raise ValidationError(
            {
                "submission": [
                    _(
                        "建设地点、建设内容和规模、能效水平均未变更，且年综合能耗增加不足10%，"
                        "无需申请变更（2023《办法》）。"
                    )
                ]
            }
        )
    case_reroute(case=locked, submission=submission, by=by, today=today)
    previous = locked.submission.number
    denormalise(locked, submission)
    voided = guidance_void(locked)
    locked.change_triggers = [code for code, _text in found]
    for field in ("decision_reason", "decision_justification", "conditions", "deferral_lift"):
        setattr(locked, field, "")
    locked.cited_findings = []
    words = [text for _code, text in found]
    data: dict[str, Any] = {
        "submission": submission.number,
        "previous_submission": previous,
        "why": words,
        "triggers": locked.change_triggers,
    }
    if voided:
        data["guidance_voided"] = voided
    finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=("；".join(words) + "。" + reason.strip()).strip(),
        data=data,
    )
    notify_handlers(locked, message=f"{case_title(locked)}：申请变更（{'；'.join(words)}）。")
    return locked


@transaction.atomic
def case_consent_change(
    *,
    case: ReviewCase,
    by: Any,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewCase:
    """同意变更: the change is consented without a full new review; the case is approved on the
    new submission and the applicant told in writing."""
    today = today_or(today)
    locked, move = begin(
        case=case, by=by, action=Action.CONSENT_CHANGE, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    required(errors, "reason", reason, _("同意变更须写明理由。"))
    too_long(errors, "reason", reason, 5000)
    raise_if(errors)
    locked.decision_reason = reason.strip()
    finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=reason.strip(),
        data={"submission": locked.submission.number, "triggers": locked.change_triggers},
    )
    from review.documents import opinion_issue

    opinion_issue(case=locked, kind="change")  # 同意变更的复函, signed off before issue
    tell_applicant(
        locked,
        subject=_("同意变更"),
        message=_("%(name)s：同意变更。%(reason)s")
        % {"name": locked.project.name, "reason": reason.strip()},
    )
    return locked
