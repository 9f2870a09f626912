"""Top-level URLs: pages, the API under /api/v1/, OpenAPI, health and public verification."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views

urlpatterns = [
    path("healthz", account_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the docs page needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("rules.api_urls")),
    path("api/v1/", include("projects.api_urls")),
    path("api/v1/", include("review.api_urls")),
    path("api/v1/", include("supervision.api_urls")),
    path("api/v1/", include("documents.api_urls")),
    path("verify/", include("review.verify_urls")),
    path("", account_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/", include("projects.urls")),
    path("review/", include("review.urls")),
    path("documents/", include("documents.urls")),
    path("policy/", include("rules.urls")),
    path("supervision/", include("supervision.urls")),
    path("admin/", admin.site.urls),
]

# Branded pages in the reader's language, with the navigation (common/views.py).
handler403 = "common.views.permission_denied"
handler404 = "common.views.page_not_found"
handler500 = "common.views.server_error"
