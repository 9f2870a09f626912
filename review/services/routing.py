"""Facts decide routing, every time (2023《办法》第五条 and provincial rules).

At opening and on every new submission (补正, new material after 缓批, a change application) the
authority is derived again from the new facts: the frozen assessment's ``review_level`` and the
project's region (``authorities.selectors.authority_for``). A case whose new facts route to
another authority of the same province moves there (a recorded move, the old handler loses it);
a project moved to another province is refused with a clear message (it must apply there); a
region without an authority is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from authorities.models import Authority
from authorities.selectors import authority_for

from ..models import ReviewCase
from ..workflow import Action
from .core import case_title, notify, record, region_of, reviewers_of


def authority_route(*, region: str, review_level: str) -> Authority:
    """The authority for these facts; ValidationError (``region``) when there is none."""
    authority = authority_for(region=region, review_level=review_level or "provincial")
    if authority is None:
        raise ValidationError(
            {
                "region": [
                    _(
                        "项目所在地区（%(region)s）尚未设置节能审查机关，无法受理；"
                        "请联系省级节能审查机关。"
                    )
                    % {"region": region or "—"}
                ]
            }
        )
    return authority


def case_reroute(*, case: ReviewCase, submission: Any, by: Any, today: date) -> bool:
    """Re-derive the authority of the locked ``case`` from ``submission``'s facts.

    Raises ValidationError (``region``) when the project moved to another province or its region
    has no authority. Moves the case (recorded, handler cleared, both sides told) when the new
    facts route to another authority. Returns whether the case moved. Does not save the case's
    other fields; the caller's move saves them.
    """
    region = region_of(submission)
    if region[:2] != case.province:
        raise ValidationError(
            {
                "region": [
                    _(
                        "项目建设地点已变更至其他省份（%(region)s），不属于%(authority)s管辖。"
                        "请向项目所在地的节能审查机关重新申报；本次提交未被接收。"
                    )
                    % {
                        "region": region or "—",
                        "authority": case.authority.name if case.authority_id else case.province,
                    }
                ]
            }
        )
    level = (submission.assessment or {}).get("review_level") or case.review_level
    if level == "none":  # exempt now: the authority that holds the case keeps it
        return False
    new = authority_route(region=region, review_level=level)
    if case.authority_id == new.pk:
        return False
    old = case.authority
    previous_assignee = case.assignee
    case.authority = new
    case.assignee = None
    case.save(update_fields=["authority", "assignee", "updated_at"])
    reason = _(
        "按新提交的项目事实（%(level)s，建设地点%(region)s），案件由%(old)s移交%(new)s办理。"
    ) % {
        "level": {"provincial": "省级审查层级", "delegated": "下放审查层级"}.get(level, level),
        "region": region,
        "old": old.name if old else "—",
        "new": new.name,
    }
    record(
        case=case,
        actor=by,
        action=Action.MOVE_AUTHORITY,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        data={
            "from_authority": old.code if old else "",
            "from_authority_name": old.name if old else "",
            "to_authority": new.code,
            "to_authority_name": new.name,
            "submission": submission.number,
        },
    )
    notify(reviewers_of(case), case=case, message=f"{case_title(case)}移交本机关办理。{reason}")
    if previous_assignee is not None:
        notify([previous_assignee], case=case, message=f"{case_title(case)}已移交{new.name}。")
    return True
