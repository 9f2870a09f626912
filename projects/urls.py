from __future__ import annotations

from django.urls import path

from . import correction_views, views, views_files, views_live, views_steps

app_name = "projects"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views_steps.project_create, name="create"),
    path("new/assess/", views_live.assess_live_new, name="assess_live_new"),
    path("organization/", views.organization, name="organization"),
    path("lookup/<slug:kind>/", views_live.lookup, name="lookup"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/<int:step>/", views_steps.project_edit, name="edit"),
    path("<int:pk>/assess/", views_live.assess_live, name="assess_live"),
    path("<int:pk>/delete/", views_steps.project_delete, name="delete"),
    path("<int:pk>/submit/", views_steps.project_submit, name="submit"),
    path(
        "<int:pk>/corrections/<int:item_pk>/answer/",
        correction_views.correction_answer,
        name="correction_answer",
    ),
    path("<int:pk>/submitted/", views_steps.project_submitted, name="submitted"),
    path("<int:pk>/submissions/<int:number>/", views.submission_detail, name="submission"),
    path("<int:pk>/attachments/", views_files.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views_files.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        views_files.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "<int:pk>/sources/<int:source_pk>/evidence/",
        views_files.evidence_download,
        name="evidence_download",
    ),
]
