"""The applicant side listening to the review app (the dependency runs one way: projects imports
review, review never calls ``projects.services``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from review.signals import case_returned_for_correction

from .services import project_mark_for_correction


@receiver(case_returned_for_correction, dispatch_uid="projects_open_correction_round")
def open_correction_round(sender: Any, *, case: Any, items: list[str], **_: Any) -> None:
    """A reviewer returned the case: open the project's correction round with the items."""
    project_mark_for_correction(project=case.project, items=items)
