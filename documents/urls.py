"""Pages of the drafting workflow, under /documents/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("drafts/", views.draft_list, name="drafts"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft"),
    path("drafts/<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("drafts/<int:pk>/submit/", views.draft_submit, name="draft_submit"),
    path("drafts/<int:pk>/return/", views.draft_return, name="draft_return"),
    path("drafts/<int:pk>/sign/", views.draft_sign, name="draft_sign"),
    path("drafts/<int:pk>/preview.pdf", views.draft_preview, name="draft_preview"),
    path("issued/<int:pk>/revoke/", views.document_revoke, name="revoke"),
]
