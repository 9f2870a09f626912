"""What the applicant pages share: the ``applicant_required`` decorator, the caller's
language, errors as rows linking to the step that fixes them, and the reviewer's
correction requests and note shown on a project.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from review.models import CaseState
from rules.services import language_of

from . import labels, permissions
from .forms import step_of_path
from .models import Project, ProjectStatus


def applicant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and an applicant of an organization; other roles get 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.is_applicant_member(request.user):
            raise PermissionDenied(_("此页面仅供建设单位使用。"))
        return view(request, *args, **kwargs)

    return wrapper


def _lang() -> str:
    return language_of(get_language())


def _error_items(errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Errors as rows for a list: label, step and link to the step that fixes them."""
    return [
        {
            "path": path,
            "label": labels.path_label(path),
            "step": step_of_path(path),
            "messages": msgs,
        }
        for path, msgs in sorted(errors.items(), key=lambda item: step_of_path(item[0]))
    ]


def _correction_note(case: Any) -> str:
    """What the reviewer wrote to the applicant when returning the case for correction."""
    if case is None or case.state != CaseState.RETURNED:
        return ""
    event = case.events.filter(action="return_for_correction").order_by("-at", "-id").first()
    return event.reason if event is not None else ""


def _correction_items(project: Project, case: Any) -> list[str]:
    """The reviewer's requests: a returned case's items (else those stored on the project), or
    a deferred case's condition for lifting the deferral (缓批)."""
    if case is not None and case.state == CaseState.DEFERRED:
        return [case.deferral_lift] if case.deferral_lift else []
    if project.status != ProjectStatus.CORRECTION and not (
        case is not None and case.state == CaseState.RETURNED
    ):
        return []
    items = list(case.correction_items or []) if case is not None else []
    return items or list(project.correction_items or [])
