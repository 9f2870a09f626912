"""Who may see a review case and who may make which move: the one place that decides.

Views, the API, the services (defence in depth), the projects app and the admin all ask here.
The rules follow the case's authority (``ReviewCase.authority``, routed from the facts):

- a reviewer or head sees the cases of the authorities he belongs to (``authorities`` app), and
  nothing else: when a case moves to another authority, the old authority loses it, its later
  submissions and files included; the national reviewer sees the cases routed to national window
  guidance (方案（七））; an admin every case. Rows made before routing existed (no authority) are
  seen by the provincial authority of their province;
- a reviewer acts only on his authorities' cases; a user with the applicant role never acts for
  the authority, whatever other role he holds;
- the head of the case's authority approves or refuses extensions (《行政许可法》第四十二条);
- the national reviewer acts only on window-guidance cases, and only by answering the guidance;
- an applicant acts only on his own organization's cases and only by the applicant's moves;
- an admin may do everything.

Anything a user may not see answers 404 (``review.selectors.case_get_for_user``); a case he may
see but a move he may not make answers 403.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts import roles
from authorities.selectors import (
    head_authority_ids,
    member_authority_ids,
    provincial_provinces,
    reviewer_authority_ids,
)

from .models import ReviewCase
from .workflow import ROUTE_WINDOW_GUIDANCE, TRANSITIONS, Action, Move, Party, moves_from


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _authority_side(user: Any) -> bool:
    return _authenticated(user) and not roles.is_applicant(user)


def case_scope_parts(user: Any, *, prefix: str = "") -> tuple[tuple[Q, ...], bool]:
    """The parts of ``case_scope`` (OR-ed there), and whether no case matches two of them.

    An authority-side user reads his authorities' cases, his provinces' cases that no authority
    holds, and (window guidance) every case routed to it. The first two never overlap (a case
    has an authority or has none); the route's part may overlap both. An admin's one part is
    ``Q()`` (every case); a user without a role has none. Counting each part of a disjoint scope
    apart lets each read its own partial index (``review.counts``)."""
    if not _authenticated(user):
        return (), True
    if roles.is_admin(user):
        return (Q(),), True
    parts: list[Q] = []
    national = False
    if not roles.is_applicant(user):
        ids = member_authority_ids(user)
        if ids:
            parts.append(Q(**{f"{prefix}authority_id__in": sorted(ids)}))
        provinces = provincial_provinces(user)
        if provinces:
            unassigned = {f"{prefix}authority__isnull": True}
            parts.append(Q(**unassigned, **{f"{prefix}province__in": sorted(provinces)}))
        if roles.is_national_reviewer(user):
            parts.append(Q(**{f"{prefix}route": ROUTE_WINDOW_GUIDANCE}))
            national = True
    return tuple(parts), not national or len(parts) == 1


def scope_of(parts: tuple[Q, ...]) -> Q:
    """One filter of ``case_scope_parts``' parts: any of them (none: no case)."""
    if Q() in parts:
        return Q()
    return functools.reduce(operator.or_, parts, Q(pk__in=[]))


def case_scope(user: Any, *, prefix: str = "") -> Q:
    """The cases ``user`` may read on the authority side, as a filter (no query beyond the
    user's memberships, cached). ``prefix`` scopes a related lookup (``"cases__"``)."""
    return scope_of(case_scope_parts(user, prefix=prefix)[0])


def project_scope_q(user: Any) -> Q:
    """Projects the authority side of ``user`` may read, as a filter on ``projects.Project``:
    those whose latest case is in his case scope. A project that moved on to another
    authority's case (a later submission, a new case) is no longer readable by the old one, its
    later submissions and files included (issue 15 item 7)."""
    from django.db.models import Exists, OuterRef, Subquery

    if not _authority_side(user):
        return Q(pk__in=[])
    # Per project: its latest case (one probe of the project_id index), then whether that one
    # case is in scope (a primary-key probe). Correlating the inner subquery with the case
    # instead made PostgreSQL compute the latest case of every case in scope first: 830 ms for
    # a page of the projects list at 100,000 cases, 1 ms this way (issue 14).
    latest = (
        ReviewCase.objects.filter(project=OuterRef(OuterRef("pk"))).order_by("-pk").values("pk")
    )
    return Q(Exists(ReviewCase.objects.filter(case_scope(user), pk=Subquery(latest[:1]))))


def _member(user: Any, case: ReviewCase, ids: frozenset[int]) -> bool:
    if case.authority_id is not None:
        return case.authority_id in ids
    return case.province in provincial_provinces(user)


def can_view_case(user: Any, case: ReviewCase) -> bool:
    """May ``user`` open the case's page and API (authority side)?"""
    if not _authenticated(user):
        return False
    if roles.is_admin(user):
        return True
    if roles.is_applicant(user):
        return False
    if _member(user, case, member_authority_ids(user)):
        return True
    return roles.is_national_reviewer(user) and case.route == ROUTE_WINDOW_GUIDANCE


def is_reviewer_of_case(user: Any, case: ReviewCase) -> bool:
    return _authority_side(user) and _member(user, case, reviewer_authority_ids(user))


def is_head_of_case(user: Any, case: ReviewCase) -> bool:
    if not _authority_side(user):
        return False
    if case.authority_id is None:
        return False
    return case.authority_id in head_authority_ids(user)


def is_applicant_of(user: Any, case: ReviewCase) -> bool:
    """``user`` is an applicant of the organization that owns the case's project."""
    org = roles.organization_id(user)
    return roles.is_applicant(user) and org is not None and org == case.project.organization_id


def can_see_outcome(user: Any, case: ReviewCase) -> bool:
    """May ``user`` see the case's state and issued documents? The authority side in scope and
    the applicant's own organization (for the PDF helper's downloads and the applicant pages)."""
    return can_view_case(user, case) or is_applicant_of(user, case)


def acts_as(user: Any, case: ReviewCase, party: Party) -> bool:
    """Whether ``user`` may make moves of ``party`` on ``case``. ``None`` is the system."""
    if user is None:
        return party == Party.SYSTEM
    if not _authenticated(user):
        return False
    if roles.is_admin(user):
        return True
    if party == Party.APPLICANT:
        return is_applicant_of(user, case)
    if roles.is_applicant(user):  # applicants never act as reviewers
        return False
    if party == Party.REVIEWER:
        return is_reviewer_of_case(user, case)
    if party == Party.HEAD:
        return is_head_of_case(user, case)
    if party == Party.NATIONAL:
        return roles.is_national_reviewer(user) and case.route == ROUTE_WINDOW_GUIDANCE
    return False


def can_act(user: Any, case: ReviewCase, action: Action | str) -> bool:
    """May ``user`` make ``action`` on ``case`` in its current state (permission and graph)?"""
    move = TRANSITIONS.get((case.state, Action(action)))  # type: ignore[call-overload]
    return move is not None and acts_as(user, case, move.party)


def require_action(user: Any, case: ReviewCase, action: Action | str) -> None:
    """Raise PermissionDenied unless ``user`` may make ``action`` on ``case``.

    Only the party is checked here: a move not allowed from the current state is left to
    ``workflow.check_transition`` so that the caller reports it as a conflict, not a 403.
    """
    moves = [m for (src, act), m in TRANSITIONS.items() if act == Action(action)]
    move = next((m for m in moves if m.source == case.state), moves[0] if moves else None)
    if move is None or not acts_as(user, case, move.party):
        raise PermissionDenied("您无权对该案件执行此操作。")


def can_open(user: Any, project: Any) -> bool:
    """May ``user`` open a case for ``project`` (its applicant, or an admin)?"""
    if not _authenticated(user):
        return False
    if roles.is_admin(user):
        return True
    org = roles.organization_id(user)
    return roles.is_applicant(user) and org is not None and org == project.organization_id


def can_be_assignee(user: Any, case: ReviewCase) -> bool:
    """A case is handled by a reviewer of its authority (or an admin), never by an applicant."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if roles.is_applicant(user):
        return False
    if roles.is_admin(user):
        return True
    return is_reviewer_of_case(user, case)


def available_moves(user: Any, case: ReviewCase) -> list[Move]:
    """The moves ``user`` may make now on ``case``, for the page's buttons (no query).

    System moves and the applicant's moves that need a new submission are left out: they are made
    by the scheduled tasks and by ``projects.services.project_submit``. The head's extension
    moves show only when the caller set ``case.pending_extension`` (the selectors do).
    """
    hidden = {Action.OPEN, Action.RESUBMIT, Action.REQUEST_CHANGE, Action.EXPIRE}
    pending = getattr(case, "pending_extension", None)
    moves = []
    for move in moves_from(case.state):
        if move.action in hidden or move.party == Party.SYSTEM:
            continue
        if move.action == Action.CLAIM and case.assignee_id not in (None, getattr(user, "pk", 0)):
            continue
        if move.action == Action.CLAIM and not can_be_assignee(user, case):
            continue
        if move.action == Action.REQUEST_EXTENSION and (case.extended or pending is not None):
            continue
        if move.action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION) and pending is None:
            continue
        if move.action == Action.REQUEST_GUIDANCE and case.route != ROUTE_WINDOW_GUIDANCE:
            continue
        if move.action == Action.ANSWER_GUIDANCE and not case.guidance_pending:
            continue
        if acts_as(user, case, move.party):
            moves.append(move)
    return moves
