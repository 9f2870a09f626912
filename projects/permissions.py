"""Who may see or change a project, its attachments and its evidence: the one place that decides.

Views, API views, the review pages and the admin all ask here. The rule:

- an applicant sees and changes only their own organization's projects, and changes one only
  while it is a draft, in a correction round (补正), deferred (缓批) awaiting new facts, or after
  its case closed without approval (to apply again);
- a provincial reviewer reads projects that have a review case in their province;
- the national reviewer (窗口指导) reads projects routed to national window guidance (方案（七）);
- an admin reads everything;
- staff download only the files handed in with a submission, never an applicant's unsent draft.

Anything else is "not found": the caller answers 404 so that another organization's project
numbers reveal nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts import roles
from review import permissions as review_permissions
from review.models import CaseState, ReviewCase
from review.workflow import CLOSED

from .models import Attachment, Project, ProjectStatus, SubstitutionSource

NATIONAL_ROUTE = "national_window_guidance"
# Case states in which the applicant is expected to change the facts and submit again to the
# same case (补正, 缓批) ...
# An APPROVED case takes a new submission as a change application (变更, 《办法》): the review
# app decides whether the change needs a new review.
RESUBMITTABLE_CASE_STATES = frozenset({CaseState.RETURNED, CaseState.DEFERRED, CaseState.APPROVED})
# ... and closed cases after which the project may be revised and applied for anew (a new case).
REAPPLY_CASE_STATES = CLOSED


def is_applicant_member(user: Any) -> bool:
    """An applicant who belongs to an organization: the only users of the applicant pages."""
    return roles.is_applicant(user) and roles.organization_id(user) is not None


def is_member(user: Any, project: Project) -> bool:
    """`user` is an applicant of the organization that owns `project`."""
    return is_applicant_member(user) and project.organization_id == roles.organization_id(user)


def project_scope(user: Any) -> Q:
    """The projects `user` may read, as a filter; the same rule as `can_view_project`."""
    nothing = Q(pk__in=[])
    if not getattr(user, "is_authenticated", False):
        return nothing
    if roles.is_admin(user):
        return Q()
    scope = nothing
    if is_applicant_member(user):
        scope |= Q(organization_id=roles.organization_id(user))
    if roles.is_staff_side(user):
        # The authority side reads the projects whose latest case is in its scope (the case's
        # authority, window guidance): one rule, in review.permissions.
        scope |= review_permissions.project_scope_q(user)
    return scope


def can_view_project(user: Any, project: Project) -> bool:
    """May `user` read `project` (its facts, submissions, files)? One query at most."""
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_admin(user) or is_member(user, project):
        return True
    if not roles.is_staff_side(user):
        return False
    return Project.objects.filter(project_scope(user), pk=project.pk).exists()


def latest_case(project: Project) -> ReviewCase | None:
    """The project's most recent case; uses prefetched `cases` when the selector loaded them."""
    cache = getattr(project, "_prefetched_objects_cache", {})
    if "cases" in cache:
        cases = list(cache["cases"])
        return max(cases, key=lambda c: (c.created_at, c.pk)) if cases else None
    return project.cases.order_by("-created_at", "-id").first()


def project_is_editable(project: Project) -> bool:
    """Draft, correction round (补正), a deferred case waiting for new facts (缓批), an approved
    project whose facts change (变更申请), or a closed case (不予受理, 不予通过, 已失效) after
    which the applicant may apply again."""
    if project.status in (ProjectStatus.DRAFT, ProjectStatus.CORRECTION):
        return True
    if project.status == ProjectStatus.SUBMITTED:
        case = latest_case(project)
        return case is not None and (
            case.state in RESUBMITTABLE_CASE_STATES or case.state in REAPPLY_CASE_STATES
        )
    return False


def can_edit_project(user: Any, project: Project) -> bool:
    """May `user` change `project`'s facts, files and submit it?"""
    return is_member(user, project) and project_is_editable(project)


def can_download_attachment(user: Any, attachment: Attachment) -> bool:
    """Members download every file of their project; staff only files handed in."""
    if is_member(user, attachment.project):
        return True
    if not can_view_project(user, attachment.project):
        return False
    return attachment.submissions.exists()


def can_download_evidence(user: Any, source: SubstitutionSource) -> bool:
    """Evidence of a substitution source: members; staff once the project has been submitted."""
    if not source.evidence:
        return False
    if is_member(user, source.project):
        return True
    return can_view_project(user, source.project) and source.project.submissions.exists()
