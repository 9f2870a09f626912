"""The supervision API under /api/v1/supervision/…: one APIView per operation, nested input
serializers, the same services, selectors and permission module as the pages. This module holds
the shared helpers, the output serializers and the reads; the moves (POST) are in ``api_moves``,
inspections and the monitoring push in ``api_inspections``.

Errors: 400 ``{"errors": {field: [message]}}``; 403 for an action the caller may not take on a
case he can see; 404 for anything outside his scope. The monitoring platform pushes monthly
energy use with a token of an account allowed to import (``permissions.can_import_monitoring``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import permissions, selectors, split
from .models import Acceptance, Rectification

TAG = "supervision"


def _errors(exc: DjangoValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {
            "errors": {
                ("non_field_errors" if k == "__all__" else k): list(v)
                for k, v in exc.message_dict.items()
            }
        }
    return {"errors": {"non_field_errors": list(exc.messages)}}


def _call(action: Callable[[], Any], output: Callable[[Any], Any], code: int = 200) -> Response:
    try:
        result = action()
    except DjangoValidationError as exc:
        return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    return Response(output(result), status=code)


def _authority_only(user: Any) -> None:
    if not permissions.is_authority_side(user):
        raise PermissionDenied("监管接口仅供审查机关使用。")


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
class CaseRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    project_code = serializers.CharField(source="project.project_code")
    project_name = serializers.CharField(source="project.name")
    organization = serializers.CharField(source="project.organization.name")
    stage = serializers.CharField()
    counted_tce = serializers.FloatField()
    started_construction_on = serializers.DateField(allow_null=True)
    acceptance_overdue = serializers.BooleanField()
    monitoring_excess = serializers.BooleanField()
    open_rectification = serializers.BooleanField()
    acceptance_to_check = serializers.BooleanField()


class AcceptanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Acceptance
        fields = [
            "id",
            "case",
            "state",
            "completed_on",
            "actual_capacity",
            "energy_lines",
            "products",
            "conditions",
            "committee_conclusion",
            "report_name",
            "report_sha256",
            "comparison",
            "exceeds_threshold",
            "filed_at",
            "checked_at",
            "check_note",
        ]


class RectificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rectification
        fields = [
            "id",
            "case",
            "acceptance",
            "target",
            "items",
            "deadline",
            "state",
            "ordered_at",
            "owner_report",
            "reported_at",
            "closed_at",
            "closing_note",
        ]


def _case_detail(case: Any) -> dict[str, Any]:
    acceptance = selectors.acceptance_of(case)
    monitoring = selectors.monitoring_view(case=case)
    return {
        "id": case.pk,
        "project_code": case.project.project_code,
        "project_name": case.project.name,
        "counted_tce": case.counted_tce,
        "started_construction_on": case.started_construction_on,
        "acceptance": AcceptanceSerializer(acceptance).data if acceptance else None,
        "rectifications": RectificationSerializer(
            selectors.rectifications_of(case), many=True
        ).data,
        "flags": [
            {
                "kind": f.kind,
                "period": f.period,
                "message": f.message,
                "resolved": f.resolved_at is not None,
            }
            for f in selectors.flags_of(case)
        ],
        "monitoring": {
            "columns": list(monitoring.table.columns),
            "rows": [list(r) for r in monitoring.table.rows],
        },
    }


# --------------------------------------------------------------------------------------------
# Authority: dashboard and lists
# --------------------------------------------------------------------------------------------
class DashboardApi(APIView):
    """Counts per stage and flag of the caller's authority; each matches ``cases/?key=``."""

    @extend_schema(
        tags=[TAG],
        responses=inline_serializer(
            "SupervisionCounts",
            {k: serializers.IntegerField() for k in ("total", *selectors.LIST_FILTERS)},
        ),
    )
    def get(self, request: Request) -> Response:
        _authority_only(request.user)
        return Response(selectors.dashboard_counts(user=request.user))


class CaseListApi(APIView):
    """Supervised cases, optionally one stage or flag (``?key=``); constant query count."""

    @extend_schema(tags=[TAG], responses=CaseRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        from rest_framework.pagination import PageNumberPagination

        _authority_only(request.user)
        qs = selectors.supervised_cases(user=request.user, key=request.query_params.get("key", ""))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CaseRowSerializer(page, many=True).data)


class CaseDetailApi(APIView):
    @extend_schema(tags=[TAG], responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_case_detail(selectors.case_get(pk=pk, user=request.user)))


class SplitWarningsApi(APIView):
    """Split-project warnings of a case (review side only; applicants get 404)."""

    @extend_schema(tags=[TAG], responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        from django.http import Http404

        from review.models import ReviewCase

        case = (
            ReviewCase.objects.select_related("project", "project__organization")
            .filter(pk=pk)
            .first()
        )
        if case is None or not permissions.can_see_split_warnings(request.user, case):
            raise Http404
        return Response(split.case_summary(case))
