"""Issued documents, inside the `review` namespace (included by review/urls.py)."""

from __future__ import annotations

from django.urls import path

from . import opinion_views

urlpatterns = [
    path("opinions/<int:pk>/download/", opinion_views.opinion_download, name="opinion_download"),
    path("opinions/<int:pk>/retry/", opinion_views.opinion_retry, name="opinion_retry"),
]
