"""Uploads kept across a failed validation: an evidence file chosen on a page that did not
save is stored under `pending/` and carried by a signed token until its row is saved.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.crypto import get_random_string

PENDING_SALT = "projects.evidence.pending"
PENDING_DIR = "pending"


def pending_upload_keep(upload: Any) -> str:
    """Store an upload the page could not save yet; return a signed token naming it."""
    name = default_storage.save(
        f"{PENDING_DIR}/{get_random_string(24)}.pdf", ContentFile(upload.read())
    )
    upload.seek(0)
    original = str(getattr(upload, "name", "") or "evidence.pdf")[-200:]
    return signing.dumps({"n": name, "o": original}, salt=PENDING_SALT)


def pending_upload_read(token: Any) -> tuple[str, str] | None:
    """(storage name, original name) of a kept upload, or None for no or a forged token."""
    if not token or not isinstance(token, str):
        return None
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=2 * 24 * 3600)
    except signing.BadSignature:
        return None
    name = str(data.get("n", ""))
    if not name.startswith(f"{PENDING_DIR}/") or not default_storage.exists(name):
        return None
    return name, str(data.get("o", ""))


def pending_upload_open(token: Any) -> SimpleUploadedFile | None:
    kept = pending_upload_read(token)
    if kept is None:
        return None
    with default_storage.open(kept[0], "rb") as handle:
        content = handle.read()
    return SimpleUploadedFile(kept[1] or "evidence.pdf", content, "application/pdf")
