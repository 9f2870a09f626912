"""Issued documents (审查文书): the decision's entry point, rendering, storage and verification.

A decision no longer issues its document at once: `opinion_issue` (called by the decision
services inside their transaction) opens a draft in the `documents` app, which the reviewer edits
and the authority's head signs off (`documents.services`). Sign-off creates the `Opinion` row and
queues `opinion_render` after commit: HTML from templates/review/pdf/ (layout in
`documents.layout`), WeasyPrint via `review.pdf`, the PAdES signature, the file stored with its
SHA-256. A rendering failure never touches the case or its decision: the document row records the
error and is retried. Drafts render as previews (`draft_preview_pdf`): the same PDF, watermarked
「草稿」, unsigned and unnumbered.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts import roles
from documents.layout.content import DocumentInput
from documents.layout.content import verify_url as verify_url
from documents.layout.defaults import default_sections
from documents.layout.html import document_html
from documents.numbering import issuer_for
from documents.signing import DEMO_CERT_NAME as DEMO_CERT_NAME
from documents.signing import signing_certificate_create as signing_certificate_create
from documents.signing import signing_credentials
from review import pdf
from review.models import CaseEvent, Opinion, ReviewCase

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
"""A pending document older than this has probably lost its render message."""


# --------------------------------------------------------------------------------------------
# The decision's entry point
# --------------------------------------------------------------------------------------------
def opinion_issue(
    *, case: ReviewCase, kind: str, by: Any = None, extra: dict[str, Any] | None = None
) -> Any:
    """Open the DRAFT of the document of `case` (拟稿); returns the `documents.Draft`.

    Kept under this name for the review and supervision services (decisions, 退回补正, the
    acceptance-filing check), which call it inside their transaction; `by` is the drafter (the
    case's assignee when None), `extra` what the default text needs besides the case. The
    number is taken and the document issued only when the authority's head signs the draft off
    (`documents.services.draft_sign`). Raises ValidationError (`kind`, `province`,
    `conditions` for an approval that would ignore a blocking finding); nothing is left behind.
    """
    from documents.services import draft_open

    return draft_open(case=case, kind=kind, by=by, extra=extra)


def _queue_render(opinion_id: int) -> None:
    from outbox.services import enqueue

    # Transactional outbox: the render message is a row of the decision's own transaction, sent
    # after commit or, when the broker is down then, by the outbox dispatcher once it is back.
    enqueue("review.tasks.opinion_render_task", args=[opinion_id])


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------
def opinion_render(*, opinion_id: int) -> Opinion:
    """Render, sign and store the document `opinion_id`; idempotent.

    A ready document is returned unchanged. Otherwise counts the attempt, renders the HTML
    template of its kind, signs the PDF (PAdES) and stores it with its SHA-256 and size, state
    ready. On any error records state failed with the error and re-raises (the task retries
    transient errors). Call outside a transaction: the failure record must survive the raise.
    Never touches the case or its decision.
    """
    opinion = Opinion.objects.select_related("case__project__organization", "case__submission").get(
        pk=opinion_id
    )
    if opinion.state == Opinion.State.READY:
        return opinion
    Opinion.objects.filter(pk=opinion_id).update(attempts=F("attempts") + 1)
    try:
        data = opinion_pdf(opinion=opinion)
        return _opinion_store(opinion=opinion, data=data)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        Opinion.objects.filter(pk=opinion_id).exclude(state=Opinion.State.READY).update(
            state=Opinion.State.FAILED, error=error
        )
        logger.warning("opinion %s render failed: %s", opinion_id, error)
        raise


def opinion_renderer_warm_up() -> None:
    """Load WeasyPrint, the CJK fonts and the signing key in this process (worker start), then
    move everything loaded so far out of the garbage collector's sight (`gc.freeze`): the
    full collections a render's allocations trigger then no longer walk the whole of Django,
    WeasyPrint and pyHanko, which made a document's cost jump by tens of milliseconds."""
    import gc

    path, password = signing_credentials()
    pdf.warm_up(pkcs12_path=path, password=password)
    gc.collect()
    gc.freeze()


def opinion_input(*, opinion: Opinion) -> DocumentInput:
    """What the issued `opinion` prints: the text its draft was signed off with and the facts
    the draft froze when it was opened (re-rendered versions share the draft of their number),
    or the default text of documents issued before drafting existed."""
    from documents.models import Draft

    draft = Draft.objects.filter(case_id=opinion.case_id, number=opinion.number).first()
    if draft is None and opinion.pk:
        draft = Draft.objects.filter(opinion_id=opinion.pk).first()
    sections = draft.sections if draft is not None else None
    if sections is None:
        sections = default_sections(case=opinion.case, kind=opinion.kind)
    return DocumentInput(
        case=opinion.case,
        kind=opinion.kind,
        sections=sections,
        number=opinion.number,
        issued_on=opinion.issued_on,
        token=str(opinion.token),
        extra=dict(draft.context or {}) if draft is not None else {},
    )


def opinion_html(*, opinion: Opinion) -> str:
    """The HTML (with its print stylesheet) of `opinion`, always in Chinese."""
    return document_html(opinion_input(opinion=opinion))


def opinion_pdf(*, opinion: Opinion) -> bytes:
    """The signed PDF bytes of `opinion` (reads the case, writes nothing)."""
    html = opinion_html(opinion=opinion)
    data, placed = pdf.render_located(html, base_url=str(settings.BASE_DIR), anchor="seal")
    issuer = issuer_for(opinion.case)
    path, password = signing_credentials()
    return pdf.sign(
        data,
        pkcs12_path=path,
        password=password,
        info=pdf.SignatureInfo(
            name=issuer.name,
            reason=f"{opinion.number}",
            location=issuer.province_name,
            contact_info=verify_url(opinion.token),
        ),
        placed=placed,
    )


def draft_preview_html(*, draft: Any) -> str:
    return document_html(
        DocumentInput(
            case=draft.case,
            kind=draft.kind,
            sections=draft.sections or {},
            number=draft.number,
            issued_on=timezone.localdate(),
            token="00000000-0000-0000-0000-000000000000",
            draft=True,
            extra=dict(draft.context or {}),
        )
    )


def draft_preview_pdf(*, draft: Any) -> bytes:
    """The draft as it would print, watermarked 「草稿」, unnumbered and unsigned."""
    return pdf.render(draft_preview_html(draft=draft), base_url=str(settings.BASE_DIR))


def _opinion_store(*, opinion: Opinion, data: bytes) -> Opinion:
    """Write the file, then mark the row ready with one conditional UPDATE.

    The UPDATE only touches a row that is not ready yet, so of two concurrent deliveries of the
    same task exactly one wins; the loser removes its file. One statement, no read-then-write
    lock upgrade (which SQLite answers with "database is locked").
    """
    field = opinion.file.field
    storage = opinion.file.storage
    name = storage.save(field.generate_filename(opinion, f"{opinion.token}.pdf"), ContentFile(data))
    try:
        claimed = (
            Opinion.objects.filter(pk=opinion.pk)
            .exclude(state=Opinion.State.READY)
            .update(
                file=name,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                state=Opinion.State.READY,
                error="",
                rendered_at=timezone.now(),
            )
        )
    except Exception:
        storage.delete(name)
        raise
    if not claimed:  # a concurrent delivery finished first
        storage.delete(name)
    return Opinion.objects.get(pk=opinion.pk)


@transaction.atomic
def opinion_rerender(*, opinion: Opinion, by: Any) -> Opinion:
    """Admin action: retry a pending/failed document, or re-render a ready one as a new version.

    Precondition: `by` is an admin (else PermissionDenied). Pending or failed: the same row goes
    back to pending and is queued again. Ready: a new row with the same number, kind and issue
    date and the next version is created and queued; the old version and its file are kept and
    stay verifiable. Records a case event; the task is queued after commit.
    """
    if not roles.is_admin(by):
        raise PermissionDenied("只有管理员可以重新生成文书")
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if locked.state != Opinion.State.READY:
        locked.state = Opinion.State.PENDING
        locked.save(update_fields=["state"])
        result, action = locked, "opinion_retry"
    else:
        latest = Opinion.objects.filter(case_id=locked.case_id, number=locked.number).aggregate(
            v=Max("version")
        )["v"]
        result = Opinion.objects.create(
            case_id=locked.case_id,
            kind=locked.kind,
            number=locked.number,
            issued_on=locked.issued_on,
            version=(latest or 0) + 1,
        )
        action = "opinion_rerender"
    CaseEvent.objects.create(
        case_id=locked.case_id,
        actor=by,
        action=action,
        data={"opinion": result.pk, "number": result.number, "version": result.version},
    )
    _queue_render(result.pk)
    return result


def opinion_requeue_stale(
    *, now: datetime | None = None, older_than: timedelta = STALE_AFTER
) -> int:
    """Queue again the documents still pending `older_than` after creation; returns how many.

    Catches a render message that never reached a worker (a broker outage at commit, a purged
    queue). Rendering is idempotent, so a message that was merely slow costs a wasted render at
    worst. Failed documents are left to an admin's retry. Run by a beat task.
    """
    from review.tasks import opinion_render_task

    cutoff = (now or timezone.now()) - older_than
    stale = list(
        Opinion.objects.filter(state=Opinion.State.PENDING, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in stale:
        opinion_render_task.delay(pk)
    if stale:
        logger.warning("requeued %d stale pending opinions: %s", len(stale), stale)
    return len(stale)


def opinion_verify(*, token: Any, uploaded_bytes: bytes) -> bool:
    """True when `uploaded_bytes` is exactly the issued file of the document `token`.

    Compares SHA-256 digests in constant time. False for unknown tokens and for documents
    that are not ready. Reads only.
    """
    opinion = Opinion.objects.filter(token=token, state=Opinion.State.READY).first()
    if opinion is None or not opinion.sha256:
        return False
    digest = hashlib.sha256(uploaded_bytes).hexdigest()
    return hmac.compare_digest(digest, opinion.sha256)
