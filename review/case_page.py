"""What the reviewer's case page reads besides the case itself (issue 14).

Most of a case's lists are empty most of the time (no document yet, no draft, no evaluation, no
extension, no file, no 补正 round, no budget set). One query of ``EXISTS`` probes, each an index
probe, tells which lists have rows; only those are read. The page then makes a fixed number of
queries for a case with nothing but its timeline, and one more per list that has rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from . import audit, permissions, selectors
from .models import ExpertEvaluation, ExtensionRequest, Opinion, ReviewCase


@dataclass(frozen=True, slots=True)
class Present:
    """Which of the case's lists have rows (one query, ``present``)."""

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
def _present_sql(vendor: str) -> str:
    from documents.models import Draft
    from projects.models import Submission
    from rules.models import EnergyBudget

    from .correction_models import CorrectionRound

    def probe(model: Any, where: str) -> str:
        return f"EXISTS (SELECT 1 FROM {_table(model)} WHERE {where})"

    def by_case(model: Any) -> str:
        return probe(model, f"{_column(model, 'case')} = %s")

    through = Submission.attachments.through
    budget = EnergyBudget
    return "SELECT " + ", ".join(
        [
            by_case(Opinion),
            by_case(Draft),
            by_case(ExpertEvaluation),
            by_case(ExtensionRequest),
            probe(through, f"{_column(through, 'submission')} = %s"),
            by_case(CorrectionRound),
            # rules.selectors.budget_remaining: the authority's own budget or the province's
            probe(
                budget,
                f"{_column(budget, 'year')} = %s AND (({_column(budget, 'province')} = %s"
                f" AND {_column(budget, 'authority')} IS NULL)"
                f" OR {_column(budget, 'authority')} = %s)",
            ),
            f"(SELECT COUNT(*) FROM {_table(Submission)}"
            f" WHERE {_column(Submission, 'project')} = %s)",
        ]
    )


def present(case: ReviewCase, *, today: date) -> Present:
    """Which of ``case``'s lists have rows (one query)."""
    pk = case.pk
    params = [pk, pk, pk, pk, case.submission_id, pk]
    params += [today.year, case.province, case.authority_id, case.project_id]
    with connection.cursor() as cursor:
        cursor.execute(_present_sql(connection.vendor), params)
        row = cursor.fetchone()
    return Present(*(bool(v) for v in row[:-1]), submissions=int(row[-1]))


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


def page_context(request: HttpRequest, case: ReviewCase, today: date) -> dict[str, Any]:
    """The case page's lists: those ``present`` finds empty are not read."""
    from documents.selectors import drafts_for_case

    from .correction_selectors import rounds_of_case

    user = request.user
    has = present(case, today=today)
    requests = extensions(case=case) if has.extensions else []
    case.pending_extension = pending_of(requests)  # type: ignore[attr-defined]
    events = selectors.timeline_entries(case=case)
    return {
        "moves": permissions.available_moves(user, case),
        "events": events,
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
