"""URLs of the benchmark server: the application's plus the one-query ceiling view."""

from __future__ import annotations

from django.urls import path

from config.urls import urlpatterns as app_urlpatterns
from scale.views import CeilingApi

urlpatterns = [path("bench/ceiling/", CeilingApi.as_view(), name="bench-ceiling"), *app_urlpatterns]
