"""What the 节能验收备案回执 prints: the owner's acceptance filing as the authority checked it.

Read from the case's filing (`supervision.Acceptance`, through the case's `acceptance` relation,
so documents does not import supervision): filed and completion dates, the actual capacity, the
actual against the approved energy figure (the engine's accounting stored when filed), the
opinion's conditions met, the committee's conclusion and the filed report's SHA-256.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from documents.layout.numerals import chinese_date, num

MAX_CONCLUSION = 600


def filing_section(case: Any) -> dict[str, Any]:
    try:
        acceptance = case.acceptance
    except ObjectDoesNotExist:
        return {"filed": False}
    comparison = acceptance.comparison or {}
    approved = (comparison.get("approved") or {}).get("counted_tce")
    actual = (comparison.get("actual") or {}).get("counted_tce")
    pct = comparison.get("change_pct")
    conditions = list(acceptance.conditions or [])
    checked = timezone.localdate(acceptance.checked_at) if acceptance.checked_at else None
    return {
        "filed": True,
        "filed_on": chinese_date(timezone.localdate(acceptance.filed_at)),
        "checked_on": chinese_date(checked) if checked else "",
        "completed_on": chinese_date(acceptance.completed_on),
        "capacity": acceptance.actual_capacity,
        "approved_tce": num(approved),
        "actual_tce": num(actual),
        "change": "" if pct is None else f"{float(pct):+.2f}%",
        "exceeds": bool(comparison.get("exceeds")),
        "conditions_total": len(conditions),
        "conditions_done": sum(1 for c in conditions if c.get("done")),
        "conclusion": (acceptance.committee_conclusion or "").strip()[:MAX_CONCLUSION],
        "report_name": acceptance.report_name,
        "report_sha256": acceptance.report_sha256,
    }
