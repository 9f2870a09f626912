"""The drafting API: /api/v1/drafts/… and /api/v1/documents/<id>/revoke/."""

from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("drafts/", api.DraftListApi.as_view(), name="api-draft-list"),
    path("drafts/<int:pk>/", api.DraftDetailApi.as_view(), name="api-draft-detail"),
    path("drafts/<int:pk>/submit/", api.DraftSubmitApi.as_view(), name="api-draft-submit"),
    path("drafts/<int:pk>/return/", api.DraftReturnApi.as_view(), name="api-draft-return"),
    path("drafts/<int:pk>/sign/", api.DraftSignApi.as_view(), name="api-draft-sign"),
    path("documents/<int:pk>/revoke/", api.DocumentRevokeApi.as_view(), name="api-document-revoke"),
]
