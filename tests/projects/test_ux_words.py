"""Words and numbers as people read them: one parser for typed numbers, one filter for shown
numbers, English names in English, a hint where the declared unit energy disagrees with the
project's own figures, titles of the admin's rows, a branded CSRF page."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from common.numbers import format_number, normalize_number
from projects import labels
from projects.templatetags.project_tags import unit_energy_hints


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("380,000", "380000"),
        ("３８０，０００", "380000"),
        ("３８０，０００．５", "380000.5"),
        ("1 234.5", "1234.5"),
        ("－１２", "-12"),
        ("3,80", "3,80"),  # not a thousands group: stays invalid for the field to refuse
        ("abc", "abc"),
        ("", ""),
    ],
)
def test_typed_numbers_are_read_one_way(typed, read):
    assert normalize_number(typed) == read


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (300000.0, None, "300,000"),
        (244941.5, None, "244,941.5"),
        (244941.5, 2, "244,941.50"),
        (0.2990, None, "0.299"),
        (0.3007, None, "0.3007"),
        (None, None, "—"),
        ("6086.20", None, "6,086.2"),
    ],
)
def test_numbers_are_shown_with_separators(value, places, shown):
    if places is None:
        assert format_number(value) == shown
    else:
        assert format_number(value, places, trim=False) == shown


def test_the_template_filters_add_separators_and_units():
    html = Template(
        '{% load numfmt %}{{ a|num }}|{{ b|num:2 }}|{{ c|qty:"吨标准煤" }}|{{ d|qty:"吨" }}'
    )
    text = html.render(Context({"a": 300000.0, "b": 244941.5, "c": 32259, "d": None}))
    assert text == "300,000|244,941.50|32,259 吨标准煤|—"


def test_products_and_energy_are_named_in_the_readers_language():
    assert labels.product_label("cement_clinker") == "水泥熟料单位产品综合能耗"
    with translation.override("en"):
        assert labels.product_label("cement_clinker") == "Cement clinker"
        assert labels.energy_type_label("lpg") == "LPG"
    assert labels.product_label("unknown_code") == "unknown_code"


def test_a_unit_energy_far_from_energy_over_output_gets_a_hint():
    assessment = {
        "energy": {"equivalent_tce": 150000.0},
        "efficiency": [{"product": "cement_clinker", "unit": "kgce/t", "unit_energy": 100.0}],
    }
    declared_low = [{"product": "cement_clinker", "annual_output": 1000000, "unit_energy": 100}]
    consistent = [{"product": "cement_clinker", "annual_output": 1500000, "unit_energy": 100}]

    hints = unit_energy_hints(assessment, declared_low)

    assert len(hints) == 1
    assert "150" in hints[0]
    assert "50%" in hints[0]
    assert unit_energy_hints(assessment, consistent) == []
    assert unit_energy_hints(assessment, declared_low * 2) == []  # several products: no guess
    assert unit_energy_hints(None, declared_low) == []


@pytest.mark.django_db
def test_region_status_and_budget_rows_are_titled_in_words():
    from rules.models import EnergyBudget, RegionStatus

    status = RegionStatus(province="32", year=2025)
    budget = EnergyBudget(province="32", year=2026, budget_tce=8800000)

    assert str(status) == "江苏省 2025年能耗双控进展"
    assert str(budget) == "江苏省 2026年用能预算 8,800,000 吨标准煤"


@pytest.mark.django_db
def test_a_stale_form_gets_the_branded_page(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(reverse("projects:create"), {"name": "x"})

    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_speaks_chinese(dana_client):
    index = dana_client.get(reverse("admin:index")).content.decode()
    assert "节能审查管理" in index
    assert "Django" not in index.split("<body", 1)[1].split("</header>", 1)[0]

    changelist = dana_client.get(reverse("admin:rules_twohighentry_changelist")).content.decode()
    assert "<h1>两高项目清单</h1>" in changelist
    assert "选择" not in changelist.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "以 " not in changelist  # filter titles name the field alone


@pytest.mark.django_db
def test_pages_with_product_efficiency_render_for_applicant_and_reviewer(
    alice, alice_client, bob_client, make_submitted
):
    project = make_submitted(alice)  # the cement line: products with benchmarks

    detail = alice_client.get(reverse("projects:detail", args=[project.pk]))
    submission = bob_client.get(reverse("projects:submission", args=[project.pk, 1]))

    assert detail.status_code == 200
    assert 'data-testid="efficiency"' in detail.content.decode()
    assert submission.status_code == 200  # bob reviews the provincial case


def test_a_decision_against_the_recommendation_names_it_in_words():
    from review.decision_rules import decision_errors

    errors = decision_errors(
        "approve",
        reason="能效达标。",
        justification="",
        recommendation="reject",
        finding_codes=[],
        evaluation_on_file=True,
    )

    assert errors["justification"] == ["决定与系统建议（建议不予通过）不一致，须记录理由说明。"]


@pytest.mark.django_db
def test_a_decided_project_shows_the_decision_not_an_open_draft(
    alice, bob, alice_client, make_submitted
):
    from review.models import CaseState

    project = make_submitted(alice)
    case = project.cases.get()
    type(case).objects.filter(pk=case.pk).update(  # display only: the decision as stored
        state=CaseState.APPROVED, decided_at=case.submitted_at
    )

    html = alice_client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    assert 'data-testid="decision"' in html
    assert "审查决定：" in html
    assert "继续填写" not in html
    assert "审查决定：审查通过" in html.split('class="panel-summary"', 1)[1].split("</button>")[0]


def test_number_fields_elsewhere_read_separators_and_full_width_digits():
    from common.fields import TypedFloatField
    from rules.forms import PolicyVersionForm

    field = TypedFloatField(min_value=0)

    assert field.clean("１０,０００") == 10000.0
    assert field.clean("0.3007") == 0.3007
    html = str(PolicyVersionForm()["provincial_threshold_tce"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
