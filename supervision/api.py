"""The supervision API under /api/v1/supervision/…: one APIView per operation, nested input
serializers, the same services, selectors and permission module as the pages.

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
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import permissions, selectors, split
from .legal import PENALTY_BASES
from .models import Acceptance, InspectionTarget, Rectification
from .services import acceptance as acceptance_services
from .services import inspections as inspection_services
from .services.inventory import construction_start_record

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


# --------------------------------------------------------------------------------------------
# Owner moves
# --------------------------------------------------------------------------------------------
class ConstructionStartApi(APIView):
    class ConstructionStartInputSerializer(serializers.Serializer):
        started_on = serializers.DateField()

    @extend_schema(tags=[TAG], request=ConstructionStartInputSerializer, responses=dict)
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get(pk=pk, user=request.user)
        data = self.ConstructionStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _call(
            lambda: construction_start_record(
                case=case, by=request.user, started_on=data.validated_data["started_on"]
            ),
            lambda c: {"id": c.pk, "started_construction_on": c.started_construction_on},
        )


class AcceptanceFileApi(APIView):
    """File the acceptance (multipart: the JSON fields as JSON text, ``report`` the PDF)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class AcceptanceFileInputSerializer(serializers.Serializer):
        completed_on = serializers.DateField()
        actual_capacity = serializers.CharField(max_length=200)
        energy_lines = serializers.JSONField(binary=True)
        products = serializers.JSONField(binary=True, required=False, default=list)
        conditions = serializers.JSONField(binary=True, required=False, default=list)
        committee_conclusion = serializers.CharField(max_length=2000)
        report = serializers.FileField()

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            for name in ("energy_lines", "products", "conditions"):
                value = attrs.get(name)
                if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
                    raise serializers.ValidationError({name: ["应为对象数组。"]})
            return attrs

    @extend_schema(
        tags=[TAG], request=AcceptanceFileInputSerializer, responses=AcceptanceSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get(pk=pk, user=request.user)
        data = self.AcceptanceFileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        report = values.pop("report")
        return _call(
            lambda: acceptance_services.acceptance_file(
                case=case, by=request.user, data=values, report=report
            ),
            lambda a: AcceptanceSerializer(a).data,
            status.HTTP_201_CREATED,
        )


class RectificationReportApi(APIView):
    class RectificationReportInputSerializer(serializers.Serializer):
        report = serializers.CharField(max_length=2000)

    @extend_schema(
        tags=[TAG], request=RectificationReportInputSerializer, responses=RectificationSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        rect = _rectification_for(request, pk)
        data = self.RectificationReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _call(
            lambda: acceptance_services.rectification_report(
                rectification=rect, by=request.user, report=data.validated_data["report"]
            ),
            lambda r: RectificationSerializer(r).data,
        )


def _rectification_for(request: Request, pk: int) -> Rectification:
    from django.http import Http404

    rect = Rectification.objects.select_related("case", "case__project").filter(pk=pk).first()
    if rect is None or not permissions.can_view(request.user, rect.case):
        raise Http404
    return rect


# --------------------------------------------------------------------------------------------
# Authority moves
# --------------------------------------------------------------------------------------------
class AcceptanceCheckApi(APIView):
    class AcceptanceCheckInputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=["recorded", "rectification"])
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        items = serializers.ListField(
            child=serializers.CharField(max_length=300), max_length=30, required=False, default=list
        )
        deadline = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(
        tags=[TAG], request=AcceptanceCheckInputSerializer, responses=AcceptanceSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        from django.http import Http404

        case = selectors.case_get(pk=pk, user=request.user)
        acceptance = selectors.acceptance_of(case)
        if acceptance is None:
            raise Http404
        data = self.AcceptanceCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return _call(
            lambda: acceptance_services.acceptance_check(
                acceptance=acceptance,
                by=request.user,
                outcome=v["outcome"],
                note=v["note"],
                items=v["items"],
                deadline=v["deadline"],
            ),
            lambda a: AcceptanceSerializer(a).data,
        )


class RectificationOrderApi(APIView):
    class RectificationOrderInputSerializer(serializers.Serializer):
        items = serializers.ListField(child=serializers.CharField(max_length=300), max_length=30)
        deadline = serializers.DateField()

    @extend_schema(
        tags=[TAG], request=RectificationOrderInputSerializer, responses=RectificationSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get(pk=pk, user=request.user)
        data = self.RectificationOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _call(
            lambda: acceptance_services.rectification_order(
                case=case,
                by=request.user,
                items=data.validated_data["items"],
                deadline=data.validated_data["deadline"],
            ),
            lambda r: RectificationSerializer(r).data,
            status.HTTP_201_CREATED,
        )


class RectificationCloseApi(APIView):
    class RectificationCloseInputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000)

    @extend_schema(
        tags=[TAG], request=RectificationCloseInputSerializer, responses=RectificationSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        rect = _rectification_for(request, pk)
        data = self.RectificationCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _call(
            lambda: acceptance_services.rectification_close(
                rectification=rect, by=request.user, note=data.validated_data["note"]
            ),
            lambda r: RectificationSerializer(r).data,
        )


class PenaltyApi(APIView):
    class PenaltyInputSerializer(serializers.Serializer):
        basis = serializers.CharField(max_length=32)
        measure = serializers.CharField(max_length=200)
        amount_yuan = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
        )
        decided_on = serializers.DateField()
        description = serializers.CharField(max_length=4000)
        target = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(tags=[TAG], request=PenaltyInputSerializer, responses=dict)
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get(pk=pk, user=request.user)
        data = self.PenaltyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        target_id = v.pop("target")
        target = InspectionTarget.objects.filter(pk=target_id).first() if target_id else None
        return _call(
            lambda: inspection_services.penalty_record(
                case=case, by=request.user, target=target, **v
            ),
            lambda p: {
                "id": p.pk,
                "basis": p.basis,
                "citation": p.basis_label,
                "verified": PENALTY_BASES[p.basis].verified,
                "measure": p.measure,
            },
            status.HTTP_201_CREATED,
        )
