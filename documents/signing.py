"""The signing certificate of issued documents: the configured PKCS#12 file, or a demo one."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

DEMO_CERT_NAME = "demo-signing.p12"


def signing_credentials() -> tuple[Path, str]:
    """(PKCS#12 path, password): settings.SIGNING_PKCS12_PATH, else a demo certificate.

    With SIGNING_PKCS12_PATH empty (development, `make run`), a self-signed demo certificate is
    created under MEDIA_ROOT/keys/ on first use. A configured path is never created implicitly:
    run `manage.py make_signing_cert` or install the authority's certificate there.
    """
    password = settings.SIGNING_PKCS12_PASSWORD
    if settings.SIGNING_PKCS12_PATH:
        return Path(settings.SIGNING_PKCS12_PATH), password
    path = Path(settings.MEDIA_ROOT) / "keys" / DEMO_CERT_NAME
    if not path.exists():
        signing_certificate_create(path=path, password=password)
    return path, password


def signing_certificate_create(
    *,
    path: Path,
    password: str = "",
    common_name: str = "EnergyReview 节能审查电子签名（演示证书）",
    organization: str = "EnergyReview 演示",
    days: int = 3650,
    overwrite: bool = False,
) -> Path:
    """Write a self-signed RSA-2048 signing certificate and key as PKCS#12 to `path`.

    For demonstrations only: readers show the signature as valid but untrusted. The file is
    mode 0600 and appears atomically (a concurrent creator keeps the first file unless
    `overwrite`). Returns `path`.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(tz=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    blob = pkcs12.serialize_key_and_certificates(
        b"energyreview-signing", key, cert, None, encryption
    )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(blob)
    try:
        if overwrite:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):  # a concurrent creator won
                os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
