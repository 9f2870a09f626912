"""The reviewer queue's filter form and table rows as HTML, built by plain functions.

Through the template, a page of twenty rows cost about half the request: ~450 variable lookups
and ~20 translations a row (a ``{% include %}`` of the clock per row), and the filter form's
seven widgets each went through Django's form renderer and its templates (issue 14). These
functions write the same markup (up to runs of whitespace) with each label translated once per
page; ``tests/review/test_queue_html.py`` holds them to the templates' output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.forms import BoundField, Form
from django.forms.widgets import CheckboxInput, Input, Select
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, ngettext

from common.numbers import format_number
from rules.selectors import ROUTE_LABELS, province_name

from . import selectors
from .clock import ClockView
from .models import CaseState

# The columns a row shows, by the names ``values()`` gives them: the page is read as plain values
# (``selectors.case_queue``'s scope, filters and order kept), not as six model instances a row
# (case, project, organization, authority, assignee, profile) of ~100 columns (issue 14).
ROW_VALUES: tuple[str, ...] = (
    "id",
    "project__name",
    "project__project_code",
    "project__organization__name",
    "province",
    "authority_id",
    "authority__code",
    "authority__name",
    "authority__short_name",
    "state",
    "route",
    "two_high",
    "counted_tce",
    "assignee_id",
    "assignee__username",
    "assignee__profile__display_name",
    "deemed_accepted",
    "deadline",
    "paused_since",
    "submitted_at",
    "guidance_outcome",
    "guidance_opinion",
    "guidance_requested_on",
    "guidance_expected_on",
    "flagged",
    "flag_reason",
)


@dataclass(frozen=True)
class RowAuthority:
    code: str
    name: str
    short_name: str


class QueueRow:
    """One case of the queue as the page shows it: the values of :data:`ROW_VALUES`, its clock
    and the working days a pending window-guidance request has waited (``None``: none)."""

    def __init__(self, values: dict[str, Any], *, today: date) -> None:
        self.pk: int = values["id"]
        self.project_name: str = values["project__name"]
        self.project_code: str | None = values["project__project_code"]
        self.organization_name: str = values["project__organization__name"]
        self.province: str = values["province"]
        self.authority = (
            RowAuthority(
                code=values["authority__code"],
                name=values["authority__name"],
                short_name=values["authority__short_name"],
            )
            if values["authority_id"] is not None
            else None
        )
        self.state: str = values["state"]
        self.route: str = values["route"]
        self.two_high: bool = values["two_high"]
        self.counted_tce: float = values["counted_tce"]
        # The profile's name, else the username (``None``: nobody assigned).
        self.assignee_name: str | None = (
            (values["assignee__profile__display_name"] or values["assignee__username"])
            if values["assignee_id"] is not None
            else None
        )
        self.deemed_accepted: bool = values["deemed_accepted"]
        self.flagged: bool = values["flagged"]
        self.flag_reason: str = values["flag_reason"]
        self.guidance_opinion: str = values["guidance_opinion"]
        self.guidance_expected_on: date | None = values["guidance_expected_on"]
        self.clock: ClockView = selectors.clock_of(
            state=self.state,
            deadline=values["deadline"],
            paused_since=values["paused_since"],
            today=today,
        )
        self.guidance_waiting: int | None = selectors.guidance_waiting(
            state=self.state,
            route=self.route,
            guidance_outcome=values["guidance_outcome"],
            requested_on=values["guidance_requested_on"],
            today=today,
        )


def queue_rows(values: Iterable[dict[str, Any]], *, today: date) -> list[QueueRow]:
    """The page's rows from the dictionaries of :data:`ROW_VALUES` (no query)."""
    return [QueueRow(row, today=today) for row in values]


# --------------------------------------------------------------------------------------------
# The filter form (django/forms/widgets/{select,select_option,input,attrs}.html in Python)
# --------------------------------------------------------------------------------------------
def _attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {escape(name)}")
        else:
            parts.append(f' {escape(name)}="{escape(str(value))}"')
    return "".join(parts)


def _widget_html(field: BoundField) -> str:
    """``str(field)`` for a select, a checkbox or a text input; Django's renderer otherwise."""
    widget = field.field.widget
    if type(widget) not in (Select, CheckboxInput) and not (
        isinstance(widget, Input) and widget.template_name == "django/forms/widgets/text.html"
    ):
        return str(field)
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = escape(context["name"])
    if isinstance(widget, Select):
        options = []
        for group_name, group_choices, _index in context["optgroups"]:
            if group_name:  # the queue's selects have no groups
                return str(field)
            for option in group_choices:
                options.append(
                    f'\n  <option value="{escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{escape(option['label'])}</option>"
                )
        return f'<select name="{name}"{_attrs(context["attrs"])}>{"".join(options)}\n</select>'
    value = context["value"]
    value_attr = "" if value is None else f' value="{escape(str(value))}"'
    attrs_html = _attrs(context["attrs"])
    return f'<input type="{escape(context["type"])}" name="{name}"{value_attr}{attrs_html}>'


_FORM_CACHE: dict[tuple[Any, ...], SafeString] = {}
_FORM_CACHE_SIZE = 256


def _form_key(form: Form) -> tuple[Any, ...]:
    """What the form's HTML depends on: the language, each field's choices and the submitted
    values (the widgets read one value a name; errors follow from the values)."""
    choices = tuple(
        tuple((value, str(label)) for value, label in field.choices)
        if hasattr(field, "choices")
        else None
        for field in form.fields.values()
    )
    data = tuple(form.data.get(name) for name in form.fields) if form.is_bound else None
    return (get_language(), form.auto_id, choices, data)


def filter_fields_html(form: Form) -> SafeString:
    """:func:`build_filter_fields_html`, kept for the language, choices and values of the form
    (most pages ask for one of a few: the labels' translations cost more than the rest)."""
    key = _form_key(form)
    html = _FORM_CACHE.get(key)
    if html is None:
        html = build_filter_fields_html(form)
        if len(_FORM_CACHE) >= _FORM_CACHE_SIZE:
            _FORM_CACHE.clear()
        _FORM_CACHE[key] = html
    return html


def build_filter_fields_html(form: Form) -> SafeString:
    """Each field of the queue's filter form in its ``<div>``, as ``queue.html`` laid them out."""
    parts = []
    for field in form:
        label = escape(field.label)
        widget = _widget_html(field)
        if field.widget_type == "checkbox":
            parts.append(f'<div><label class="check">{widget} {label}</label></div>')
        else:
            parts.append(
                f'<div><label for="{escape(field.id_for_label)}">{label}</label>{widget}</div>'
            )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped


# --------------------------------------------------------------------------------------------
# The table rows (queue.html's row and review/_clock.html in Python)
# --------------------------------------------------------------------------------------------
class _Labels:
    """The queue's words in the active language, each translated once per page. As with
    ``{% translate %}`` and ``{% blocktranslate %}``, the translations are not escaped (they are
    the project's own text), the values put into them are."""

    def __init__(self) -> None:
        self.states = {value: str(label) for value, label in CaseState.choices}
        self.routes = {key: str(label) for key, label in ROUTE_LABELS.items()}
        self.two_high = gettext("两高")
        self.deemed = gettext("视为受理")
        self.opinion = gettext("省级初步意见")
        self.flagged = gettext("逾期标记")
        self.unassigned = gettext("未分派")
        self.due_today = gettext("今日到期")
        self.estimated_title = gettext("该年度法定节假日尚未纳入日历数据，暂按周一至周五计算")
        self.estimated = gettext("估算")
        self.closed = gettext("已办结")
        self.waiting = gettext("已等待 %(n)s 个工作日，预计 %(e)s 答复")
        self.paused = gettext("计时暂停 · 剩余 %(n)s 个工作日")
        self.days_left = gettext("剩余 %(n)s 个工作日")

    @staticmethod
    def overdue(n: int) -> str:
        return ngettext("已逾期 %(n)s 个工作日", "已逾期 %(n)s 个工作日", n) % {"n": escape(n)}


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else ""


def _clock_html(clock: ClockView, labels: _Labels) -> str:
    if not clock.deadline:
        return '<span class="muted">—</span>'
    if not clock.phase:
        return f'<span class="muted">{labels.closed}</span>'
    html = f'<span class="deadline num">{_date(clock.deadline)}</span> '
    if clock.overdue:
        text = labels.overdue(clock.overdue_days)
        html += f'<span class="badge red overdue" data-testid="overdue">{text}</span>'
    elif clock.paused:
        text = labels.paused % {"n": escape(clock.days_left)}
        html += f'<span class="badge" data-testid="paused">{text}</span>'
    elif clock.days_left == 0:
        html += f'<span class="badge yellow" data-testid="days-left">{labels.due_today}</span>'
    else:
        days = clock.days_left
        tone = "yellow" if days is not None and days <= 3 else "green"
        text = labels.days_left % {"n": escape(days)}
        html += f'<span class="badge {tone}" data-testid="days-left">{text}</span>'
    if clock.estimated:
        html += f' <span class="muted" title="{labels.estimated_title}">*{labels.estimated}</span>'
    return html


def _state_cell(case: QueueRow, labels: _Labels) -> str:
    html = escape(labels.states.get(case.state, case.state))
    if case.deemed_accepted:
        html += f' <span class="badge yellow">{labels.deemed}</span>'
    if case.guidance_waiting is not None:
        text = labels.waiting % {
            "n": escape(case.guidance_waiting),
            "e": _date(case.guidance_expected_on),
        }
        html += f' <div class="muted" data-testid="guidance-waiting">{text}</div>'
        if case.guidance_opinion:
            opinion = escape(Truncator(case.guidance_opinion).chars(120))
            html += f'<div data-testid="guidance-opinion">{labels.opinion}：{opinion}</div>'
    if case.flagged:
        html += (
            f' <span class="badge red" title="{escape(case.flag_reason)}">{labels.flagged}</span>'
        )
    return html


def _assignee_cell(case: QueueRow, labels: _Labels) -> str:
    if case.assignee_name is None:
        return f'<span class="muted">{labels.unassigned}</span>'
    return escape(case.assignee_name)


def queue_rows_html(cases: Iterable[QueueRow]) -> SafeString:
    """The ``<tr>`` of each row of :func:`queue_rows` (no query)."""
    labels = _Labels()
    marker = 987654321
    case_url = reverse("review:case", args=[marker])
    rows = []
    for case in cases:
        authority, pk = case.authority, case.pk
        if authority is not None:
            authority_text = escape(authority.short_name or authority.name)
        else:
            authority_text = escape(province_name(case.province))
        route = escape(labels.routes.get(case.route, case.route))
        if case.two_high:
            route += f' <span class="badge red">{labels.two_high}</span>'
        overdue = ' class="row-overdue"' if case.clock.overdue else ""
        url = escape(case_url.replace(str(marker), str(pk)))
        rows.append(
            f'<tr data-case="{pk}"{overdue}>'
            f'<td><a href="{url}">{escape(case.project_name)}</a><br>'
            f'<span class="muted">{escape(case.project_code or "")}</span></td>'
            f"<td>{escape(case.organization_name)}</td>"
            f"<td>{authority_text}</td>"
            f"<td>{route}</td>"
            f"<td>{_state_cell(case, labels)}</td>"
            f"<td>{_assignee_cell(case, labels)}</td>"
            f'<td class="num">{escape(format_number(case.counted_tce, 2, trim=False))}</td>'
            f"<td>{_clock_html(case.clock, labels)}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
