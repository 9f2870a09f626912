"""The queue's rows and filter form built in Python (``review.queue_html``) show what the
templates showed: the queue row of ``queue.html`` with ``review/_clock.html``, and the form's
fields through Django's widget templates, compared up to runs of whitespace."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.utils import translation

from accounts.models import Profile
from authorities.models import Authority
from projects.models import Organization, Project
from review import queue_html
from review.clock import ClockView
from review.forms import QueueFilterForm
from review.models import CaseState, ReviewCase
from rules.selectors import ROUTE_LABELS, province_name

# The row as queue.html wrote it before review.queue_html (issue 14).
ROW_TEMPLATE = """{% load i18n numfmt %}{% for c in cases %}
    <tr data-case="{{ c.pk }}"{% if c.clock.overdue %} class="row-overdue"{% endif %}>
      <td><a href="{% url 'review:case' c.pk %}">{{ c.project.name }}</a><br><span class="muted">{{ c.project.project_code|default:"" }}</span></td>
      <td>{{ c.project.organization.name }}</td>
      <td>{% if c.authority %}{{ c.authority.short_name|default:c.authority.name }}{% else %}{{ c.province_label }}{% endif %}</td>
      <td>{{ c.route_label }}{% if c.two_high %} <span class="badge red">{% translate "两高" %}</span>{% endif %}</td>
      <td>{{ c.get_state_display }}{% if c.deemed_accepted %} <span class="badge yellow">{% translate "视为受理" %}</span>{% endif %}
        {% if c.guidance_waiting is not None %}<div class="muted" data-testid="guidance-waiting">{% blocktranslate with n=c.guidance_waiting e=c.guidance_expected_on|date:"Y-m-d" %}已等待 {{ n }} 个工作日，预计 {{ e }} 答复{% endblocktranslate %}</div>{% if c.guidance_opinion %}<div data-testid="guidance-opinion">{% translate "省级初步意见" %}：{{ c.guidance_opinion|truncatechars:120 }}</div>{% endif %}{% endif %}{% if c.flagged %} <span class="badge red" title="{{ c.flag_reason }}">{% translate "逾期标记" %}</span>{% endif %}</td>
      <td>{% if c.assignee %}{{ c.assignee.profile.display_name|default:c.assignee.username }}{% else %}<span class="muted">{% translate "未分派" %}</span>{% endif %}</td>
      <td class="num">{{ c.counted_tce|num:2 }}</td>
      <td>{% include "review/_clock.html" with clock=c.clock %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501

# The form's fields as queue.html laid them out before review.queue_html.
FORM_TEMPLATE = """{% for field in form %}
    <div>
      {% if field.widget_type == "checkbox" %}
        <label class="check">{{ field }} {{ field.label }}</label>
      {% else %}
        <label for="{{ field.id_for_label }}">{{ field.label }}</label>{{ field }}
      {% endif %}
    </div>
  {% endfor %}"""

_BLOCK = r"(?:div|tr|td|select|option)"


def _normal(html: str) -> str:
    """Whitespace a browser does not show: runs collapsed, none next to table cells, rows,
    divs and options."""
    html = re.sub(r"\s+", " ", html).strip()
    html = re.sub(rf" ?(</?{_BLOCK}\b)", r"\1", html)
    return re.sub(rf"(</?{_BLOCK}\b[^>]*>) ", r"\1", html)


def _user(username: str, display_name: str | None) -> User:
    user = User(username=username)
    if display_name is not None:
        Profile(user=user, display_name=display_name)  # sets user.profile
    return user


def _case(pk: int, clock: ClockView, **fields: object) -> ReviewCase:
    organization = fields.pop("organization", Organization(name="苏州<某>公司"))
    project = Project(
        name=fields.pop("name", "项目 & 名称"),
        project_code=fields.pop("project_code", "2026-320505-44-01-000001"),
        organization=organization,
    )
    case = ReviewCase(
        pk=pk,
        province="32",
        state=fields.pop("state", CaseState.UNDER_REVIEW),
        route=fields.pop("route", "standard"),
        counted_tce=fields.pop("counted_tce", 12345.678),
        **fields,
    )
    case.project = project
    case.clock = clock  # type: ignore[attr-defined]
    case.guidance_waiting = fields.get("guidance_waiting")  # type: ignore[attr-defined]
    return case


def _cases() -> list[ReviewCase]:
    deadline = date(2026, 10, 10)
    suzhou = Authority(code="3205", name="苏州市发展改革委", short_name="")
    jiangsu = Authority(code="32", name="江苏省发展和改革委员会", short_name="江苏省发改委")
    cases = [
        _case(1, ClockView("decision", deadline, None, True, 3, False), authority=suzhou),
        _case(2, ClockView("paused", deadline, 7, False, 0, True), two_high=True),
        _case(3, ClockView("intake", deadline, 0, False, 0, False), deemed_accepted=True),
        _case(4, ClockView("decision", deadline, 3, False, 0, False), authority=jiangsu),
        _case(5, ClockView("decision", deadline, 12, False, 0, True), flagged=True),
        _case(6, ClockView("", deadline, None, False, 0, False), state=CaseState.APPROVED),
        _case(7, ClockView("", None, None, False, 0, False), project_code=None),
        _case(
            8,
            ClockView("decision", deadline, 1, False, 0, False),
            route="national_window_guidance",
            two_high=True,
            flagged=True,
            flag_reason='超期 "未办" <b>',
            guidance_opinion="省级初步意见：" + "能效达到标杆水平，" * 20,
            guidance_expected_on=date(2026, 10, 16),
        ),
        _case(
            9,
            ClockView("decision", deadline, 1, False, 1, False),
            route="national_window_guidance",
            guidance_expected_on=date(2026, 10, 16),
        ),
    ]
    cases[7].guidance_waiting = 4  # type: ignore[attr-defined]
    cases[8].guidance_waiting = 0  # type: ignore[attr-defined]
    cases[0].assignee = _user("bob", "王博")
    cases[1].assignee = _user("grace<", None)
    cases[2].assignee = _user("helen", "")
    for case in cases:  # what the view set on each row before review.queue_html
        case.route_label = ROUTE_LABELS.get(case.route, case.route)  # type: ignore[attr-defined]
        case.province_label = province_name(case.province)  # type: ignore[attr-defined]
    return cases


def _values(case: ReviewCase) -> dict[str, object]:
    """``values(*queue_html.ROW_VALUES)`` of an unsaved case with its related objects."""
    values: dict[str, object] = {}
    for name in queue_html.ROW_VALUES:
        if name.endswith("_id"):  # the related object is unsaved: its presence stands for its id
            values[name] = 1 if getattr(case, name.removesuffix("_id")) is not None else None
            continue
        value: object = case
        for part in name.split("__"):
            try:
                value = getattr(value, "pk" if part == "id" else part, None)
            except Profile.DoesNotExist:
                value = None
        values[name] = value
    return values


def _rows(cases: list[ReviewCase]) -> list[queue_html.QueueRow]:
    """The page's rows of the cases, with the clocks and waits the cases were given."""
    rows = []
    for case in cases:
        row = queue_html.QueueRow(_values(case), today=date(2026, 10, 1))
        row.clock = case.clock  # type: ignore[attr-defined]
        row.guidance_waiting = case.guidance_waiting  # type: ignore[attr-defined]
        rows.append(row)
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_templates_rows(language: str) -> None:
    cases = _cases()
    with translation.override(language):
        expected = Template(ROW_TEMPLATE).render(Context({"cases": cases}))
        built = queue_html.queue_rows_html(_rows(cases))
    assert _normal(built) == _normal(expected)
    for text in ('data-testid="paused"', 'data-testid="guidance-opinion"', "&lt;b&gt;", "*"):
        assert text in built


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"state": "under_review", "overdue": "on", "q": '"<苏州>&', "sort": "-deadline"},
        {"state": "bogus", "route": "nowhere", "q": "x" * 150, "sort": "up"},  # errors
        {"two_high": "yes", "mine": "true", "overdue": "false"},
        {"two_high": "no", "mine": "0", "route": "standard", "sort": "submitted"},
    ],
)
def test_filter_fields_are_the_widget_templates(language: str, data: dict | None) -> None:
    with translation.override(language):
        form = QueueFilterForm(data)
        form.fields["state"].choices = [("", "全部状态"), (CaseState.SUBMITTED, "待受理")]
        form.is_valid()
        expected = Template(FORM_TEMPLATE).render(Context({"form": form}))
        built = queue_html.build_filter_fields_html(form)
        kept = [queue_html.filter_fields_html(form) for _ in range(2)]  # built, then kept
    assert _normal(built) == _normal(expected)
    assert kept == [built, built]  # the other languages' and values' forms are kept apart
    if data and "bogus" in data.values():
        assert 'aria-invalid="true"' in built


@pytest.mark.django_db
def test_the_page_shows_the_templates_rows_of_its_cases(make_case, bob, bob_client) -> None:
    """The page reads its rows as plain values (``queue_html.ROW_VALUES``) and computes clocks
    and waits from them: the same rows as the template over the cases themselves (model
    instances, as the view read them before), for every kind of row (overdue, assigned, flagged,
    deemed accepted, waiting for window guidance with an opinion, closed)."""
    from django.urls import reverse
    from django.utils import timezone

    from review import selectors, services

    services.case_accept(case=make_case(), by=bob, assign_to=bob)
    make_case(opened_on=date(2026, 9, 28))  # overdue
    window = make_case(route="national_window_guidance")
    flagged = make_case()
    closed = make_case()
    ReviewCase.objects.filter(pk=window.pk).update(
        state=CaseState.AWAITING_GUIDANCE,
        guidance_requested_on=date(2026, 9, 28),
        guidance_expected_on=date(2026, 10, 16),
        guidance_opinion="省级初步意见：支持",
    )
    ReviewCase.objects.filter(pk=flagged.pk).update(
        flagged=True, flag_reason="逾期", deemed_accepted=True
    )
    ReviewCase.objects.filter(pk=closed.pk).update(state=CaseState.APPROVED)
    response = bob_client.get(reverse("review:queue"))
    html = response.content.decode()
    for text in ('data-testid="guidance-waiting"', "逾期标记", "视为受理", "王博", "已办结"):
        assert text in html, text
    today = timezone.localdate()
    cases = list(selectors.case_queue(user=bob, filters=selectors.QueueFilters(), today=today))
    for case in cases:  # what the view set on each row before review.queue_html
        case.clock = selectors.case_clock(case, today=today)  # type: ignore[attr-defined]
        case.guidance_waiting = selectors.guidance_waiting_days(case, today=today)  # type: ignore[attr-defined]
        case.route_label = ROUTE_LABELS.get(case.route, case.route)  # type: ignore[attr-defined]
        case.province_label = province_name(case.province)  # type: ignore[attr-defined]
    expected = Template(ROW_TEMPLATE).render(Context({"cases": cases}))
    tbody = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert _normal(tbody) == _normal(expected)
    assert [row.pk for row in response.context["cases"]] == [case.pk for case in cases]
