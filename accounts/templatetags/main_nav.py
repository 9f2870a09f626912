"""``{% main_nav %}``: base.html's main navigation, rendered once per language and role and kept.

The navigation is the same for every user of the same roles in the same language (its links
are reversed URLs, its labels translations), yet base.html rendered its dozen ``{% url %}`` and
``{% translate %}`` tags on every page (issue 14). The tag renders ``accounts/_main_nav.html``
the first time a combination is seen and then returns that markup. Nothing user-specific is in
it: the bell (the unread count) and the user box stay in base.html.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

FLAGS = ("is_applicant", "is_reviewer", "is_national_reviewer", "is_admin_user")
_rendered: dict[tuple[Any, ...], str] = {}


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> SafeString:
    flags = {flag: bool(context.get(flag)) for flag in FLAGS}
    key = (
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        *flags.values(),
    )
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = get_template("accounts/_main_nav.html").render(flags)
    return mark_safe(html)  # noqa: S308 - a template's own output, escaped as it rendered
