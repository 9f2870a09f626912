"""The supervision API, continued: the moves (POST), the owner's (construction start,
acceptance filing, rectification report) and the authority's (acceptance check, rectification
order and closure, penalty). Same conventions as ``supervision.api``, whose helpers and output
serializers they use.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import permissions, selectors
from .api import TAG, AcceptanceSerializer, RectificationSerializer, _call
from .legal import PENALTY_BASES
from .models import InspectionTarget, Rectification
from .services import acceptance as acceptance_services
from .services import inspections as inspection_services
from .services.inventory import construction_start_record


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
