"""No document contradicts itself: an approval is refused while a blocking finding of the frozen
assessment stands that none of its conditions addresses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from documents.layout import texts


def blocking_findings(assessment: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        f
        for f in assessment.get("findings") or []
        if isinstance(f, dict) and f.get("severity") == "blocking"
    ]


def unaddressed_blocking(
    *, assessment: dict[str, Any], conditions: list[str], guidance_outcome: str = ""
) -> list[dict[str, Any]]:
    """Blocking findings that no condition addresses (by its code or its subject)."""
    left = []
    for finding in blocking_findings(assessment):
        code = str(finding.get("code", ""))
        if code == "NATIONAL_WINDOW_GUIDANCE" and guidance_outcome in (
            "supported",
            "supported_with_conditions",
        ):
            continue
        words = (code, *texts.ADDRESSED_BY.get(code, ()))
        if not any(w and w in c for c in conditions for w in words):
            left.append(finding)
    return left


def approval_contradictions(*, case: Any, conditions: list[str]) -> None:
    """Raise ValidationError(conditions) naming each blocking finding an approval would ignore."""
    left = unaddressed_blocking(
        assessment=case.submission.assessment or {},
        conditions=conditions,
        guidance_outcome=getattr(case, "guidance_outcome", "") or "",
    )
    if left:
        names = "；".join(f"“{f.get('message') or f.get('code')}”（{f.get('code')}）" for f in left)
        raise ValidationError(
            {
                "conditions": (
                    f"评估发现的否决性问题尚未解决：{names}。"
                    "审查通过须附有针对该问题的条件（如落实能耗替代的期限），否则不能通过。"
                )
            }
        )
