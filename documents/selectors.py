"""Reads of drafts and issued documents: lists and lookups for a user, verification status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from documents import permissions
from documents.layout.content import valid_until
from documents.models import DocKind, Draft, DraftState
from review.models import CaseState, Opinion, ReviewCase

LIST_LIMIT = 200


def draft_list_for_user(*, user: Any, state: str = "") -> QuerySet[Draft]:
    """Drafts the user may edit (the case in their scope) or sign (their authority's heads),
    newest first, with case and project (one query per page)."""
    from authorities.models import Authority
    from review.permissions import case_scope

    if not getattr(user, "is_authenticated", False):
        return Draft.objects.none()
    scope = Q(case__in=ReviewCase.objects.filter(case_scope(user)).values("pk"))
    headed = Authority.objects.filter(heads=user, is_active=True)
    scope |= Q(authority__in=headed) | Q(
        authority__isnull=True, case__province__in=headed.values("province")
    )
    qs = Draft.objects.filter(scope).select_related("case__project", "authority")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-updated_at", "-pk")


def draft_get_for_user(*, pk: int, user: Any) -> Draft:
    draft = (
        Draft.objects.select_related(
            "case__project__organization", "case__submission", "authority", "opinion"
        )
        .filter(pk=pk)
        .first()
    )
    if draft is None or not permissions.can_read(user, draft.case):
        raise Http404("文书稿不存在")
    return draft


def draft_versions(*, draft: Draft) -> list[Any]:
    return list(draft.versions.select_related("by").order_by("-id")[:100])


@dataclass(frozen=True, slots=True)
class Status:
    code: str  # valid / revoked / superseded / expired
    label: str
    detail: str = ""


def document_status(*, opinion: Opinion, today: date) -> Status:
    """有效 / 已撤销 / 已被变更文书替代 / 已失效, for the public verification page."""
    revocation = getattr(opinion, "revocation", None) if _has_revocation(opinion) else None
    if revocation is not None:
        return Status("revoked", "已撤销", revocation.reason)
    if opinion.kind == DocKind.APPROVAL:
        change = (
            Opinion.objects.filter(
                case__project_id=opinion.case.project_id,
                kind=DocKind.CHANGE,
                state=Opinion.State.READY,
                issued_on__gte=opinion.issued_on,
            )
            .exclude(pk=opinion.pk)
            .order_by("-issued_on")
            .first()
        )
        if change is not None:
            return Status("superseded", "已被变更文书替代", change.number)
        expired = opinion.case.state == CaseState.EXPIRED or (
            valid_until(opinion.issued_on) < today and not opinion.case.started_construction_on
        )
        if expired:
            return Status("expired", "已失效", "")
    return Status("valid", "有效", "")


def _has_revocation(opinion: Opinion) -> bool:
    from documents.models import Revocation

    try:
        return opinion.revocation is not None
    except Revocation.DoesNotExist:
        return False


def drafts_for_case(*, case: ReviewCase, user: Any) -> list[Draft]:
    """The case's drafts (拟稿 → 核稿 → 签发), newest first, for those who may read them;
    applicants see none (they receive the issued document)."""
    if not permissions.can_read(user, case) or not (
        permissions.can_draft(user, case) or permissions.can_sign(user, case)
    ):
        return []
    return list(Draft.objects.filter(case=case).order_by("-pk")[:LIST_LIMIT])


def open_drafts_count(*, case: ReviewCase) -> int:
    return Draft.objects.filter(case=case).exclude(state=DraftState.SIGNED).count()
