"""What the reviewer's case page reads (issue 14).

Most of a case's lists are empty most of the time (no document yet, no draft, no evaluation, no
extension, no file, no 补正 round, no budget set). ``EXISTS`` probes, each an index probe, read in
the case's own query (``case_row``), tell which lists have rows; only those are read. The page
makes a fixed number of queries for a case with nothing but its timeline (the case, its events,
the split check's related cases), and one more per list that has rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts.models import Profile

from . import audit, case_html, permissions, selectors
from .case_row import case_row
from .models import CaseEvent, ExpertEvaluation, ExtensionRequest, Opinion, ReviewCase


@dataclass(frozen=True, slots=True)
class Present:
    """Which of the case's lists have rows (read with the case, ``case_get``)."""

    opinions: bool
    drafts: bool
    evaluations: bool
    extensions: bool
    attachments: bool
    correction_rounds: bool
    budget: bool
    submissions: int  # the project's submissions (the comparison card needs two)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: Any, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


@functools.cache
def _probes(vendor: str) -> str:
    """``Present``'s values as SQL over the case's row ``c`` (``case_row``); one parameter,
    the year of the budget."""
    from documents.models import Draft
    from projects.models import Submission
    from rules.models import EnergyBudget

    from .correction_models import CorrectionRound

    def of_case(name: str) -> str:
        return f"c.{_column(ReviewCase, name)}"

    def probe(model: Any, where: str) -> str:
        return f"EXISTS (SELECT 1 FROM {_table(model)} WHERE {where})"

    def by_case(model: Any) -> str:
        return probe(model, f"{_column(model, 'case')} = {of_case('id')}")

    through = Submission.attachments.through
    budget = EnergyBudget
    return ", ".join(
        [
            by_case(Opinion),
            by_case(Draft),
            by_case(ExpertEvaluation),
            by_case(ExtensionRequest),
            probe(through, f"{_column(through, 'submission')} = {of_case('submission')}"),
            by_case(CorrectionRound),
            # rules.selectors.budget_remaining: the authority's own budget or the province's
            probe(
                budget,
                f"{_column(budget, 'year')} = %s AND (({_column(budget, 'province')}"
                f" = {of_case('province')} AND {_column(budget, 'authority')} IS NULL)"
                f" OR {_column(budget, 'authority')} = {of_case('authority')})",
            ),
            f"(SELECT COUNT(*) FROM {_table(Submission)}"
            f" WHERE {_column(Submission, 'project')} = {of_case('project')})",
        ]
    )


def case_get(*, pk: int, user: Any, today: date) -> tuple[ReviewCase, Present]:
    """The case as ``selectors.case_get_for_user`` gives it (without ``pending_extension``)
    and which of its lists have rows, in one query; Http404 as there."""
    row = case_row(pk=pk, probes=_probes(connection.vendor), params=[today.year])
    if row is None or not permissions.can_view_case(user, row.case):
        raise Http404("案件不存在")
    *flags, submissions = row.probes
    return row.case, Present(*(bool(v) for v in flags), submissions=int(submissions))


@functools.cache
def _events_sql(vendor: str) -> str:
    qn = connection.ops.quote_name
    user, profile = get_user_model(), Profile
    columns = ", ".join(f"e.{qn(f.column)}" for f in CaseEvent._meta.concrete_fields)
    actor, pk = _column(CaseEvent, "actor"), qn(CaseEvent._meta.pk.column)
    return (
        f"SELECT {columns}, u.{_column(user, 'username')} AS actor_username,"
        f" p.{_column(profile, 'display_name')} AS actor_display FROM {_table(CaseEvent)} e"
        f" LEFT JOIN {_table(user)} u ON u.{qn(user._meta.pk.column)} = e.{actor}"
        f" LEFT JOIN {_table(profile)} p ON p.{_column(profile, 'user')} = e.{actor}"
        f" WHERE e.{_column(CaseEvent, 'case')} = %s"
        f" ORDER BY e.{_column(CaseEvent, 'at')}, e.{pk}"
    )


def timeline_events(*, case: ReviewCase) -> list[CaseEvent]:
    """The case's events, oldest first, each with ``actor_name`` (one query): the actor's
    display name or user name (``selectors.actor_name``) read as two columns, not as a user and
    a profile object per event; the event's frozen submission is not read (issue 14)."""
    events = list(CaseEvent.objects.raw(_events_sql(connection.vendor), [case.pk]))
    for event in events:
        name = (event.actor_display or event.actor_username) if event.actor_id else None  # type: ignore[attr-defined]
        event.actor_name = name or selectors.actor_name(None)  # type: ignore[attr-defined]
    return events


def extensions(*, case: ReviewCase) -> list[ExtensionRequest]:
    """The case's extension requests as the page lists them (no names shown: no joins)."""
    return list(ExtensionRequest.objects.filter(case=case))


def pending_of(requests: list[ExtensionRequest]) -> ExtensionRequest | None:
    """The pending request among ``requests`` (at most one, a unique constraint)."""
    return next((x for x in requests if x.state == ExtensionRequest.State.PENDING), None)


def evaluations(*, case: ReviewCase) -> list[ExpertEvaluation]:
    """The case's evaluations as the page lists them (no body or recorder shown: no joins)."""
    return list(ExpertEvaluation.objects.filter(case=case))


def opinion_links(opinions: list[Any]) -> list[tuple[Any, str]]:
    links = []
    for opinion in opinions:
        try:
            url = reverse("review:opinion_download", kwargs={"pk": opinion.pk})
        except NoReverseMatch:
            url = ""
        links.append((opinion, url))
    return links


def attachment_links(attachments: list[Any]) -> list[tuple[Any, str]]:
    """Each file handed in with its download link (the applicant portal's permission-checked
    view; ``projects.permissions.can_download_attachment`` was asked by the selector)."""
    links = []
    for attachment in attachments:
        try:
            url = reverse(
                "projects:attachment_download",
                kwargs={"pk": attachment.project_id, "attachment_pk": attachment.pk},
            )
        except NoReverseMatch:
            url = ""
        links.append((attachment, url))
    return links


def page_context(
    request: HttpRequest, case: ReviewCase, today: date, has: Present
) -> dict[str, Any]:
    """The case page's lists: those ``has`` finds empty are not read."""
    from documents.selectors import drafts_for_case

    from .correction_selectors import rounds_of_case

    user = request.user
    requests = extensions(case=case) if has.extensions else []
    case.pending_extension = pending_of(requests)  # type: ignore[attr-defined]
    events = selectors.label_events(timeline_events(case=case))
    return {
        "moves": permissions.available_moves(user, case),
        "events": events,
        "timeline_items": case_html.timeline_items(events),
        "findings_table": case_html.findings_table(
            (case.submission.assessment or {}).get("findings") or []
        ),
        "audit_chain": audit.verify_events(case.pk, sorted(events, key=lambda e: e.pk)),
        "opinions": opinion_links(selectors.case_opinions(case=case)) if has.opinions else [],
        "drafts": drafts_for_case(case=case, user=user) if has.drafts else [],
        "evaluations": evaluations(case=case) if has.evaluations else [],
        "extensions": requests,
        "attachments": (
            attachment_links(selectors.case_attachments(case=case, user=user))
            if has.attachments
            else []
        ),
        "budget": selectors.case_budget(case=case, today=today) if has.budget else None,
        "correction_rounds": rounds_of_case(case) if has.correction_rounds else [],
        "several_submissions": has.submissions > 1,
    }
