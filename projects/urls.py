from __future__ import annotations

from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.project_create, name="create"),
]
