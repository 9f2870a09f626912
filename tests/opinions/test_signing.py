"""The signing certificate: demo certificate for development, configured one otherwise."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from review import pdf
from review.documents import DEMO_CERT_NAME, signing_certificate_create, signing_credentials
from review.models import Opinion

MINIMAL_PDF_HTML = (
    "<html><body><p style=\"font-family:'Noto Serif CJK SC'\">签名测试</p></body></html>"
)


def _signer_name(data: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    return signature.signer_cert.subject.human_friendly


@pytest.fixture
def unsigned_pdf() -> bytes:
    return pdf.render(MINIMAL_PDF_HTML)


def test_demo_certificate_is_created_on_first_use_under_media_keys(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SIGNING_PKCS12_PATH = ""
    path, password = signing_credentials()
    assert path == tmp_path / "keys" / DEMO_CERT_NAME
    assert path.exists()
    assert path.stat().st_mode & 0o077 == 0  # private key material: owner only
    assert password == ""
    first = path.read_bytes()
    assert signing_credentials()[0].read_bytes() == first  # kept, not regenerated


def test_make_signing_cert_writes_keeps_and_replaces(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SIGNING_PKCS12_PATH = ""
    out = io.StringIO()
    call_command("make_signing_cert", stdout=out)
    path = tmp_path / "keys" / DEMO_CERT_NAME
    original = path.read_bytes()
    call_command("make_signing_cert", stdout=out)
    assert path.read_bytes() == original
    assert "exists" in out.getvalue()
    call_command("make_signing_cert", "--force", stdout=out)
    assert path.read_bytes() != original


def test_configured_certificate_with_password_signs(settings, tmp_path, unsigned_pdf):
    target = tmp_path / "authority.p12"
    settings.SIGNING_PKCS12_PATH = str(target)
    settings.SIGNING_PKCS12_PASSWORD = "s3cret-口令"
    call_command("make_signing_cert", "--common-name", "测试审查机关", stdout=io.StringIO())
    assert target.exists()
    path, password = signing_credentials()
    signed = pdf.sign(
        unsigned_pdf,
        pkcs12_path=path,
        password=password,
        info=pdf.SignatureInfo("测试审查机关", "测试", "江苏省"),
    )
    assert "测试审查机关" in _signer_name(signed)


def test_wrong_password_is_a_signing_key_error(tmp_path, unsigned_pdf):
    path = signing_certificate_create(path=tmp_path / "k.p12", password="right")
    with pytest.raises(pdf.SigningKeyError):
        pdf.sign(
            unsigned_pdf, pkcs12_path=path, password="wrong", info=pdf.SignatureInfo("", "", "")
        )


@pytest.mark.django_db
def test_missing_configured_certificate_fails_the_document_visibly(
    settings, tmp_path, make_case, issue, reuse_rendered_pdf
):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "missing.p12")
    opinion = issue(make_case())
    assert opinion.state == Opinion.State.FAILED
    assert "SigningKeyError" in opinion.error
    assert not Path(settings.SIGNING_PKCS12_PATH).exists()  # never created implicitly


def test_signature_survives_a_certificate_swap(settings, tmp_path, unsigned_pdf):
    """The cached signer follows the file: replacing the certificate takes effect."""
    path = tmp_path / "swap.p12"
    signing_certificate_create(path=path, common_name="第一张证书")
    info = pdf.SignatureInfo("", "", "")
    first = pdf.sign(unsigned_pdf, pkcs12_path=path, password="", info=info)
    signing_certificate_create(path=path, common_name="第二张证书", overwrite=True)
    import os

    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = pdf.sign(unsigned_pdf, pkcs12_path=path, password="", info=info)
    assert "第一张证书" in _signer_name(first)
    assert "第二张证书" in _signer_name(second)


def test_signing_works_inside_a_running_event_loop(tmp_path, unsigned_pdf):
    """pyHanko's sync API uses asyncio.run(); an async caller (ASGI, a browser test) must not
    break signing."""
    import asyncio
    import concurrent.futures

    path = signing_certificate_create(path=tmp_path / "loop.p12")

    async def sign_in_loop() -> bytes:
        return pdf.sign(
            unsigned_pdf, pkcs12_path=path, password="", info=pdf.SignatureInfo("", "", "")
        )

    # A fresh thread: the browser tests may leave a loop running in this one for the session.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        signed = pool.submit(asyncio.run, sign_in_loop()).result()
    assert signed.startswith(unsigned_pdf)  # an incremental update: the original bytes stay
    assert b"/ByteRange" in signed
