"""Reviewer pages under /review/."""

from __future__ import annotations

from django.urls import include, path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/timeline.csv", views.timeline_csv, name="timeline_csv"),
    path(
        "cases/<int:pk>/evaluations/<int:evaluation_pk>/report/",
        views.evaluation_report,
        name="evaluation_report",
    ),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
    # Issued documents (download, admin retry): the PDF helper's views, in this namespace.
    path("", include("review.opinion_urls")),
]
