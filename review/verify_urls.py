"""Public verification of issued documents: /verify/<token> (the URL in the QR code)."""

from __future__ import annotations

from django.urls import path

from . import opinion_views

urlpatterns = [
    path("<uuid:token>", opinion_views.opinion_verify_page, name="opinion_verify"),
    path("<uuid:token>/", opinion_views.opinion_verify_page),
]
