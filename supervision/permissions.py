"""Who may see and act on supervision (事中事后监管): the one place that decides.

The authority side supervises the approved cases in its scope; the owner (the applicant
organization of the case's project) files the acceptance, reports rectification and sees its
own monitoring; nobody else sees anything (404). The scope follows the review case:

- by the case's authority (``ReviewCase.authority``, its reviewers and heads) once that field
  exists; until then by the province jurisdiction of ``review.permissions``. The switch is
  :data:`SCOPE_BY_AUTHORITY`, decided once from the model;
- an admin sees and acts on everything; a user with the applicant role never acts for the
  authority, whatever else he holds; the national reviewer has no supervision scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts import roles
from review import permissions as review_permissions
from review.models import CaseState, ReviewCase


def _has_field(model: type, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


# The one-line switch: scope by the case's authority when the review app has it.
SCOPE_BY_AUTHORITY: bool = _has_field(ReviewCase, "authority")

# Cases under supervision: approved (the opinion stands; construction, acceptance, operation).
SUPERVISED_STATES = (CaseState.APPROVED,)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _authority_ids(user: Any) -> list[int]:
    from authorities.selectors import member_authority_ids

    return sorted(member_authority_ids(user))


def _provinces(user: Any) -> list[str]:
    """Provinces whose pre-routing cases (no authority) the user's provincial authority sees;
    the profile's jurisdiction before authorities existed."""
    if SCOPE_BY_AUTHORITY:
        from authorities.selectors import provincial_provinces

        return sorted(provincial_provinces(user))
    return (
        [roles.jurisdiction(user)] if roles.is_reviewer(user) and roles.jurisdiction(user) else []
    )


def is_authority_side(user: Any) -> bool:
    """Admins and members of an authority (reviewers, heads); a user with the applicant role
    never acts for the authority."""
    if not _authenticated(user):
        return False
    if roles.is_admin(user):
        return True
    if roles.is_applicant(user):
        return False
    return bool(_authority_ids(user) or _provinces(user)) or roles.is_reviewer(user)


def authority_scope(user: Any) -> Q:
    """Cases (any state) the authority side of ``user`` supervises, as a filter on ReviewCase:
    his authorities' cases (``review.permissions.case_scope`` without window guidance)."""
    nothing = Q(pk__in=[])
    if not _authenticated(user):
        return nothing
    if roles.is_admin(user):
        return Q()
    if roles.is_applicant(user):
        return nothing
    scope = nothing
    provinces = _provinces(user)
    if SCOPE_BY_AUTHORITY:
        ids = _authority_ids(user)
        if ids:
            scope |= Q(authority_id__in=ids)
        if provinces:
            scope |= Q(authority__isnull=True, province__in=provinces)
    elif provinces:
        scope |= Q(province__in=provinces)
    return scope


def cases_in_scope(user: Any) -> Any:
    """The supervised cases (approved) of the authority side of ``user``, as a queryset."""
    return ReviewCase.objects.filter(authority_scope(user), state__in=SUPERVISED_STATES)


def inspection_scope(user: Any) -> Q:
    """Inspections drawn by the authority (or province) of ``user``, as a filter."""
    nothing = Q(pk__in=[])
    if not is_authority_side(user):
        return nothing
    if roles.is_admin(user):
        return Q()
    scope = nothing
    provinces = _provinces(user)
    if SCOPE_BY_AUTHORITY and _authority_ids(user):
        scope |= Q(authority_id__in=_authority_ids(user))
    if provinces:
        scope |= Q(authority__isnull=True, province__in=provinces)
    return scope


def is_owner_user(user: Any) -> bool:
    """An applicant belonging to an organization (the owner side of supervision)."""
    return (
        _authenticated(user)
        and roles.is_applicant(user)
        and roles.organization_id(user) is not None
    )


def owner_scope(user: Any) -> Q:
    """Cases of the applicant organization of ``user``."""
    org = roles.organization_id(user)
    if not _authenticated(user) or not roles.is_applicant(user) or org is None:
        return Q(pk__in=[])
    return Q(project__organization_id=org)


def can_supervise(user: Any, case: ReviewCase) -> bool:
    """May ``user`` act for the authority on ``case`` (check filings, order rectification)?"""
    if not _authenticated(user):
        return False
    if roles.is_admin(user):
        return True
    if roles.is_applicant(user):
        return False
    if SCOPE_BY_AUTHORITY and getattr(case, "authority_id", None):
        return case.authority_id in _authority_ids(user)
    return case.province in _provinces(user)


def is_owner(user: Any, case: ReviewCase) -> bool:
    """``user`` is an applicant of the organization owning the case's project."""
    return _authenticated(user) and review_permissions.is_applicant_of(user, case)


def can_view(user: Any, case: ReviewCase) -> bool:
    return can_supervise(user, case) or is_owner(user, case)


def require_supervise(user: Any, case: ReviewCase) -> None:
    if not can_supervise(user, case):
        raise PermissionDenied("您无权对该项目执行监管操作。")


def require_owner(user: Any, case: ReviewCase) -> None:
    if not (is_owner(user, case) or roles.is_admin(user)):
        raise PermissionDenied("仅项目建设单位可执行此操作。")


def can_import_monitoring(user: Any) -> bool:
    """Monitoring data comes from admins (file import) and the monitoring platform's account
    (an admin token, or a user given the model's add permission)."""
    if not _authenticated(user) or roles.is_applicant(user):
        return False
    return roles.is_admin(user) or user.has_perm("supervision.add_monthlyenergy")


def can_see_split_warnings(user: Any, case: ReviewCase) -> bool:
    """Split-project warnings are for the review side only; applicants never see them."""
    if not _authenticated(user) or roles.is_applicant(user):
        return False
    return review_permissions.can_view_case(user, case)
