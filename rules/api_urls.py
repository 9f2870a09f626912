from __future__ import annotations

from django.urls import path

from rules import api

urlpatterns = [
    path("assessments/", api.AssessmentCreateApi.as_view(), name="assessment-create"),
]
