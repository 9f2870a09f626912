"""The supervision API, continued: inspections (双随机抽查) and the monitoring platform's push.
Same conventions as ``supervision.api``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rules.imports import ImportRejected

from . import permissions, selectors
from .api import TAG, _authority_only, _call
from .models import InspectionTarget
from .services import inspections as inspection_services
from .services import monitoring as monitoring_services

MAX_PUSH = 10_000
PUSH_RESULT_FIELDS = ("rows", "created", "updated", "unchanged", "flagged")


# --------------------------------------------------------------------------------------------
# Inspections
# --------------------------------------------------------------------------------------------
def _inspection_out(inspection: Any) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "title": inspection.title,
        "seed": inspection.seed,
        "population": inspection.population,
        "sample_size": inspection.sample_size,
        "sample": inspection.sample,
        "drawn_at": inspection.drawn_at,
        "reproduces": inspection_services.inspection_verify(inspection),
    }


class InspectionListApi(APIView):
    class InspectionListInputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        sample_size = serializers.IntegerField(min_value=1, max_value=500)
        seed = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)

    @extend_schema(tags=[TAG], responses=dict, operation_id="v1_supervision_inspections_list")
    def get(self, request: Request) -> Response:
        _authority_only(request.user)
        rows = selectors.inspections_for(user=request.user)[: selectors.LIST_LIMIT]
        return Response([_inspection_out(i) for i in rows])

    @extend_schema(tags=[TAG], request=InspectionListInputSerializer, responses=dict)
    def post(self, request: Request) -> Response:
        _authority_only(request.user)
        data = self.InspectionListInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _call(
            lambda: inspection_services.inspection_draw(by=request.user, **data.validated_data),
            _inspection_out,
            status.HTTP_201_CREATED,
        )


class InspectionDetailApi(APIView):
    @extend_schema(tags=[TAG], responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        _authority_only(request.user)
        return Response(_inspection_out(selectors.inspection_get(pk=pk, user=request.user)))


class InspectionTargetApi(APIView):
    class InspectionTargetInputSerializer(serializers.Serializer):
        inspectors = serializers.ListField(
            child=serializers.CharField(max_length=150), max_length=20
        )
        inspected_on = serializers.DateField()
        compliant = serializers.BooleanField()
        findings = serializers.CharField(max_length=4000)

    @extend_schema(tags=[TAG], request=InspectionTargetInputSerializer, responses=dict)
    def post(self, request: Request, pk: int, target_pk: int) -> Response:
        from django.http import Http404

        _authority_only(request.user)
        inspection = selectors.inspection_get(pk=pk, user=request.user)
        target = (
            InspectionTarget.objects.select_related("case")
            .filter(pk=target_pk, inspection=inspection)
            .first()
        )
        if target is None:
            raise Http404
        data = self.InspectionTargetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _call(
            lambda: inspection_services.inspection_target_record(
                target=target, by=request.user, **data.validated_data
            ),
            lambda t: {"id": t.pk, "state": t.state, "compliant": t.compliant},
        )


# --------------------------------------------------------------------------------------------
# Monitoring platform
# --------------------------------------------------------------------------------------------
class MonitoringPushApi(APIView):
    """Push monthly energy use (all or nothing; idempotent on project code + month)."""

    class MonitoringPushRecordSerializer(serializers.Serializer):
        project_code = serializers.CharField(max_length=40)
        month = serializers.CharField(max_length=10, help_text="YYYY-MM")
        tce = serializers.FloatField()

    class MonitoringPushInputSerializer(serializers.Serializer):
        records = serializers.ListField(child=serializers.DictField(), max_length=MAX_PUSH)

    @extend_schema(
        tags=[TAG],
        request=inline_serializer(
            "MonitoringPush",
            {"records": MonitoringPushRecordSerializer(many=True)},
        ),
        responses=inline_serializer(
            "MonitoringPushResult",
            {
                k: serializers.IntegerField()
                for k in ("rows", "created", "updated", "unchanged", "flagged")
            },
        ),
    )
    def post(self, request: Request) -> Response:
        if not permissions.can_import_monitoring(request.user):
            raise PermissionDenied("无权推送能耗监测数据。")
        data = self.MonitoringPushInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = monitoring_services.monitoring_push(
                data.validated_data["records"], by=request.user
            )
        except ImportRejected as exc:
            return Response(
                {"errors": {"records": monitoring_services.record_error_lines(exc)}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "flagged": result.flagged,
            }
        )
