"""Upload size checks that happen while the body streams in, never after reading it whole.

* ``UploadSizeMiddleware`` refuses a multipart request whose declared ``Content-Length`` exceeds
  ``UPLOAD_REQUEST_MAX_BYTES`` with 413 before anything reads the body (a 100 MB upload to the
  anonymous verification page is refused at once).
* ``SizeLimitUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) counts each file's bytes as they
  arrive; past ``ATTACHMENT_MAX_BYTES`` it stops passing chunks on (nothing more is kept in
  memory or on disk) and hands the form a :class:`OversizedUpload` that only knows its size, so
  the usual "文件过大" validation answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Pages that take exactly one file (the anonymous verification page).
SINGLE_FILE_PREFIXES = ("/verify/",)
MULTIPART_OVERHEAD = 64 * 1024


def request_limit(path: str) -> int:
    single = settings.ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD
    if path.startswith(SINGLE_FILE_PREFIXES):
        return single
    return max(int(getattr(settings, "UPLOAD_REQUEST_MAX_BYTES", 0)), single)


def too_large_message(limit: int) -> str:
    return _("上传内容过大，上限为 %(limit)s。") % {"limit": filesizeformat(limit)}


class UploadSizeMiddleware:
    """413 for a multipart body larger than the limit, judged on its Content-Length header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = request_limit(request.path)
            content_type = request.META.get("CONTENT_TYPE", "")
            if length > limit and content_type.startswith("multipart/"):
                message = too_large_message(settings.ATTACHMENT_MAX_BYTES)
                if request.path.startswith("/api/"):
                    return JsonResponse({"errors": {"file": [message]}}, status=413)
                return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class OversizedUpload(UploadedFile):
    """What is left of a file cut off at the limit: its name and the size it reached."""

    def __init__(self, *, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.charset = charset

    def open(self, mode: str | None = None) -> OversizedUpload:
        return self

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        return b""

    def seek(self, *args: Any) -> int:
        return 0

    def chunks(self, chunk_size: int | None = None) -> Any:
        return iter(())

    def close(self) -> None:
        return None


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each file's bytes; beyond ATTACHMENT_MAX_BYTES swallows the rest of the file."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.ATTACHMENT_MAX_BYTES:
            self.exceeded = True
        # None: later handlers (memory, temporary file) get nothing more of this file.
        return None if self.exceeded else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.exceeded:
            return None  # the next handler builds the file
        return OversizedUpload(
            name=self.file_name or "upload",
            content_type=self.content_type or "application/octet-stream",
            size=self.received,
            charset=self.charset,
        )
