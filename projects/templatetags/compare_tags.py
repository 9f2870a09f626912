"""`{% load compare_tags %}{% submission_comparison project %}`: the 补正前后对比 card.

Any page that shows a project (the reviewer's case page, the submission page) includes it
without its view knowing: the two submissions come from `?old=&new=` (default: the latest and
the one before), and the card renders nothing while the project has a single submission.
"""

from __future__ import annotations

from typing import Any

from django import template

from projects.compare import submission_pair, submissions_compare

register = template.Library()


@register.inclusion_tag("projects/_compare.html", takes_context=True)
def submission_comparison(context: template.Context, project: Any, new_number: Any = None) -> dict:
    request = context.get("request")
    params = request.GET if request is not None else {}
    numbers = list(project.submissions.order_by("number").values_list("number", flat=True))
    pair = submission_pair(
        project=project,
        old_number=params.get("old"),
        new_number=params.get("new") or new_number,
        numbers=numbers,
    )
    return {
        "comparison": submissions_compare(old=pair[0], new=pair[1]) if pair else None,
        "numbers": numbers,
        "request": request,
    }
