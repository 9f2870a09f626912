"""The applicant API on a draft's parts: adding and removing energy, product and substitution
lines, and uploading attachments and substitution evidence; bad input stores no row and no file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects.models import Attachment

from ._helpers import counts, media_files, post_json
from .conftest import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("collection", "row", "field"),
    [
        ("energy", {"type": "diesel", "quantity": 30, "unit": "t"}, "type"),
        ("baseline-energy", {"type": "diesel", "quantity": 3, "unit": "t"}, "type"),
        (
            "products",
            {"product": "cement_clinker", "annual_output": 5, "unit_energy": 98},
            "product",
        ),
        ("substitution-sources", {"description": "节能改造", "saved_tce": 500}, "description"),
    ],
)
def test_add_and_remove_a_line(alice, alice_client, make_project, collection, row, field):
    project = make_project(alice)
    response = post_json(
        alice_client, reverse("api-project-lines", args=[project.pk, collection]), row
    )
    assert response.status_code == 201, response.json()
    line = response.json()
    assert line[field] == row[field]
    url = reverse("api-project-line", args=[project.pk, collection, line["id"]])
    assert alice_client.delete(url).status_code == 204
    assert alice_client.delete(url).status_code == 400


@pytest.mark.parametrize(
    ("collection", "row", "field"),
    [
        ("energy", {"type": "diesel", "quantity": -1, "unit": "t"}, "energy.3.quantity"),
        ("energy", {"type": "diesel", "quantity": 1, "unit": "t", "x": 1}, "x"),
        ("energy", ["diesel"], "non_field_errors"),
        ("products", {"product": "cement_clinker"}, "products.1.unit_energy"),
        ("substitution-sources", {"saved_tce": 1}, "description"),
    ],
)
def test_adding_a_bad_line_is_a_400_and_adds_nothing(
    alice, alice_client, make_project, collection, row, field
):
    project = make_project(alice)
    before = counts()
    response = post_json(
        alice_client, reverse("api-project-lines", args=[project.pk, collection]), row
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert counts() == before


def test_an_unknown_collection_is_404(alice, alice_client, make_project):
    project = make_project(alice)
    url = reverse("api-project-lines", args=[project.pk, "wishes"])
    assert post_json(alice_client, url, {"x": 1}).status_code == 404


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def test_upload_list_download_and_delete_an_attachment(alice, alice_client, make_project):
    project = make_project(alice)
    url = reverse("api-project-attachments", args=[project.pk])
    content = pdf_bytes()
    response = alice_client.post(
        url, {"file": pdf_upload("节能报告.pdf", content), "kind": "energy_report"}
    )
    assert response.status_code == 201, response.json()
    attachment = response.json()
    assert attachment["original_name"] == "节能报告.pdf"
    assert attachment["submitted"] is False
    assert [a["id"] for a in alice_client.get(url).json()] == [attachment["id"]]
    download = alice_client.get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert alice_client.delete(attachment["download_url"]).status_code == 204
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "file"),
        ({"file": "not a file"}, "file"),
        ({"file": "PDF", "kind": "selfie"}, "kind"),
        ({"file": "GIF"}, "file"),
        ({"file": "BROKEN"}, "file"),
        ({"file": "PDF", "extra": "1"}, "extra"),
    ],
)
def test_each_bad_upload_is_a_400_and_leaves_no_row_and_no_file(
    alice, alice_client, make_project, data, field
):
    project = make_project(alice)
    uploads = {
        "PDF": lambda: pdf_upload(),
        "GIF": lambda: pdf_upload("x.pdf", b"GIF89a......"),
        "BROKEN": lambda: pdf_upload("x.pdf", b"%PDF-1.4 truncated"),
    }
    payload = {k: uploads[v]() if k == "file" and v in uploads else v for k, v in data.items()}
    before, files = counts(), media_files()
    response = alice_client.post(reverse("api-project-attachments", args=[project.pk]), payload)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert counts() == before
    assert media_files() == files


def test_an_upload_over_the_limit_is_a_400(alice, alice_client, make_project, settings):
    settings.ATTACHMENT_MAX_BYTES = 300
    project = make_project(alice)
    response = alice_client.post(
        reverse("api-project-attachments", args=[project.pk]), {"file": pdf_upload()}
    )
    assert response.status_code == 400
    assert "文件过大" in response.json()["errors"]["file"][0]
    assert not Attachment.objects.exists()


def test_evidence_upload_and_its_errors(alice, alice_client, make_project):
    project = make_project(alice)
    source = project.substitution_sources.get()
    url = reverse("api-project-evidence", args=[project.pk, source.pk])
    bad = alice_client.post(url, {"file": pdf_upload("e.pdf", b"not a pdf")})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["file"]
    source.refresh_from_db()
    assert not source.evidence
    good = alice_client.post(url, {"file": pdf_upload("e.pdf")})
    assert good.status_code == 200
    assert good.json()["evidence_url"] == url
    assert alice_client.get(url).status_code == 200
    other = reverse("api-project-evidence", args=[project.pk, 999999])
    assert alice_client.post(other, {"file": pdf_upload()}).status_code == 404
