"""Submission and the correction round (补正): freezing a project's facts, assessment and files
in a numbered Submission, opening or resuming its review case, and what the review workflow
calls back when a reviewer returns a case.

Re-exported by :mod:`projects.services`, which web forms and the API call.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rules import engine

from . import checks, permissions, selectors
from .checks import ProjectInvalid, ProjectNotEditable
from .models import Project, ProjectStatus, Submission
from .services_files import project_lock


# --------------------------------------------------------------------------------------------
# Submission and the correction round
# --------------------------------------------------------------------------------------------
def frozen_assessment(assessment: engine.Assessment) -> dict[str, Any]:
    """The assessment as stored with a submission: the contract's JSON in Chinese, each finding
    also carrying `message_en`, so readers in English see it without re-assessing."""
    frozen = assessment.as_dict("zh")
    english = assessment.as_dict("en")["findings"]
    for finding, translated in zip(frozen["findings"], english, strict=True):
        finding["message_en"] = translated["message"]
    return frozen


def _case_services() -> Any:
    from review import services as review_services  # the review app opens and resumes cases

    return review_services


@transaction.atomic
def project_submit(
    *,
    project: Project,
    by: Any,
    today: date | None = None,
    change_triggers: Sequence[str] = (),
) -> Submission:
    """Submit the project's current facts for review.

    Locks the project, assesses the facts with the policy in force on `today` (default: the
    local date), and freezes facts, assessment and files in Submission number n+1. Then, in the
    same transaction: a case that was RETURNED (补正) or DEFERRED (缓批) resumes through
    `review.services.case_resubmit`; otherwise an exempt project (route `exempt`) becomes
    EXEMPT without a case, and any other opens one through `review.services.case_open`.
    Raises ProjectNotEditable, or ProjectInvalid naming every missing or bad field; on error
    nothing changes.
    """
    day = today or timezone.localdate()
    locked = project_lock(project.pk)
    if not permissions.project_is_editable(locked):
        raise ProjectNotEditable(locked)
    full, errors, facts, assessment = checks.application_check(pk=locked.pk, day=day)
    if errors:
        raise ProjectInvalid(errors)
    assert facts is not None
    assert assessment is not None

    number = (full.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
    submission = Submission.objects.create(
        project=full,
        number=number,
        facts=engine.facts_to_payload(facts),
        assessment=frozen_assessment(assessment),
        policy_version=assessment.policy_version,
        details=selectors.project_details(full),
        submitted_by=by,
    )
    submission.attachments.set(full.attachments.all())

    case = permissions.latest_case(full)
    resuming = case is not None and case.state in permissions.RESUBMITTABLE_CASE_STATES
    if not resuming and assessment.route == "exempt":
        full.status = ProjectStatus.EXEMPT
    else:
        full.status = ProjectStatus.SUBMITTED
    full.correction_items = []
    full.draft_assessment = submission.assessment
    full.save(update_fields=["status", "correction_items", "draft_assessment", "updated_at"])
    try:
        if resuming:
            # `change_triggers`: what the applicant states a change application is about (变更).
            _case_services().case_resubmit(
                case=case, submission=submission, by=by, change_triggers=change_triggers
            )
        elif full.status == ProjectStatus.SUBMITTED:
            _case_services().case_open(submission=submission, by=by)
    except ValidationError as exc:
        # e.g. a change that needs no application, a region without a review authority, a
        # project moved to another province: nothing is kept.
        raise ProjectInvalid(exc.message_dict) from exc
    return submission


@transaction.atomic
def project_mark_for_correction(*, project: Project, items: list[str]) -> Project:
    """Open a correction round (补正): the applicant may edit and resubmit.

    Called by the review workflow when a reviewer returns a case. Precondition: the project is
    SUBMITTED (or already in CORRECTION: the items are replaced). Stores `items`, the reviewer's
    requests, for the applicant's pages.
    """
    locked = project_lock(project.pk)
    if locked.status not in (ProjectStatus.SUBMITTED, ProjectStatus.CORRECTION):
        raise ProjectNotEditable(locked)
    locked.status = ProjectStatus.CORRECTION
    locked.correction_items = [str(item) for item in items]
    locked.save(update_fields=["status", "correction_items", "updated_at"])
    return locked


def project_check(*, project: Project, today: date | None = None) -> ProjectInvalid | None:
    """What would stop `project` being submitted today, without submitting (None: nothing)."""
    _full, errors, _facts, _assessment = checks.application_check(
        pk=project.pk, day=today or timezone.localdate()
    )
    return ProjectInvalid(errors) if errors else None
