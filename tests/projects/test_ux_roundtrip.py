"""No lost input: every step of the project form, opened and saved unchanged, stores exactly what
was there (dates, investment, every row, evidence); numbers typed with separators or full-width
digits are read; a chosen evidence file survives a validation error; dates in the wrong order
are refused at the field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from projects import services
from projects.models import Project

from .conftest import BIG_CEMENT, pdf_bytes

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would post for `<form id=project-form>` (file inputs left out)."""

    def __init__(self, form_id: str = "project-form", form_class: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.form_class = form_class  # or the form whose class list has this
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text = ""
        self._template = 0  # <template> content is inert: never posted

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "form":
            if self.form_class:
                self.inside = self.form_class in a.get("class", "").split()
            else:
                self.inside = a.get("id") == self.form_id
            return
        if not self.inside and a.get("form") != self.form_id:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("file", "submit", "button"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select, self._select_value, self._select_first = a["name"], None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
            return
        if self._template:
            return
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._select_first
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The browser drops the one newline that follows <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def page_errors(response: Any) -> str:
    """The messages a refused page shows (for assertion messages)."""
    html = response.content.decode()
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, flags=re.S)
    found += re.findall(r'data-testid="step-problems">(.*?)</div>', html, flags=re.S)
    return " | ".join(re.sub(r"<[^>]+>", " ", f).strip() for f in found) or html[:300]


def form_data(html: str, **which: str) -> dict[str, Any]:
    parser = FormFields(**which)
    parser.feed(html)
    data: dict[str, Any] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def snapshot(project: Project) -> dict[str, Any]:
    """Everything the applicant entered, as stored."""
    project.refresh_from_db()
    own = model_to_dict(
        project, exclude=["id", "draft_assessment", "organization", "created_by", "status"]
    )
    rows = {
        "energy": [
            model_to_dict(line, exclude=["id", "project"]) for line in project.energy_lines.all()
        ],
        "products": [
            model_to_dict(line, exclude=["id", "project"]) for line in project.product_lines.all()
        ],
        "sources": [
            {**model_to_dict(s, exclude=["project", "evidence"]), "evidence": s.evidence.name}
            for s in project.substitution_sources.all()
        ],
    }
    return {"project": own, **rows}


@pytest.fixture
def full_project(alice) -> Project:
    """A draft with every field of every step filled, evidence included."""
    data = {
        **BIG_CEMENT,
        "construction_type": "renovation",
        "planned_start": date(2027, 3, 1),
        "planned_completion": date(2028, 6, 30),
        "total_investment_wan": Decimal("380000.50"),
        "description": "技改内容：更换篦冷机。\n第二行说明",
        "baseline_energy": [{"type": "raw_coal", "quantity": 1000.5, "unit": "t"}],
        "renewable_electricity_kwh": 1200000,
        "feedstock_tce": 12.25,
        "energy": [
            {"type": "raw_coal", "quantity": 150000, "unit": "t", "low_heat_value_kj": 21500},
            {"type": "electricity", "quantity": 9.5e7, "unit": "kWh"},
        ],
        "substitution_sources": [
            {
                "description": "关停2条2500t/d熟料线",
                "saved_tce": 40000,
                "evidence": SimpleUploadedFile("证明.pdf", pdf_bytes()),
            }
        ],
    }
    return services.project_create(organization=alice.profile.organization, by=alice, data=data)


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_opening_and_saving_a_step_unchanged_keeps_every_field(alice_client, full_project, step):
    # given: the page as the applicant sees it
    before = snapshot(full_project)
    url = reverse("projects:edit", args=[full_project.pk, step])
    page = alice_client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode())
    assert data, "the step's form has inputs"
    if step == 1:
        # The date inputs show the stored dates (ISO), not 「2027/03/01」 which they reject.
        assert data["planned_start"] == ["2027-03-01"]
        assert data["planned_completion"] == ["2028-06-30"]

    # when: saved as it stands
    response = alice_client.post(url, {**data, "action": "save"})

    # then: nothing the applicant entered has changed
    assert response.status_code == 302, page_errors(response)
    assert snapshot(full_project) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("380,000", 380000.0), ("３８０，０００", 380000.0), ("1 234.5", 1234.5), ("１２．５", 12.5)],
)
def test_numbers_typed_with_separators_or_full_width_digits_are_read(
    alice_client, full_project, typed, stored
):
    url = reverse("projects:edit", args=[full_project.pk, 2])
    data = form_data(alice_client.get(url).content.decode())
    data["energy-0-quantity"] = [typed]
    data["renewable_electricity_kwh"] = [typed]

    response = alice_client.post(url, {**data, "action": "save"})

    assert response.status_code == 302, page_errors(response)
    full_project.refresh_from_db()
    assert full_project.energy_lines.filter(kind="energy").first().quantity == stored
    assert full_project.renewable_electricity_kwh == stored


def test_investment_accepts_separators(alice_client, full_project):
    url = reverse("projects:edit", args=[full_project.pk, 1])
    data = form_data(alice_client.get(url).content.decode())
    data["total_investment_wan"] = ["１２,３４５.６"]

    assert alice_client.post(url, {**data, "action": "save"}).status_code == 302

    full_project.refresh_from_db()
    assert full_project.total_investment_wan == Decimal("12345.60")


def test_completion_before_start_is_refused_at_the_field_and_nothing_changes(
    alice_client, full_project
):
    before = snapshot(full_project)
    url = reverse("projects:edit", args=[full_project.pk, 1])
    data = form_data(alice_client.get(url).content.decode())
    data["planned_completion"] = ["2026-01-01"]

    response = alice_client.post(url, {**data, "action": "save"})

    assert response.status_code == 400
    errors = response.context["forms"].basics.errors
    assert errors["planned_completion"] == ["计划建成日期不能早于计划开工日期。"]
    assert snapshot(full_project) == before


def test_a_chosen_evidence_file_survives_a_validation_error(alice_client, full_project):
    url = reverse("projects:edit", args=[full_project.pk, 4])
    data = form_data(alice_client.get(url).content.decode())
    # a second source with its PDF, and a saving that is not a number
    data.update(
        {
            "sources-TOTAL_FORMS": ["2"],
            "sources-1-description": ["余热发电改造"],
            "sources-1-saved_tce": ["很多"],
        }
    )
    upload = SimpleUploadedFile("余热证明.pdf", pdf_bytes(), content_type="application/pdf")

    refused = alice_client.post(url, {**data, "sources-1-evidence": upload, "action": "save"})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "余热证明.pdf" in page  # the page says the file is kept
    kept = form_data(page)
    assert kept["sources-1-evidence_pending"][0]
    assert full_project.substitution_sources.count() == 1

    # the applicant fixes the number and saves without choosing the file again
    kept["sources-1-saved_tce"] = ["3,000"]
    saved = alice_client.post(url, {**kept, "action": "save"})

    assert saved.status_code == 302, page_errors(saved)
    second = full_project.substitution_sources.get(description="余热发电改造")
    assert second.saved_tce == 3000.0
    assert second.evidence.name
    assert second.evidence.read().startswith(b"%PDF")


def test_a_forged_kept_file_token_is_ignored(alice_client, full_project):
    url = reverse("projects:edit", args=[full_project.pk, 4])
    data = form_data(alice_client.get(url).content.decode())
    data.update(
        {
            "sources-TOTAL_FORMS": ["2"],
            "sources-1-description": ["伪造"],
            "sources-1-saved_tce": ["10"],
            "sources-1-evidence_pending": ["pending/../../settings.py"],
        }
    )

    assert alice_client.post(url, {**data, "action": "save"}).status_code == 302

    assert not full_project.substitution_sources.get(description="伪造").evidence


def test_the_step_bar_saves_before_moving(alice_client, full_project):
    url = reverse("projects:edit", args=[full_project.pk, 1])
    data = form_data(alice_client.get(url).content.decode())
    data["description"] = ["在离开本步前保存"]

    response = alice_client.post(url, {**data, "action": "step-3"})

    assert response["Location"] == reverse("projects:edit", args=[full_project.pk, 3])
    full_project.refresh_from_db()
    assert full_project.description == "在离开本步前保存"


def test_the_organization_form_saved_unchanged_keeps_every_field(alice, alice_client):
    organization = alice.profile.organization
    before = model_to_dict(organization)
    url = reverse("projects:organization")
    data = form_data(alice_client.get(url).content.decode(), form_class="card")
    assert "name" in data
    assert "credit_code" in data

    response = alice_client.post(url, data)

    assert response.status_code == 302, page_errors(response)
    organization.refresh_from_db()
    assert model_to_dict(organization) == before
