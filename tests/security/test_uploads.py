"""Uploads: sizes are checked while the body streams in (413 before reading an oversized body,
a file cut off at the limit), PDFs carrying JavaScript or Launch actions are refused, and an
import of many bad rows gives a capped report."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from config.uploads import OversizedUpload, SizeLimitUploadHandler
from projects import services
from projects.models import Attachment
from projects.validators import validate_pdf_upload
from rules.imports import ERROR_REPORT_MAX, TWO_HIGH, ImportRejected, table_parse
from tests.projects.conftest import BIG_CEMENT, pdf_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class ExplodingInput:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_100_mb_upload_to_the_anonymous_verify_page_is_refused_before_reading(client):
    url = f"/verify/{uuid.uuid4()}"
    response = client.generic(
        "POST",
        url,
        b"--xyz",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(100 * MB),
        **{"wsgi.input": ExplodingInput()},
    )
    assert response.status_code == 413
    assert "上传内容过大" in response.content.decode()


def test_an_oversized_api_upload_is_refused_before_reading(alice_client):
    response = alice_client.generic(
        "POST",
        "/api/v1/projects/1/attachments/",
        b"--xyz",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(500 * MB),
        **{"wsgi.input": ExplodingInput()},
    )
    assert response.status_code == 413


def test_the_upload_handler_stops_keeping_a_file_past_the_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    handler = SizeLimitUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", 10_000)
    kept = [handler.receive_data_chunk(b"x" * 600, 0), handler.receive_data_chunk(b"x" * 600, 1)]
    assert kept[0] == b"x" * 600
    assert kept[1] is None  # nothing more goes to the memory/disk handlers
    assert handler.receive_data_chunk(b"x" * 600, 2) is None
    result = handler.file_complete(1800)
    assert isinstance(result, OversizedUpload)
    assert result.size == 1800
    with pytest.raises(ValidationError, match="文件过大"):
        validate_pdf_upload(result)


def test_a_streamed_file_over_the_limit_is_answered_with_file_too_large(
    alice, alice_client, settings
):
    settings.ATTACHMENT_MAX_BYTES = 2000
    project = services.project_create(
        organization=alice.profile.organization, by=alice, data=dict(BIG_CEMENT)
    )
    big = pdf_bytes() + b"%" + b"0" * 40_000
    response = alice_client.post(
        reverse("api-project-attachments", args=[project.pk]),
        {"file": SimpleUploadedFile("big.pdf", big, "application/pdf")},
    )
    assert response.status_code == 400
    assert "文件过大" in response.json()["errors"]["file"][0]
    assert not Attachment.objects.exists()


def _pdf_with(action: dict) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject(k): v for k, v in action.items()}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_with_js() -> bytes:
    """JavaScript run by a page's open action (a page /AA entry)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        _pdf_with_js(),
        _pdf_with({"/S": NameObject("/Launch"), "/F": TextStringObject("calc.exe")}),
        _pdf_with({"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert(1)")}),
    ],
)
def test_pdfs_with_javascript_or_launch_actions_are_refused(content, alice, alice_client):
    with pytest.raises(ValidationError, match="脚本"):
        validate_pdf_upload(SimpleUploadedFile("x.pdf", content, "application/pdf"))
    project = services.project_create(
        organization=alice.profile.organization, by=alice, data=dict(BIG_CEMENT)
    )
    response = alice_client.post(
        reverse("api-project-attachments", args=[project.pk]),
        {"file": SimpleUploadedFile("x.pdf", content, "application/pdf")},
    )
    assert response.status_code == 400
    assert "脚本" in response.json()["errors"]["file"][0]


def test_a_plain_pdf_is_still_accepted():
    validate_pdf_upload(SimpleUploadedFile("ok.pdf", pdf_bytes(), "application/pdf"))


def _bad_inventory_csv(rows: int) -> bytes:
    lines = ["project_code,project_name,region,industry,status,annual_tce,disposal,note"]
    lines += [f"bad-{n},项目,999999,xx,nope,-1,nope," for n in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_an_import_of_many_bad_rows_reports_the_first_ones_and_the_total():
    with pytest.raises(ImportRejected) as info:
        table_parse(TWO_HIGH, _bad_inventory_csv(3000), filename="bad.csv")
    lines = info.value.lines()
    assert len(lines) == ERROR_REPORT_MAX + 1
    total = len(info.value.errors)
    assert total > ERROR_REPORT_MAX
    assert f"共{total}处" in lines[-1]


def test_the_admin_import_page_stays_small_for_many_bad_rows(dana_client):
    response = dana_client.post(
        "/admin/rules/twohighentry/import/",
        {"file": SimpleUploadedFile("bad.csv", _bad_inventory_csv(3000)), "reason": "x"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("<li>第") <= ERROR_REPORT_MAX
    assert "3000行有误" in body
    assert len(body) < 200_000
