"""The HTML (with its print stylesheet) of a document, always in Chinese."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from documents.layout.content import DocumentInput, document_context

TEMPLATES = {
    "approval": "review/pdf/opinion.html",
    "rejection": "review/pdf/rejection.html",
    "deferral": "review/pdf/deferral.html",
    "correction": "review/pdf/correction.html",
    "change": "review/pdf/change.html",
    "receipt": "review/pdf/receipt.html",
    "filing": "review/pdf/filing.html",
}


def document_html(data: DocumentInput) -> str:
    context: dict[str, Any] = {"doc": document_context(data)}
    with translation.override("zh-hans"):
        return render_to_string(TEMPLATES[data.kind], context)
