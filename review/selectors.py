"""Reads of review cases, scoped by jurisdiction (``review.permissions.case_scope``).

The queue makes a constant number of queries whatever the number of cases: the page of cases
with its joins, the count for the paginator, the counts per state and the overdue count. Days left
are computed in Python from the stored deadline (``review.clock``), without queries.

Re-exported here from modules of their own: the queue's counts (``review.counts``), the case's
timeline and its CSV export (``review.timeline``), and the submission in words for the case page
(``review.submission_display``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from scale.keyset import Keyset

from . import clock, decision_rules, permissions, workflow
from .counts import (  # noqa: F401 (re-exported: the views, the API and tests read them here)
    QueueCounts,
    _counts_sql,
    _overdue_q,
    case_counts,
)
from .models import (
    CaseState,
    ExpertEvaluation,
    ExtensionRequest,
    Notice,
    Opinion,
    ReviewCase,
)
from .submission_display import (  # noqa: F401 (re-exported: the case page reads it here)
    CONSTRUCTION_LABELS,
    _region_name,
    submission_display,
)
from .timeline import (  # noqa: F401 (re-exported: the pages, the API and tests read them here)
    GUIDANCE_LABELS,
    TIMELINE_HEADER,
    _event_details,
    actor_name,
    case_events,
    label_events,
    timeline_csv,
    timeline_entries,
)

SORTS: dict[str, tuple[Any, ...]] = {
    "deadline": (F("deadline").asc(nulls_last=True), "pk"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
}
# The same orders as keyset pages (scale.keyset): the API and the queue read one page from the
# index case_deadline_id_idx (deadline, id), whatever the depth (issue 14).
KEYSETS: dict[str, Keyset] = {
    "deadline": Keyset("deadline", nullable=True),
    "-deadline": Keyset("deadline", descending=True, nullable=True),
    "submitted": Keyset("submitted_at"),
    "-submitted": Keyset("submitted_at", descending=True),
}


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters; empty values do not filter."""

    state: str = ""
    route: str = ""
    two_high: bool | None = None
    overdue: bool = False
    mine: bool = False
    q: str = ""
    sort: str = "deadline"


def case_list_for_user(*, user: Any) -> QuerySet[ReviewCase]:
    """The cases ``user`` may see on the authority side, with what a list row shows."""
    return (
        ReviewCase.objects.filter(permissions.case_scope(user))
        .select_related(
            "project", "project__organization", "assignee", "assignee__profile", "authority"
        )
        # No list row shows these documents: reading and parsing them was most of a page's
        # cost (the project's draft assessment alone is ~10 kB of JSON a row; issue 14).
        .defer(*LIST_DEFERRED)
    )


LIST_DEFERRED: tuple[str, ...] = (
    "project__draft_assessment",
    "project__correction_items",
    "cited_findings",
    "correction_items",
    "correction_entries",
    "change_triggers",
)


def case_queue(*, user: Any, filters: QueueFilters, today: date) -> QuerySet[ReviewCase]:
    """The queue: scoped, filtered by state/route/two-high/overdue/mine/text, sorted."""
    qs = case_list_for_user(user=user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.route:
        qs = qs.filter(route=filters.route)
    if filters.two_high is not None:
        qs = qs.filter(two_high=filters.two_high)
    if filters.overdue:
        qs = qs.filter(_overdue_q(today))
    if filters.mine:
        qs = qs.filter(assignee_id=getattr(user, "pk", None))
    if filters.q:
        text = filters.q.strip()
        qs = qs.filter(
            Q(project__name__icontains=text)
            | Q(project__project_code__icontains=text)
            | Q(project__organization__name__icontains=text)
        )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["deadline"]))


def case_get_for_user(*, pk: int, user: Any) -> ReviewCase:
    """The case, if ``user`` may see it on the authority side; Http404 otherwise (also for other
    provinces' cases, so that case numbers reveal nothing)."""
    # A list, not .first(): ordering one row by its key cost a fifth of the query (issue 14).
    found = list(
        ReviewCase.objects.select_related(
            "project",
            "project__organization",
            "submission",
            "assignee",
            "assignee__profile",
            "authority",
        ).filter(pk=pk)
    )
    case = found[0] if found else None
    if case is None or not permissions.can_view_case(user, case):
        raise Http404("案件不存在")
    case.pending_extension = (  # type: ignore[attr-defined]
        ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.State.PENDING)
        .select_related("requested_by", "requested_by__profile")
        .first()
    )
    return case


def case_get_for_party(*, pk: int, user: Any) -> ReviewCase:
    """The case, if ``user`` may see its outcome: the authority side in scope, or the applicant's
    own organization (for the applicant's moves). Http404 otherwise."""
    case = (
        ReviewCase.objects.select_related("project", "submission", "assignee").filter(pk=pk).first()
    )
    if case is None or not permissions.can_see_outcome(user, case):
        raise Http404("案件不存在")
    return case


def clock_of(
    *, state: str, deadline: date | None, paused_since: date | None, today: date
) -> clock.ClockView:
    """Deadline, days left and overdue state on ``today`` of a case in ``state`` (no query): of a
    model instance (``case_clock``) or of a list's plain values (``rows``, ``queue_html``)."""
    return clock.clock_view(
        phase=workflow.phase_of(state), deadline=deadline, paused_since=paused_since, today=today
    )


def case_clock(case: ReviewCase, *, today: date) -> clock.ClockView:
    """Deadline, days left and overdue state of ``case`` on ``today`` (no query)."""
    return clock_of(
        state=case.state, deadline=case.deadline, paused_since=case.paused_since, today=today
    )


def guidance_waiting(
    *, state: str, route: str, guidance_outcome: str, requested_on: date | None, today: date
) -> int | None:
    """Working days a pending window-guidance request has been waiting (no query); ``None`` when
    none is pending (answered, or the case was decided without waiting for it)."""
    pending = decision_rules.guidance_pending(
        state=state,
        route=route,
        guidance_outcome=guidance_outcome,
        guidance_requested=requested_on is not None,
    )
    if not pending or requested_on is None:
        return None
    return clock.working_days_between(requested_on, today)


def guidance_waiting_days(case: ReviewCase, *, today: date) -> int | None:
    """``guidance_waiting`` of a model instance."""
    return guidance_waiting(
        state=case.state,
        route=case.route,
        guidance_outcome=case.guidance_outcome,
        requested_on=case.guidance_requested_on,
        today=today,
    )


def case_opinions(*, case: ReviewCase) -> list[Opinion]:
    """Every document of the case, every version (``review.opinion_selectors``)."""
    from .opinion_selectors import opinion_list_for_case

    return list(opinion_list_for_case(case=case))


def case_evaluations(*, case: ReviewCase) -> list[ExpertEvaluation]:
    return list(
        ExpertEvaluation.objects.filter(case=case).select_related(
            "body", "recorded_by", "recorded_by__profile"
        )
    )


def case_extensions(*, case: ReviewCase) -> list[ExtensionRequest]:
    return list(
        ExtensionRequest.objects.filter(case=case).select_related(
            "requested_by", "requested_by__profile", "decided_by", "decided_by__profile"
        )
    )


def case_attachments(*, case: ReviewCase, user: Any) -> list[Any]:
    """The files handed in with the case's current submission that ``user`` may download."""
    try:
        from projects.permissions import can_download_attachment
    except ImportError:  # pragma: no cover - the projects app always has it
        return []
    attachments = getattr(case.submission, "attachments", None)
    if attachments is None:
        return []
    return [a for a in attachments.all() if can_download_attachment(user, a)]


def case_budget(*, case: ReviewCase, today: date) -> dict[str, Any] | None:
    """The energy budget this case draws on this year (方案（十一）): its authority's own when it
    holds one, else the province's; and whether approving this case would overdraw it. ``None``
    when no budget is set."""
    try:
        from rules.selectors import budget_remaining
    except ImportError:  # pragma: no cover
        return None
    status = budget_remaining(case.province, today.year, authority_id=case.authority_id)
    if status is None or status.remaining_tce is None:
        return None
    counts_already = case.state == CaseState.APPROVED and (
        case.decided_at is not None and timezone.localdate(case.decided_at).year == today.year
    )
    exceeds = not counts_already and case.counted_tce > status.remaining_tce + 1e-9
    return {"status": status, "exceeds": exceeds, "counts_already": counts_already}


def assignee_choices(*, case: ReviewCase) -> QuerySet[Any]:
    """Users who may handle ``case``: active reviewers of its authority (one query)."""
    from django.contrib.auth import get_user_model

    from accounts import roles

    users = get_user_model().objects.filter(is_active=True)
    if case.authority_id is not None:
        users = users.filter(review_authorities=case.authority_id)
    else:  # a row from before routing: the province's provincial authority
        users = users.filter(
            review_authorities__province=case.province, review_authorities__level="provincial"
        )
    return (
        users.exclude(groups__name=roles.APPLICANT)
        .select_related("profile")
        .order_by("username")
        .distinct()
    )


def notices_for_user(*, user: Any, unread_only: bool = False, limit: int = 50) -> list[Notice]:
    qs = Notice.objects.filter(user=user).select_related("case", "case__project")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:limit])


def notices_unread_count(*, user: Any, cap: int | None = None) -> int:
    """Unread notices of ``user``; with ``cap``, counted up to that many (the bell's 「99+」)."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if cap is not None:
        return len(unread.values_list("pk", flat=True)[:cap])
    return unread.count()
