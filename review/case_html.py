"""The case page's per-row markup built in Python (issue 14): the timeline and the findings table.

Rendering them through the template engine cost a variable lookup, a filter call and an
autoescape per cell, per row; these functions write the same markup (tests/review/
test_case_html.py holds them to the templates' output, ``review/_findings.html`` included, in
both languages).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from projects.templatetags.project_tags import finding_message, severity_label


def _e(value: Any) -> str:
    return str(conditional_escape(value))


def _event(event: Any) -> str:
    at = date_filter(timezone.localtime(event.at) if event.at else event.at, "Y-m-d H:i")
    moved = (
        f'<span class="muted">（{_e(event.from_label or "—")} → {_e(event.to_label)}）</span>'
        if event.from_state != event.to_state
        else ""
    )
    reason = f"<div>{linebreaksbr(event.reason, autoescape=True)}</div>" if event.reason else ""
    details = "".join(f'<div class="muted">{_e(line)}</div>' for line in event.details)
    return (
        f"\n    <li><strong>{_e(event.label)}</strong> · {_e(event.actor_name)} · "
        f'<span class="muted">{_e(at)}</span>\n'
        f"      {moved}\n      {reason}\n      {details}\n    </li>\n  "
    )


def timeline_items(events: Iterable[Any]) -> SafeString:
    """The ``<li>`` of each event (``selectors.timeline_entries``), as the template wrote them."""
    return mark_safe("".join(_event(e) for e in events))  # noqa: S308 - every value escaped


def _cell(finding: dict[str, Any], key: str) -> str:
    """``{{ f.key }}``: a missing key is empty, anything else its text, escaped."""
    return _e(finding[key]) if key in finding else ""


def findings_table(findings: Iterable[dict[str, Any]]) -> SafeString:
    """What ``{% include "review/_findings.html" %}`` wrote for ``findings``."""
    rows = "".join(
        f'\n    \n    <tr data-code="{_cell(f, "code")}"><td><span class="badge sev-'
        f'{_cell(f, "severity")}" title="{_e(gettext("规则代码"))} {_cell(f, "code")}">'
        f"{_e(severity_label(f.get('severity')))}</span></td><td>{_e(finding_message(f))}</td>"
        f"<td>{_cell(f, 'basis')}</td></tr>\n  "
        for f in findings
    )
    if not rows:
        rows = f'<tr><td colspan="3" class="muted">{_e(gettext("无"))}</td></tr>'
    head = "".join(f"<th>{_e(gettext(label))}</th>" for label in ("程度", "说明", "依据"))
    return mark_safe(  # noqa: S308 - every value escaped
        f'\n<table class="findings">\n  <thead><tr>{head}</tr></thead>\n  <tbody>\n  {rows}'
        "\n  </tbody>\n</table>\n"
    )
