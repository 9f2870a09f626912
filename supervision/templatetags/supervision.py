"""``{% split_warnings case %}``: the split-project warning on the reviewer's case page, and for
an approved case a link to its supervision record with its two-high inventory entry (status and
disposal, which the province may change in the inventory).

Renders nothing for anyone who may not see it (applicants never do)."""

from __future__ import annotations

from typing import Any

from django import template

from supervision import permissions
from supervision.models import InventoryLink
from supervision.split import split_warnings_for_case

register = template.Library()


@register.inclusion_tag("supervision/_split_warnings.html", takes_context=True)
def split_warnings(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can_see_split_warnings(user, case):
        return {"warnings": [], "supervised": False}
    supervised = case.state in permissions.SUPERVISED_STATES and permissions.can_supervise(
        user, case
    )
    link = (
        InventoryLink.objects.filter(case=case).select_related("entry").first()
        if supervised and case.two_high
        else None
    )
    return {
        "warnings": split_warnings_for_case(case),
        "supervised": supervised,
        "case": case,
        "entry": link.entry if link else None,
    }
