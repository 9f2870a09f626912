"""The applicant API: /api/v1/projects/… and /api/v1/organization/."""

from __future__ import annotations

from django.urls import path

from . import api, api_compare, api_corrections, api_files, api_lines

urlpatterns = [
    path("projects/", api.ProjectListCreateApi.as_view(), name="api-project-list"),
    path("projects/<int:pk>/", api.ProjectDetailApi.as_view(), name="api-project-detail"),
    path("projects/<int:pk>/submit/", api.ProjectSubmitApi.as_view(), name="api-project-submit"),
    path("projects/<int:pk>/status/", api.ProjectStatusApi.as_view(), name="api-project-status"),
    path(
        "projects/<int:pk>/assessment/",
        api.ProjectAssessmentApi.as_view(),
        name="api-project-assessment",
    ),
    path(
        "projects/<int:pk>/submissions/compare/",
        api_compare.SubmissionCompareApi.as_view(),
        name="api-project-submissions-compare",
    ),
    path(
        "projects/<int:pk>/corrections/",
        api_corrections.ProjectCorrectionsApi.as_view(),
        name="api-project-corrections",
    ),
    path(
        "projects/<int:pk>/corrections/items/<int:item_pk>/",
        api_corrections.CorrectionAnswerApi.as_view(),
        name="api-project-correction-answer",
    ),
    path(
        "projects/<int:pk>/submissions/<int:number>/",
        api.SubmissionDetailApi.as_view(),
        name="api-project-submission",
    ),
    path(
        "projects/<int:pk>/attachments/",
        api_files.AttachmentListCreateApi.as_view(),
        name="api-project-attachments",
    ),
    path(
        "projects/<int:pk>/attachments/<int:attachment_pk>/",
        api_files.AttachmentDetailApi.as_view(),
        name="api-project-attachment",
    ),
    path(
        "projects/<int:pk>/substitution-sources/<int:source_pk>/evidence/",
        api_files.EvidenceApi.as_view(),
        name="api-project-evidence",
    ),
    path(
        "projects/<int:pk>/<slug:collection>/",
        api_lines.ProjectLineCreateApi.as_view(),
        name="api-project-lines",
    ),
    path(
        "projects/<int:pk>/<slug:collection>/<int:line_pk>/",
        api_lines.ProjectLineDeleteApi.as_view(),
        name="api-project-line",
    ),
    path("organization/", api.OrganizationApi.as_view(), name="api-organization"),
]
