"""Forms and validators: identifiers, PDFs, the step forms' payload and error placement."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from projects import validators
from projects.forms import (
    AttachmentForm,
    BasicsForm,
    OrganizationForm,
    StepForms,
    SubmitForm,
    step_of_path,
)
from projects.models import Organization

from .conftest import pdf_upload


# --------------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["91320505MA1XY2KP3R", "91320000MA20ABC01K", "91350100M000100Y43"])
def test_valid_credit_codes_pass(code):
    validators.validate_uscc(code)


@pytest.mark.parametrize(
    "code",
    [
        "91320505MA1XY2KP3S",  # wrong check character
        "91320505MA1XY2KP3",  # 17 characters
        "91320505MA1XY2KPIR",  # I is not in the alphabet
        "",
    ],
)
def test_bad_credit_codes_fail(code):
    with pytest.raises(ValidationError):
        validators.validate_uscc(code)


def test_check_character_31_is_written_as_0():
    # Find a 17-character body whose weighted sum is ≡ 0 (mod 31): its check value is 31 → "0".
    body = "9132050500000000"
    for ch in validators.USCC_ALPHABET:
        candidate = body + ch
        total = sum(
            validators.USCC_ALPHABET.index(c) * w
            for c, w in zip(candidate, validators.USCC_WEIGHTS, strict=True)
        )
        if total % 31 == 0:
            assert validators.uscc_check_character(candidate) == "0"
            assert validators.is_valid_uscc(candidate + "0")
            return
    pytest.fail("no body with sum ≡ 0 found")


@pytest.mark.parametrize("code", ["2611-320505-04-01-381276", "2101-110105-04-01-123456"])
def test_valid_project_codes_pass(code):
    validators.validate_project_code(code)


@pytest.mark.parametrize(
    "code", ["2611-320505-04-01-38127", "2611320505-04-01-381276", "2611-32O505-04-01-381276"]
)
def test_bad_project_codes_fail(code):
    with pytest.raises(ValidationError):
        validators.validate_project_code(code)


@pytest.mark.django_db
def test_organization_form_checks_the_credit_code(alice):
    org = alice.profile.organization
    form = OrganizationForm(
        {"name": org.name, "credit_code": "91320505MA1XY2KP3S"}, instance=Organization(pk=None)
    )
    assert not form.is_valid()
    assert "credit_code" in form.errors
    form = OrganizationForm({"name": "新单位", "credit_code": "91350100m000100y43"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["credit_code"] == "91350100M000100Y43"


@pytest.mark.django_db
def test_organization_form_refuses_another_organizations_code(alice, carol):
    taken = carol.profile.organization.credit_code
    form = OrganizationForm(
        {"name": "x", "credit_code": taken}, instance=alice.profile.organization
    )
    assert not form.is_valid()
    assert "credit_code" in form.errors


# --------------------------------------------------------------------------------------------
# Files and the pledge
# --------------------------------------------------------------------------------------------
def test_pdf_validator_accepts_a_pdf_and_rewinds_it():
    upload = pdf_upload()
    validators.validate_pdf_upload(upload)
    assert upload.read(5) == b"%PDF-"


def test_attachment_form_needs_a_file_and_a_known_kind():
    form = AttachmentForm({"kind": "energy_report"}, {})
    assert not form.is_valid()
    assert "file" in form.errors
    form = AttachmentForm({"kind": "selfie"}, {"file": pdf_upload()})
    assert not form.is_valid()
    assert "kind" in form.errors


def test_submit_form_needs_the_pledge():
    assert not SubmitForm({}).is_valid()
    assert SubmitForm({"pledge": "on"}).is_valid()


# --------------------------------------------------------------------------------------------
# Step forms
# --------------------------------------------------------------------------------------------
def test_basics_form_types_dates_and_investment():
    form = BasicsForm(
        {
            "name": "项目",
            "construction_type": "new",
            "planned_start": "2027-13-01",
            "total_investment_wan": "abc",
        }
    )
    assert not form.is_valid()
    assert set(form.errors) == {"planned_start", "total_investment_wan"}


def _energy_post(rows: list[dict[str, str]], deleted: set[int] = frozenset()) -> dict[str, str]:
    data = {
        "energy-TOTAL_FORMS": str(len(rows)),
        "energy-INITIAL_FORMS": "0",
        "baseline-TOTAL_FORMS": "0",
        "baseline-INITIAL_FORMS": "0",
        "renewable_electricity_kwh": "",
        "feedstock_tce": "",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"energy-{index}-{key}"] = value
        if index in deleted:
            data[f"energy-{index}-DELETE"] = "on"
    return data


def test_energy_rows_skip_blank_and_deleted_rows_and_map_errors_back():
    rows = [
        {"type": "raw_coal", "quantity": "100", "unit": "t"},
        {"type": "coke", "quantity": "oops", "unit": "t"},  # deleted
        {"type": "", "quantity": "", "unit": ""},  # blank
        {"type": "electricity", "quantity": "x", "unit": "kWh"},
    ]
    forms = StepForms(2, None, _energy_post(rows, deleted={1}))
    assert forms.is_valid()
    changes = forms.changes()
    assert [row["type"] for row in changes["energy"]] == ["raw_coal", "electricity"]
    # the engine's path energy.1.quantity is the fourth row on the page
    assert forms.html_name("energy.1.quantity") == "energy-3-quantity"
    elsewhere = forms.add_errors({"energy.1.quantity": ["应为数字。"], "region": ["未填写"]})
    assert forms.formsets["energy"].forms[3].errors["quantity"] == ["应为数字。"]
    assert elsewhere == {"region": ["未填写"]}


def test_raw_changes_carry_the_typed_text_for_the_engine():
    forms = StepForms(1, None, {"name": " 项目 ", "region": "3205", "construction_type": "new"})
    changes = forms.changes(raw=True)
    assert changes["name"] == "项目"
    assert changes["region"] == "3205"
    assert "planned_start" not in changes


@pytest.mark.parametrize(
    ("path", "step"),
    [
        ("region", 1),
        ("energy.0.unit", 2),
        ("renewable_electricity_kwh", 2),
        ("products.3.unit_energy", 3),
        ("substitution_sources.0.saved_tce", 4),
        ("attachments", 5),
    ],
)
def test_each_error_path_belongs_to_a_step(path, step):
    assert step_of_path(path) == step
