"""Reads of issued documents (审查文书): lists per case and project, access checks, public lookup.

Who may download follows `review.permissions.can_see_outcome`: the applicant's organization,
the reviewers of the case's province, the national reviewer for window-guidance cases, admins.
Anyone else gets 404, as if the document did not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from review import permissions

from .models import Opinion, ReviewCase


def opinion_list_for_case(*, case: ReviewCase) -> QuerySet[Opinion]:
    """Every document of the case, every version and state (for the reviewer's case page):
    newest issue first, then by number and latest version first. One query."""
    return Opinion.objects.filter(case=case).order_by("-issued_on", "-number", "-version", "-pk")


def opinion_list_for_project(*, project: Any, include_unready: bool = False) -> QuerySet[Opinion]:
    """The documents of all of the project's cases (the applicant's project page).

    Ready documents only unless `include_unready`; each with its case (select_related), so a
    page listing them makes one query.
    """
    qs = Opinion.objects.filter(case__project=project).select_related("case")
    if not include_unready:
        qs = qs.filter(state=Opinion.State.READY)
    return qs.order_by("-issued_on", "-number", "-version", "-pk")


def opinion_get_for_user(*, pk: int, user: Any) -> Opinion:
    """The document, if `user` may see its case's outcome; Http404 otherwise."""
    opinion = (
        Opinion.objects.select_related("case", "case__project", "case__project__organization")
        .filter(pk=pk)
        .first()
    )
    if opinion is None or not permissions.can_see_outcome(user, opinion.case):
        raise Http404("文书不存在")
    return opinion


def opinion_get_public(*, token: Any) -> Opinion:
    """A ready document by its verification token (public page); Http404 for anything else."""
    opinion = (
        Opinion.objects.select_related(
            "case", "case__project__organization", "case__submission", "revocation"
        )
        .filter(token=token, state=Opinion.State.READY)
        .first()
    )
    if opinion is None:
        raise Http404("文书不存在")
    return opinion


def opinion_newer_version(*, opinion: Opinion) -> Opinion | None:
    """The latest ready re-rendering of the same document number, if newer than `opinion`."""
    return (
        Opinion.objects.filter(
            case_id=opinion.case_id,
            number=opinion.number,
            version__gt=opinion.version,
            state=Opinion.State.READY,
        )
        .order_by("-version")
        .first()
    )
