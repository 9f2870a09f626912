"""Who may see a review case and who may make which move: the one place that decides.

Views, the API, the services (defence in depth) and the admin all ask here. The rules:

- the authority side sees cases in its scope: a provincial reviewer the cases of the province of
  his jurisdiction (first two digits of the region code, GB/T 2260); the national reviewer the
  cases routed to national window guidance of every province (方案（七））; an admin every case;
- a provincial reviewer acts only on cases of his province; a user with the applicant role never
  acts as a reviewer, whatever other role he holds;
- the national reviewer acts only on window-guidance cases, and only by answering the guidance;
- an applicant acts only on his own organization's cases and only by the applicant's moves
  (resubmitting, filing a change, recording the start of construction);
- an admin may do everything.

Anything a user may not see answers 404 (``review.selectors.case_get_for_user``); a case he may
see but a move he may not make answers 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts import roles

from .models import ReviewCase
from .workflow import ROUTE_WINDOW_GUIDANCE, TRANSITIONS, Action, Move, Party, moves_from


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def case_scope(user: Any) -> Q:
    """The cases ``user`` may read on the authority side, as a filter (no query)."""
    nothing = Q(pk__in=[])
    if not _authenticated(user):
        return nothing
    if roles.is_admin(user):
        return Q()
    scope = nothing
    if roles.is_reviewer(user) and roles.jurisdiction(user):
        scope |= Q(province=roles.jurisdiction(user))
    if roles.is_national_reviewer(user):
        scope |= Q(route=ROUTE_WINDOW_GUIDANCE)
    return scope


def can_view_case(user: Any, case: ReviewCase) -> bool:
    """May ``user`` open the case's page and API (authority side)? No query."""
    if not _authenticated(user):
        return False
    if roles.is_admin(user):
        return True
    if roles.is_reviewer(user) and roles.jurisdiction(user) == case.province:
        return True
    return roles.is_national_reviewer(user) and case.route == ROUTE_WINDOW_GUIDANCE


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
        return roles.is_reviewer(user) and bool(roles.jurisdiction(user) == case.province)
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
    """A case is handled by a reviewer of its province (or an admin), never by an applicant."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if roles.is_applicant(user):
        return False
    if roles.is_admin(user):
        return True
    return roles.is_reviewer(user) and roles.jurisdiction(user) == case.province


def available_moves(user: Any, case: ReviewCase) -> list[Move]:
    """The moves ``user`` may make now on ``case``, for the page's buttons (no query).

    System moves and the applicant's moves that need a new submission are left out: they are made
    by the scheduled tasks and by ``projects.services.project_submit``.
    """
    hidden = {Action.OPEN, Action.RESUBMIT, Action.REQUEST_CHANGE, Action.EXPIRE}
    moves = []
    for move in moves_from(case.state):
        if move.action in hidden or move.party == Party.SYSTEM:
            continue
        if move.action == Action.CLAIM and case.assignee_id not in (None, getattr(user, "pk", 0)):
            continue
        if move.action == Action.CLAIM and not can_be_assignee(user, case):
            continue
        if move.action == Action.EXTEND and case.extended:
            continue
        if move.action == Action.REQUEST_GUIDANCE and case.route != ROUTE_WINDOW_GUIDANCE:
            continue
        if acts_as(user, case, move.party):
            moves.append(move)
    return moves
