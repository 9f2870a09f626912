"""The review API's decision and the moves after it: approve, reject, defer, the deadline
extension, lifting a deferral, consenting to a change and recording the construction start.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from . import selectors, services
from .api_moves import CaseMoveApi, VersionedInput, _move_schema
from .models import ReviewCase
from .serializers import CaseListSerializer
from .workflow import Action


class DecisionInput(VersionedInput):
    reason = serializers.CharField(help_text="决定理由（必填）")
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="决定与系统建议不一致时必填",
    )
    without_guidance_justification = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="国家窗口指导意见尚未答复时必填：未待指导意见即作出决定的理由（方案（七））",
    )


class CaseApproveApi(CaseMoveApi):
    action = Action.APPROVE

    class InputSerializer(DecisionInput):
        conditions = serializers.ListField(
            child=serializers.CharField(), required=False, default=list
        )

    @_move_schema(InputSerializer, "审查通过（可附条件；生成节能审查意见）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_approve(
            case=case,
            by=user,
            reason=data["reason"],
            conditions=data["conditions"],
            justification=data["justification"],
            without_guidance_justification=data["without_guidance_justification"],
            expected_version=data.get("version"),
        )


class CaseRejectApi(CaseMoveApi):
    action = Action.REJECT

    class InputSerializer(DecisionInput):
        cited_findings = serializers.ListField(
            child=serializers.CharField(), help_text="所依据的评估发现代码，须在评估结果中"
        )

    @_move_schema(InputSerializer, "不予通过（须引用评估发现；生成不予通过通知）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_reject(
            case=case,
            by=user,
            reason=data["reason"],
            cited_findings=data["cited_findings"],
            justification=data["justification"],
            without_guidance_justification=data["without_guidance_justification"],
            expected_version=data.get("version"),
        )


class CaseDeferApi(CaseMoveApi):
    action = Action.DEFER

    class InputSerializer(DecisionInput):
        deferral_lift = serializers.CharField(help_text="解除缓批的条件")

    @_move_schema(InputSerializer, "缓批（写明解除条件；生成缓批通知，暂停计时）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_defer(
            case=case,
            by=user,
            reason=data["reason"],
            deferral_lift=data["deferral_lift"],
            justification=data["justification"],
            without_guidance_justification=data["without_guidance_justification"],
            expected_version=data.get("version"),
        )


class CaseRequestExtensionApi(CaseMoveApi):
    action = Action.REQUEST_EXTENSION

    class InputSerializer(VersionedInput):
        reason = serializers.CharField(max_length=2000)

    @_move_schema(InputSerializer, "申请延长审查期限（须本机关负责人批准后生效）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_request_extension(
            case=case, by=user, reason=data["reason"], expected_version=data.get("version")
        )


class CaseApproveExtensionApi(CaseMoveApi):
    action = Action.APPROVE_EXTENSION

    class InputSerializer(VersionedInput):
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @_move_schema(InputSerializer, "负责人批准延长审查期限10个工作日（告知申请人）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_approve_extension(
            case=case, by=user, note=data["note"], expected_version=data.get("version")
        )


class CaseRefuseExtensionApi(CaseMoveApi):
    action = Action.REFUSE_EXTENSION

    class InputSerializer(VersionedInput):
        note = serializers.CharField(max_length=2000)

    @_move_schema(InputSerializer, "负责人不批准延长（须写明理由）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_refuse_extension(
            case=case, by=user, note=data["note"], expected_version=data.get("version")
        )


class CaseLiftDeferralApi(CaseMoveApi):
    action = Action.LIFT_DEFERRAL

    class InputSerializer(VersionedInput):
        reason = serializers.CharField(max_length=5000)

    @_move_schema(InputSerializer, "解除缓批（重新计算20个工作日审查期限）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_lift_deferral(
            case=case, by=user, reason=data["reason"], expected_version=data.get("version")
        )


class CaseConsentChangeApi(CaseMoveApi):
    action = Action.CONSENT_CHANGE

    class InputSerializer(VersionedInput):
        reason = serializers.CharField(max_length=5000)

    @_move_schema(InputSerializer, "同意变更（不重新审查）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_consent_change(
            case=case, by=user, reason=data["reason"], expected_version=data.get("version")
        )


class CaseConstructionStartApi(CaseMoveApi):
    """The applicant (or the authority) records the start of construction."""

    action = Action.RECORD_CONSTRUCTION_START

    def load(self, request: Request, pk: int) -> ReviewCase:
        return selectors.case_get_for_party(pk=pk, user=request.user)

    def respond(self, request: Request, case: ReviewCase, result: Any) -> Response:
        return Response(CaseListSerializer(result).data)

    class InputSerializer(VersionedInput):
        started_on = serializers.DateField()
        evidence = serializers.FileField(required=False, allow_null=True, default=None)

    @_move_schema(
        InputSerializer, "登记开工日期（审查意见不再因逾期未开工而失效）", CaseListSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_record_construction_start(
            case=case,
            by=user,
            started_on=data["started_on"],
            evidence=data["evidence"],
            expected_version=data.get("version"),
        )
