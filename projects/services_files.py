"""Files of a project (under MEDIA_ROOT): uploaded PDF attachments, random storage names, and
deleting stored files once a transaction is over; also the project row lock that every write of
:mod:`projects.services` takes.

Re-exported by :mod:`projects.services`, which web forms and the API call.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .checks import ErrorText, ProjectInvalid, ProjectNotEditable
from .models import Attachment, Project
from .validators import validate_pdf_upload


# --------------------------------------------------------------------------------------------
# Shared by every write: the project row lock and the clean-up of stored files
# --------------------------------------------------------------------------------------------
def project_lock(pk: int) -> Project:
    """The project row, locked for the rest of the transaction."""
    return Project.objects.select_for_update().get(pk=pk)


def delete_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def stored_name(upload: UploadedFile) -> str:
    """A random storage name: the applicant's file name is kept only as metadata."""
    return f"{uuid.uuid4().hex}.pdf"


def upload_sha256(upload: UploadedFile) -> str:
    """The SHA-256 of an uploaded file, read in chunks (the file is left at its start)."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def attachment_add(
    *, project: Project, by: Any, upload: UploadedFile, kind: str = Attachment.Kind.ENERGY_REPORT
) -> Attachment:
    """Store an uploaded PDF under MEDIA_ROOT for `project`.

    Checks the content (a `%PDF-` header that pypdf can read) and the size limit
    (settings.ATTACHMENT_MAX_BYTES). Raises ProjectInvalid (`file`, `kind`) or
    ProjectNotEditable; on error no row and no file remain.
    """
    if not permissions.project_is_editable(project):
        raise ProjectNotEditable(project)
    errors: dict[str, list[ErrorText]] = {}
    if kind not in Attachment.Kind.values:
        errors["kind"] = [_("未知的附件类别。")]
    if upload is None:
        errors["file"] = [_("请选择要上传的PDF文件。")]
    else:
        try:
            validate_pdf_upload(upload)
        except ValidationError as exc:
            errors["file"] = list(exc.messages)
    if errors:
        raise ProjectInvalid(errors)
    attachment = Attachment(
        project=project,
        kind=kind,
        original_name=os.path.basename(upload.name or "document.pdf")[:255],
        size=upload.size,
        sha256=upload_sha256(upload),
        uploaded_by=by,
    )
    try:
        with transaction.atomic():
            locked = project_lock(project.pk)
            if not permissions.project_is_editable(locked):
                raise ProjectNotEditable(locked)
            attachment.file.save(stored_name(upload), upload, save=False)
            attachment.save()
            Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
    except Exception:
        if attachment.file.name:
            delete_files([attachment.file.name])
        raise
    return attachment


def attachment_delete(*, attachment: Attachment, by: Any) -> None:
    """Delete a file not yet handed in with a submission (those stay for the record).

    Raises ProjectNotEditable (project submitted) or ProjectInvalid (`file`: handed in).
    """
    name = attachment.file.name
    with transaction.atomic():
        locked = project_lock(attachment.project_id)
        if not permissions.project_is_editable(locked):
            raise ProjectNotEditable(locked)
        if attachment.submissions.exists():
            raise ProjectInvalid({"file": [_("该附件已随提交材料报送，不能删除。")]})
        attachment.delete()
        transaction.on_commit(lambda: delete_files([name]))
