"""The review API: /api/v1/cases/…"""

from __future__ import annotations

from django.urls import path

from . import api, api_corrections, api_decisions, api_moves

urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="api-case-list"),
    path("cases/counts/", api.CaseCountsApi.as_view(), name="api-case-counts"),
    path("cases/<int:pk>/", api.CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/events/", api.CaseEventsApi.as_view(), name="api-case-events"),
    path(
        "cases/<int:pk>/corrections/",
        api_corrections.CaseCorrectionsApi.as_view(),
        name="api-case-corrections",
    ),
    path("cases/<int:pk>/accept/", api_moves.CaseAcceptApi.as_view(), name="api-case-accept"),
    path("cases/<int:pk>/return/", api_moves.CaseReturnApi.as_view(), name="api-case-return"),
    path(
        "cases/<int:pk>/not-accept/",
        api_moves.CaseNotAcceptApi.as_view(),
        name="api-case-not-accept",
    ),
    path("cases/<int:pk>/assign/", api_moves.CaseAssignApi.as_view(), name="api-case-assign"),
    path("cases/<int:pk>/claim/", api_moves.CaseClaimApi.as_view(), name="api-case-claim"),
    path("cases/<int:pk>/reassign/", api_moves.CaseReassignApi.as_view(), name="api-case-reassign"),
    path(
        "cases/<int:pk>/evaluations/commission/",
        api_moves.CaseCommissionEvaluationApi.as_view(),
        name="api-case-evaluation-commission",
    ),
    path(
        "cases/<int:pk>/evaluations/",
        api_moves.CaseEvaluationApi.as_view(),
        name="api-case-evaluations",
    ),
    path(
        "cases/<int:pk>/guidance-request/",
        api_moves.CaseRequestGuidanceApi.as_view(),
        name="api-case-guidance-request",
    ),
    path(
        "cases/<int:pk>/guidance/",
        api_moves.CaseAnswerGuidanceApi.as_view(),
        name="api-case-guidance",
    ),
    path(
        "cases/<int:pk>/approve/", api_decisions.CaseApproveApi.as_view(), name="api-case-approve"
    ),
    path("cases/<int:pk>/reject/", api_decisions.CaseRejectApi.as_view(), name="api-case-reject"),
    path("cases/<int:pk>/defer/", api_decisions.CaseDeferApi.as_view(), name="api-case-defer"),
    path(
        "cases/<int:pk>/extension-request/",
        api_decisions.CaseRequestExtensionApi.as_view(),
        name="api-case-extension-request",
    ),
    path(
        "cases/<int:pk>/extension/approve/",
        api_decisions.CaseApproveExtensionApi.as_view(),
        name="api-case-extension-approve",
    ),
    path(
        "cases/<int:pk>/extension/refuse/",
        api_decisions.CaseRefuseExtensionApi.as_view(),
        name="api-case-extension-refuse",
    ),
    path(
        "cases/<int:pk>/lift-deferral/",
        api_decisions.CaseLiftDeferralApi.as_view(),
        name="api-case-lift-deferral",
    ),
    path(
        "cases/<int:pk>/consent-change/",
        api_decisions.CaseConsentChangeApi.as_view(),
        name="api-case-consent-change",
    ),
    path(
        "cases/<int:pk>/construction-start/",
        api_decisions.CaseConstructionStartApi.as_view(),
        name="api-case-construction-start",
    ),
]
