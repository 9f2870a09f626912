"""projects.services on attachments: stored under MEDIA_ROOT with their hash, the content (not the
name) deciding, size and encryption refused, submitted attachments kept."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfWriter

from projects import services
from projects.models import Attachment
from review import services as review_services

from ._helpers import counts, media_files
from .conftest import MID_FACTORY, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def test_attachment_is_stored_under_media_root_with_its_hash(alice, make_project):
    project = make_project(alice)
    content = pdf_bytes(pages=2)
    attachment = services.attachment_add(
        project=project, by=alice, upload=pdf_upload("报告.pdf", content)
    )
    path = Path(attachment.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.read_bytes() == content
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.original_name == "报告.pdf"
    assert attachment.size == len(content)
    # The stored name is random, not the applicant's.
    assert "报告" not in os.path.basename(attachment.file.name)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"", "文件为空"),
        ("report.pdf", b"GIF89a" + b"\0" * 100, "不是PDF"),
        ("report.pdf", b"PK\x03\x04 not a pdf but a zip", "不是PDF"),
        ("report.pdf", b"%PDF-1.7\n garbage that no parser accepts", "无法读取"),
        ("report.exe", b"MZ\x90\x00", "不是PDF"),
    ],
)
def test_attachment_content_decides_and_a_bad_file_leaves_nothing(
    alice, make_project, name, content, message
):
    project = make_project(alice)
    before, files = counts(), media_files()
    with pytest.raises(services.ProjectInvalid) as caught:
        services.attachment_add(project=project, by=alice, upload=pdf_upload(name, content))
    assert message in caught.value.messages()["file"][0]
    assert counts() == before
    assert media_files() == files


def test_a_pdf_named_otherwise_is_accepted(alice, make_project):
    attachment = services.attachment_add(
        project=make_project(alice), by=alice, upload=pdf_upload("scan.jpg")
    )
    assert attachment.original_name == "scan.jpg"


def test_attachment_over_the_size_limit_is_refused(alice, make_project, settings):
    settings.ATTACHMENT_MAX_BYTES = 500
    project = make_project(alice)
    with pytest.raises(services.ProjectInvalid) as caught:
        services.attachment_add(project=project, by=alice, upload=pdf_upload(content=pdf_bytes(3)))
    assert "文件过大" in caught.value.messages()["file"][0]
    assert not project.attachments.exists()


def test_encrypted_pdf_is_refused(alice, make_project):
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(services.ProjectInvalid) as caught:
        services.attachment_add(
            project=make_project(alice), by=alice, upload=pdf_upload(content=out.getvalue())
        )
    assert "加密" in caught.value.messages()["file"][0]


def test_submitted_attachments_cannot_be_deleted(alice, bob, make_submitted):
    project = make_submitted(alice, MID_FACTORY)
    attachment = project.attachments.get()
    review_services.case_return_for_correction(
        case=project.cases.get(), by=bob, items=["补充设备清单"]
    )
    with pytest.raises(services.ProjectInvalid):
        services.attachment_delete(attachment=attachment, by=alice)
    assert Attachment.objects.filter(pk=attachment.pk).exists()
