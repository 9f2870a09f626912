"""Supervision pages under /supervision/."""

from __future__ import annotations

from django.urls import path

from . import views, views_inspections

app_name = "supervision"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.<slug:fmt>", views.dashboard_export, name="dashboard_export"),
    path("cases/", views.case_list, name="cases"),
    path("cases/export.<slug:fmt>", views.case_list_export, name="cases_export"),
    path("mine/", views.mine, name="mine"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/start/", views.construction_start, name="start"),
    path("cases/<int:pk>/acceptance/", views.acceptance_file, name="acceptance_file"),
    path("cases/<int:pk>/acceptance/report/", views.acceptance_report, name="acceptance_report"),
    path("cases/<int:pk>/acceptance/check/", views.acceptance_check, name="acceptance_check"),
    path("cases/<int:pk>/rectify/", views.rectification_order, name="rectify"),
    path("cases/<int:pk>/penalty/", views.penalty_record, name="penalty"),
    path(
        "rectifications/<int:pk>/report/",
        views.rectification_report,
        name="rectification_report",
    ),
    path("rectifications/<int:pk>/close/", views.rectification_close, name="rectification_close"),
    path("inspections/", views_inspections.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", views_inspections.inspection_detail, name="inspection"),
    path(
        "inspections/<int:pk>/targets/<int:target_pk>/",
        views_inspections.target_record,
        name="target_record",
    ),
]
