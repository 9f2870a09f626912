"""The case page's timeline and findings built in Python (review.case_html) write what the
templates wrote, character for character, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from review import case_html

# The timeline loop as case_detail.html had it.
TIMELINE = """{% for e in events %}
    <li><strong>{{ e.label }}</strong> · {{ e.actor_name }} · <span class="muted">{{ e.at|date:"Y-m-d H:i" }}</span>
      {% if e.from_state != e.to_state %}<span class="muted">（{{ e.from_label|default:"—" }} → {{ e.to_label }}）</span>{% endif %}
      {% if e.reason %}<div>{{ e.reason|linebreaksbr }}</div>{% endif %}
      {% for line in e.details %}<div class="muted">{{ line }}</div>{% endfor %}
    </li>
  {% endfor %}"""  # noqa: E501

EVENTS = [
    SimpleNamespace(
        label="提交申请",
        actor_name="李爱丽",
        at=datetime(2026, 3, 14, 5, 36, tzinfo=UTC),
        from_state="",
        to_state="submitted",
        from_label="",
        to_label="已提交待受理",
        reason="",
        details=["第1次提交"],
    ),
    SimpleNamespace(
        label="退回补正",
        actor_name="<王博>",
        at=datetime(2026, 12, 31, 17, 5, tzinfo=UTC),  # the next day in Beijing
        from_state="submitted",
        to_state="returned",
        from_label="已提交待受理",
        to_label="退回补正",
        reason="材料不全 & 需补充\n第二行 <b>",
        details=["补正事项：a；b", 'x < y & "z"'],
    ),
    SimpleNamespace(
        label="延长审查期限",
        actor_name="系统",
        at=datetime(2026, 6, 1, 0, 0, tzinfo=UTC),
        from_state="under_review",
        to_state="under_review",
        from_label="审查中",
        to_label="审查中",
        reason="",
        details=[],
    ),
]

FINDINGS = [
    {
        "code": "TIER_PROVINCIAL",
        "severity": "info",
        "message": "年综合能源消费量 <1> & 门槛",
        "message_en": "Annual consumption <1> & threshold",
        "basis": '《办法》第八条 "quoted"',
    },
    {"code": "X", "severity": "blocking", "message": "阻断", "basis": ""},
    {"code": "Y", "severity": "unknown-level", "message": "未知程度"},
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_timeline_is_the_templates(language):
    with translation.override(language):
        expected = engines["django"].from_string(TIMELINE).render({"events": EVENTS})
        assert case_html.timeline_items(EVENTS) == expected
        assert case_html.timeline_items([]) == ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("findings", [FINDINGS, []])
def test_the_findings_table_is_the_include(language, findings):
    with translation.override(language):
        expected = render_to_string("review/_findings.html", {"findings": findings})
        assert case_html.findings_table(findings) == expected
