from __future__ import annotations

from django.urls import path, re_path

from . import views

app_name = "rules"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    re_path(
        r"^overview/export/(?P<key>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        views.overview_export,
        name="overview_export",
    ),
    path("barometer/", views.barometer, name="barometer"),
    re_path(
        r"^barometer/export\.(?P<fmt>csv|xlsx)$", views.barometer_export, name="barometer_export"
    ),
    path("budgets/", views.budgets, name="budgets"),
    re_path(r"^budgets/export\.(?P<fmt>csv|xlsx)$", views.budgets_export, name="budgets_export"),
    path("versions/", views.policy_versions, name="policy_versions"),
    path("versions/new/", views.policy_version_create, name="policy_version_create"),
    path("versions/<int:pk>/preview/", views.policy_version_preview, name="policy_version_preview"),
    path("versions/<int:pk>/publish/", views.policy_version_publish, name="policy_version_publish"),
]
