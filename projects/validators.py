"""Input checks: credit code (GB 32100-2015), project code (GB/T 40058) and uploaded PDFs."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PROJECT_CODE_RE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    value = 31 - total % 31
    return USCC_ALPHABET[0 if value == 31 else value]


def is_valid_uscc(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    return uscc_check_character(code[:17]) == code[17]


def validate_uscc(value: str) -> None:
    if not is_valid_uscc(value):
        raise ValidationError(
            _("统一社会信用代码无效：应为18位（不含I、O、S、V、Z），且校验码符合GB 32100。"),
            code="invalid_uscc",
        )


def validate_project_code(value: str) -> None:
    if not PROJECT_CODE_RE.match(value.strip()):
        raise ValidationError(
            _("项目代码格式应为 NNNN-NNNNNN-NN-NN-NNNNNN（如 2611-320500-04-01-381276）。"),
            code="invalid_project_code",
        )


PDF_MAGIC = b"%PDF-"


def validate_pdf_upload(upload: Any) -> None:
    """An uploaded file must be a readable PDF within `settings.ATTACHMENT_MAX_BYTES`.

    The content decides, not the name: the first bytes must be the `%PDF-` header and pypdf must
    parse the document. Leaves the file positioned at its start.
    """
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("文件为空。"), code="empty_file")
    if upload.size > limit:
        raise ValidationError(
            _("文件过大：%(size)s，上限为 %(limit)s。"),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("仅接受PDF文件：文件内容不是PDF。"), code="not_pdf")
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("不接受加密的PDF文件，请去除密码后上传。"), code="pdf_encrypted"
            )
        if len(reader.pages) == 0:
            raise ValidationError(_("PDF文件没有页面。"), code="pdf_empty")
        active = pdf_active_content(reader)
        if active:
            raise ValidationError(
                _("PDF文件含有脚本或启动外部程序等动作（%(names)s），不予接受。"),
                code="pdf_active_content",
                params={"names": "、".join(name.lstrip("/") for name in active)},
            )
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise ValidationError(_("PDF文件已损坏或无法读取。"), code="pdf_unreadable") from exc
    finally:
        upload.seek(0)


# Actions that run code or start programs when a PDF is opened or clicked (ISO 32000 12.6.4).
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMedia"})
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/Launch", "/RichMedia"})
PDF_OBJECT_WALK_MAX = 200_000


def pdf_active_content(reader: PdfReader) -> list[str]:
    """The active content a PDF carries: JavaScript, Launch and similar actions anywhere in its
    object graph (document open actions, page and annotation actions, the JavaScript name tree).

    Returns the names found (empty: none). Walks every object reachable from the trailer once.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    steps = 0
    while stack and steps < PDF_OBJECT_WALK_MAX:
        steps += 1
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                node = node.get_object()
            except Exception:  # a dangling reference in a damaged file
                continue
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in ACTIVE_KEYS:
                    found.add(str(name))
                if name == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    found.add(str(value))
                if name != "/Parent":
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    if stack:
        found.add("/TooComplex")
    return sorted(found)
