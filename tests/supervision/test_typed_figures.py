"""Supervision forms read figures as people type them (issue 13): thousands separators and
full-width digits in the acceptance figures, the penalty amount and the sample size; a
mis-grouped separator is named; figures are shown back with separators."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.forms import AcceptanceForm, InspectionDrawForm, PenaltyForm
from supervision.models import Acceptance, Penalty

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db

MISGROUPED = "「1,00」的千位分隔符位置不对：逗号须每三位数字一组（如 1,000 或 1,000.5）。"


def _acceptance(**figures: str) -> dict[str, str]:
    return {
        "completed_on": "2026-10-30",
        "actual_capacity": "熟料4500吨/日",
        "energy_0_type": "raw_coal",
        "energy_0_unit": "t",
        "committee_conclusion": "基本落实",
        **figures,
    }


@pytest.mark.parametrize(
    ("typed", "read"),
    [("10,500", 10500.0), ("１０，５００", 10500.0), ("1,000.5", 1000.5), ("10500", 10500.0)],
)
def test_acceptance_figures_read_separators_and_full_width_digits(typed, read):
    form = AcceptanceForm(
        _acceptance(
            energy_0_quantity=typed, product_0_product="熟料", product_0_annual_output=typed
        ),
        {"report": pdf_upload()},
        conditions=[],
    )
    assert form.is_valid(), form.errors
    data = form.data_for_service()
    assert data["energy_lines"][0]["quantity"] == read
    assert data["products"][0]["annual_output"] == read


def test_a_misgrouped_figure_is_named_and_the_typed_text_kept(approved_case, started, alice_client):
    case = started(approved_case())
    url = reverse("supervision:acceptance_file", args=[case.pk])
    data = {**_acceptance(energy_0_quantity="1,00"), "report": pdf_upload()}
    response = alice_client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert MISGROUPED in html
    assert 'value="1,00"' in html
    assert 'aria-label="年用量（第1行）"' in html
    assert not Acceptance.objects.exists()
    data = {**_acceptance(energy_0_quantity="１０，５００"), "report": pdf_upload()}
    assert alice_client.post(url, data).status_code == 302
    assert Acceptance.objects.get(case=case).energy_lines[0]["quantity"] == 10500.0


def test_figures_are_shown_with_separators():
    form = AcceptanceForm(initial={"energy_0_quantity": 1500000.0}, conditions=[])
    html = str(form["energy_0_quantity"])
    assert 'value="1,500,000"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="text"' in html


def test_penalty_amount_and_sample_size_read_typed_numbers(approved_case, bob_client):
    form = PenaltyForm(
        {
            "basis": "m2023_unreviewed",
            "measure": "罚款",
            "amount_yuan": "８０，０００.５０",
            "decided_on": timezone.localdate().isoformat(),
            "description": "擅自投产",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_yuan"] == Decimal("80000.50")
    bad = PenaltyForm({**form.data, "amount_yuan": "1,00"})
    assert not bad.is_valid()
    assert bad.errors["amount_yuan"] == [MISGROUPED]
    draw = InspectionDrawForm({"title": "抽查", "sample_size": "１０"})
    assert draw.is_valid(), draw.errors
    assert draw.cleaned_data["sample_size"] == 10
    assert 'type="text"' in str(draw["sample_size"])
    # through the page: stored exactly
    case = approved_case()
    response = bob_client.post(
        reverse("supervision:penalty", args=[case.pk]),
        {**form.data, "amount_yuan": "80,000"},
    )
    assert response.status_code == 302
    assert Penalty.objects.get().amount_yuan == Decimal("80000.00")


def test_the_comparison_shows_unit_energy_with_separators(
    approved_case, started, alice, bob_client
):
    from supervision.services import acceptance as svc

    from .conftest import acceptance_data

    case = started(approved_case())
    facts = dict(case.submission.facts)
    facts["products"] = [
        {"product": "cement_clinker", "annual_output": 1.5e6, "unit_energy": 1100.0}
    ]
    case.submission.facts = facts
    case.submission.save(update_fields=["facts"])
    data = acceptance_data(
        case,
        products=[{"product": "cement_clinker", "annual_output": 1.4e6, "unit_energy": 1234.5}],
    )
    svc.acceptance_file(case=case, by=alice, data=data, report=pdf_upload())
    html = bob_client.get(reverse("supervision:case", args=[case.pk])).content.decode()
    assert ">1,100<" in html
    assert ">1,234.5<" in html
