"""The review API's moves on a case (POST /api/v1/cases/<pk>/<move>/): their base
``CaseMoveApi`` (scope 404, party 403, input 400, stale version or state 409) and the moves
before the decision: accept, return, not accept, assign, claim, reassign, evaluations and
window guidance.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import FormParser, JSONParser, MultiPartParser

from . import permissions, selectors, services
from .api import TAG, _errors_from
from .models import EvaluationBody, ReviewCase
from .serializers import CaseDetailSerializer, ErrorSerializer, EvaluationSerializer
from .workflow import GUIDANCE_OUTCOMES, Action, WorkflowError


# --------------------------------------------------------------------------------------------
# Moves
# --------------------------------------------------------------------------------------------
class VersionedInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="the case version you read; if it changed meanwhile the answer is 409",
    )


class CaseMoveApi(APIView):
    """Base of the move endpoints: load in scope (404), check the party (403), validate (400),
    perform through the service; stale version or state → 409. Returns the case."""

    action: ClassVar[Action]
    InputSerializer: ClassVar[type[serializers.Serializer]] = VersionedInput
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def load(self, request: Request, pk: int) -> ReviewCase:
        return selectors.case_get_for_user(pk=pk, user=request.user)

    def post(self, request: Request, pk: int) -> Response:
        case = self.load(request, pk)
        try:
            permissions.require_action(request.user, case, self.action)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        serializer = self.InputSerializer(data=request.data, context={"case": case})
        serializer.is_valid(raise_exception=True)
        try:
            result = self.perform(case, request.user, serializer.validated_data)
        except DjangoValidationError as exc:
            return Response({"errors": _errors_from(exc)}, status=status.HTTP_400_BAD_REQUEST)
        except WorkflowError as exc:
            return Response(
                {"code": exc.code, "message": exc.message, "detail": exc.message},
                status=status.HTTP_409_CONFLICT,
            )
        return self.respond(request, case, result)

    def respond(self, request: Request, case: ReviewCase, result: Any) -> Response:
        fresh = selectors.case_get_for_user(pk=case.pk, user=request.user)
        return Response(CaseDetailSerializer(fresh, context={"request": request}).data)


def _move_schema(input_serializer: Any, summary: str, response: Any = CaseDetailSerializer) -> Any:
    # Nested serializers share the class name InputSerializer: name each component after its view.
    if "." in input_serializer.__qualname__:
        owner = input_serializer.__qualname__.split(".")[0].removesuffix("Api")
        extend_schema_serializer(component_name=f"{owner}Input")(input_serializer)
    return extend_schema(
        tags=[TAG],
        summary=summary,
        request=input_serializer,
        responses={
            200: response,
            400: OpenApiResponse(description="输入有误：{errors: {字段: [信息]}}"),
            403: OpenApiResponse(description="无权执行此操作"),
            404: OpenApiResponse(description="案件不存在或不在管辖范围内"),
            409: OpenApiResponse(
                ErrorSerializer, description="案件已被他人修改（conflict）或当前状态不允许"
            ),
        },
    )


def _user_field() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True)
    )


class CaseAcceptApi(CaseMoveApi):
    action = Action.ACCEPT

    class InputSerializer(VersionedInput):
        note = serializers.CharField(required=False, allow_blank=True, default="")
        assign_to = serializers.SlugRelatedField(
            slug_field="username",
            queryset=get_user_model().objects.filter(is_active=True),
            required=False,
            allow_null=True,
            default=None,
        )

    @_move_schema(InputSerializer, "受理（开始20个工作日审查时限）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_accept(
            case=case,
            by=user,
            note=data["note"],
            assign_to=data["assign_to"],
            expected_version=data.get("version"),
        )


class CaseReturnApi(CaseMoveApi):
    action = Action.RETURN_FOR_CORRECTION

    class InputSerializer(VersionedInput):
        items = serializers.ListField(
            child=serializers.JSONField(),
            allow_empty=False,
            max_length=50,
            help_text='每项为 {"item": 所缺材料或内容, "detail": 具体要求}，或一行文字',
        )
        reason = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=2000
        )
        answer_by = serializers.DateField(
            required=False,
            allow_null=True,
            default=None,
            help_text="申请人提交补正材料的期限（默认退回之日起 CORRECTION_ANSWER_DAYS 天）",
        )

    @_move_schema(InputSerializer, "退回补正（一次性列明全部补正事项，暂停计时）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_return_for_correction(
            case=case,
            by=user,
            items=data["items"],
            reason=data["reason"],
            answer_by=data.get("answer_by"),
            expected_version=data.get("version"),
        )


class CaseNotAcceptApi(CaseMoveApi):
    action = Action.NOT_ACCEPT

    class InputSerializer(VersionedInput):
        reason = serializers.CharField()

    @_move_schema(InputSerializer, "不予受理（须写明理由）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_not_accept(
            case=case, by=user, reason=data["reason"], expected_version=data.get("version")
        )


class CaseAssignApi(CaseMoveApi):
    action = Action.ASSIGN

    class InputSerializer(VersionedInput):
        assignee = _user_field()

    @_move_schema(InputSerializer, "分派承办人（已受理的案件进入审查）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_assign(
            case=case, by=user, assignee=data["assignee"], expected_version=data.get("version")
        )


class CaseClaimApi(CaseMoveApi):
    action = Action.CLAIM

    @_move_schema(VersionedInput, "认领")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_claim(case=case, by=user, expected_version=data.get("version"))


class CaseReassignApi(CaseMoveApi):
    action = Action.REASSIGN

    class InputSerializer(VersionedInput):
        assignee = _user_field()
        reason = serializers.CharField()

    @_move_schema(InputSerializer, "改派（须写明理由）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_reassign(
            case=case,
            by=user,
            assignee=data["assignee"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )


class CaseCommissionEvaluationApi(CaseMoveApi):
    action = Action.COMMISSION_EVALUATION

    class InputSerializer(VersionedInput):
        body = serializers.PrimaryKeyRelatedField(
            queryset=EvaluationBody.objects.filter(is_active=True)
        )
        due_on = serializers.DateField()
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    @_move_schema(
        InputSerializer, "委托评审（暂停计时，书面告知申请人预计时长）", EvaluationSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_commission_evaluation(
            case=case,
            by=user,
            body=data["body"],
            due_on=data["due_on"],
            note=data["note"],
            expected_version=data.get("version"),
        )

    def respond(self, request: Request, case: ReviewCase, result: Any) -> Response:
        return Response(EvaluationSerializer(result).data, status=status.HTTP_201_CREATED)


class CaseEvaluationApi(CaseMoveApi):
    action = Action.RECORD_EVALUATION

    class InputSerializer(VersionedInput):
        received_on = serializers.DateField(required=False, allow_null=True, default=None)
        conclusion = serializers.CharField(max_length=5000)
        expert_opinions = serializers.CharField(max_length=5000)
        report = serializers.FileField()

    @_move_schema(InputSerializer, "登记评审报告（multipart，PDF；恢复计时）", EvaluationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_record_evaluation(
            case=case,
            by=user,
            received_on=data["received_on"],
            conclusion=data["conclusion"],
            expert_opinions=data["expert_opinions"],
            report=data["report"],
            expected_version=data.get("version"),
        )

    def respond(self, request: Request, case: ReviewCase, result: Any) -> Response:
        return Response(EvaluationSerializer(result).data, status=status.HTTP_201_CREATED)


class CaseRequestGuidanceApi(CaseMoveApi):
    action = Action.REQUEST_GUIDANCE

    class InputSerializer(VersionedInput):
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=5000,
            help_text="省级初步意见",
        )

    @_move_schema(InputSerializer, "报请国家窗口指导（方案（七）；审查期限照常计算）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_request_guidance(
            case=case, by=user, reason=data["reason"], expected_version=data.get("version")
        )


class CaseAnswerGuidanceApi(CaseMoveApi):
    action = Action.ANSWER_GUIDANCE

    class InputSerializer(VersionedInput):
        outcome = serializers.ChoiceField(choices=list(GUIDANCE_OUTCOMES))
        notes = serializers.CharField()

    @_move_schema(InputSerializer, "出具国家窗口指导意见（国家审查人员）")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, case: ReviewCase, user: Any, data: dict[str, Any]) -> Any:
        return services.case_answer_guidance(
            case=case,
            by=user,
            outcome=data["outcome"],
            notes=data["notes"],
            expected_version=data.get("version"),
        )
