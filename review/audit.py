"""Tamper-evident audit trail: every case event carries the SHA-256 of its own content and of the
event before it on the same case (a hash chain per case).

Changing, inserting or removing any event breaks the chain from that point on, which
``manage.py verify_audit_chain`` reports and the case page shows. The timeline CSV carries both
hashes, so an outside party can recompute the chain with :func:`event_digest` alone: SHA-256
over the canonical JSON (sorted keys, UTF-8, no spaces) of the fields in ``CHAINED_FIELDS`` plus
``prev_hash``; the first event of a case has ``prev_hash`` = 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "case_id",
    "actor_id",
    "action",
    "from_state",
    "to_state",
    "reason",
    "data",
    "assessment",
    "submission_id",
    "at",
)


def _canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_content(values: dict[str, Any]) -> dict[str, Any]:
    content = {name: values.get(name) for name in CHAINED_FIELDS}
    for name in ("data", "assessment"):
        # As the database gives it back (JSON: string keys, lists for tuples).
        content[name] = json.loads(json.dumps(content[name]))
    if isinstance(content["at"], datetime):
        content["at"] = _canonical_time(content["at"])
    content["prev_hash"] = values.get("prev_hash") or GENESIS
    return content


def canonical_text(values: dict[str, Any]) -> str:
    """The exact text that is hashed (exported with the timeline for outside checks)."""
    return json.dumps(
        event_content(values), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def event_digest(values: dict[str, Any]) -> str:
    """SHA-256 (hex) of an event's chained fields and its predecessor's hash."""
    return hashlib.sha256(canonical_text(values).encode("utf-8")).hexdigest()


def values_of(event: Any) -> dict[str, Any]:
    values = {name: getattr(event, name, None) for name in CHAINED_FIELDS}
    values["prev_hash"] = event.prev_hash
    return values


@dataclass(frozen=True, slots=True)
class ChainReport:
    case_id: int
    events: int
    broken_at: int | None  # id of the first event whose hash or link does not match
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_events(case_id: int, events: list[Any]) -> ChainReport:
    """Check one case's events (in id order): each hash is its content's digest and each
    prev_hash is the hash of the event before."""
    previous = GENESIS
    for event in events:
        if (event.prev_hash or GENESIS) != previous:
            return ChainReport(case_id, len(events), event.pk, "prev_hash")
        if event.hash != event_digest(values_of(event)):
            return ChainReport(case_id, len(events), event.pk, "hash")
        previous = event.hash
    return ChainReport(case_id, len(events), None)


def verify_case(case: Any) -> ChainReport:
    from review.models import CaseEvent

    events = list(CaseEvent.objects.filter(case_id=case.pk).order_by("id"))
    return verify_events(case.pk, events)


def verify_all(case_ids: list[int] | None = None) -> list[ChainReport]:
    """Every case's chain (or those of ``case_ids``), streaming events in (case, id) order."""
    from review.models import CaseEvent

    queryset = CaseEvent.objects.order_by("case_id", "id")
    if case_ids is not None:
        queryset = queryset.filter(case_id__in=case_ids)
    reports: list[ChainReport] = []
    current: int | None = None
    batch: list[Any] = []
    for event in queryset.iterator(chunk_size=2000):
        if event.case_id != current and batch:
            reports.append(verify_events(current, batch))  # type: ignore[arg-type]
            batch = []
        current = event.case_id
        batch.append(event)
    if batch:
        reports.append(verify_events(current, batch))  # type: ignore[arg-type]
    return reports
