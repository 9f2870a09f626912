from __future__ import annotations

from django.urls import path

from . import views

app_name = "rules"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("barometer/", views.barometer, name="barometer"),
    path("versions/", views.policy_versions, name="policy_versions"),
]
