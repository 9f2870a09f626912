"""``{% split_warnings case %}``: the split-project warning on the reviewer's case page.

Renders nothing for anyone who may not see it (applicants never do)."""

from __future__ import annotations

from typing import Any

from django import template

from supervision import permissions
from supervision.split import split_warnings_for_case

register = template.Library()


@register.inclusion_tag("supervision/_split_warnings.html", takes_context=True)
def split_warnings(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can_see_split_warnings(user, case):
        return {"warnings": []}
    return {"warnings": split_warnings_for_case(case)}
