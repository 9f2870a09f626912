"""The supervision API: /api/v1/supervision/…"""

from __future__ import annotations

from django.urls import path

from . import api, api_inspections, api_moves

P = "supervision/"
urlpatterns = [
    path(P + "dashboard/", api.DashboardApi.as_view(), name="api-sv-dashboard"),
    path(P + "cases/", api.CaseListApi.as_view(), name="api-sv-cases"),
    path(P + "cases/<int:pk>/", api.CaseDetailApi.as_view(), name="api-sv-case"),
    path(
        P + "cases/<int:pk>/split-warnings/",
        api.SplitWarningsApi.as_view(),
        name="api-sv-split-warnings",
    ),
    path(
        P + "cases/<int:pk>/construction-start/",
        api_moves.ConstructionStartApi.as_view(),
        name="api-sv-construction-start",
    ),
    path(
        P + "cases/<int:pk>/acceptance/",
        api_moves.AcceptanceFileApi.as_view(),
        name="api-sv-acceptance",
    ),
    path(
        P + "cases/<int:pk>/acceptance/check/",
        api_moves.AcceptanceCheckApi.as_view(),
        name="api-sv-acceptance-check",
    ),
    path(
        P + "cases/<int:pk>/rectifications/",
        api_moves.RectificationOrderApi.as_view(),
        name="api-sv-rectify",
    ),
    path(P + "cases/<int:pk>/penalties/", api_moves.PenaltyApi.as_view(), name="api-sv-penalty"),
    path(
        P + "rectifications/<int:pk>/report/",
        api_moves.RectificationReportApi.as_view(),
        name="api-sv-rectification-report",
    ),
    path(
        P + "rectifications/<int:pk>/close/",
        api_moves.RectificationCloseApi.as_view(),
        name="api-sv-rectification-close",
    ),
    path(
        P + "inspections/", api_inspections.InspectionListApi.as_view(), name="api-sv-inspections"
    ),
    path(
        P + "inspections/<int:pk>/",
        api_inspections.InspectionDetailApi.as_view(),
        name="api-sv-inspection",
    ),
    path(
        P + "inspections/<int:pk>/targets/<int:target_pk>/",
        api_inspections.InspectionTargetApi.as_view(),
        name="api-sv-inspection-target",
    ),
    path(P + "monitoring/", api_inspections.MonitoringPushApi.as_view(), name="api-sv-monitoring"),
]
