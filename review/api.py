"""The review API under /api/v1/cases/…: one APIView per operation, nested input serializers,
the same services, selectors and permissions as the pages.

Errors: 400 ``{"errors": {field: [message]}}`` for bad input; 403 for a move the user may not
make on a case he can see; 404 for a case outside his scope; 409 ``{"code", "message"}`` when the
case changed since the client read it (``conflict``: send the ``version`` you read) or the move is
not allowed from its current state (``transition_not_allowed``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from config.parsers import FormParser, JSONParser, MultiPartParser
from rules.selectors import ROUTE_LABELS
from scale.keyset import keyset_page, paginated_response_data

from . import permissions, selectors, services
from .models import CaseState, EvaluationBody, ReviewCase
from .rows import case_rows
from .serializers import (
    CaseDetailSerializer,
    CaseListSerializer,
    CountsSerializer,
    ErrorSerializer,
    EvaluationSerializer,
    EventSerializer,
)
from .workflow import GUIDANCE_OUTCOMES, Action, WorkflowError

TAG = "cases"


def _authority_only(user: Any) -> None:
    if not roles.is_staff_side(user) or roles.is_applicant(user):
        raise PermissionDenied("审查接口仅供审查机关使用。")


def _errors_from(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): list(messages)
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": list(exc.messages)}


CASE_PAGE_SIZE = 20


class CaseListApi(APIView):
    """The queue: cases in the caller's scope (province; window guidance for the national
    reviewer), filtered and sorted by deadline. Constant number of queries per page."""

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=CaseState.choices, required=False)
        route = serializers.ChoiceField(choices=list(ROUTE_LABELS), required=False)
        two_high = serializers.BooleanField(required=False, allow_null=True, default=None)
        overdue = serializers.BooleanField(required=False, default=False)
        mine = serializers.BooleanField(required=False, default=False)
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)
        sort = serializers.ChoiceField(
            choices=list(selectors.SORTS), required=False, default="deadline"
        )
        cursor = serializers.CharField(
            required=False, max_length=200, help_text="The `next` link's cursor (keyset pages)."
        )

    @extend_schema(
        tags=[TAG],
        parameters=[FilterSerializer],
        responses={200: CaseListSerializer(many=True), 403: OpenApiResponse(description="申请人")},
    )
    def get(self, request: Request) -> Response:
        _authority_only(request.user)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = selectors.QueueFilters(
            state=data.get("state", ""),
            route=data.get("route", ""),
            two_high=data.get("two_high"),
            overdue=data.get("overdue", False),
            mine=data.get("mine", False),
            q=data.get("q", ""),
            sort=data.get("sort", "deadline"),
        )
        today = timezone.localdate()
        qs = selectors.case_queue(user=request.user, filters=filters, today=today)
        page, next_cursor = keyset_page(
            qs, selectors.KEYSETS[filters.sort], data.get("cursor"), CASE_PAGE_SIZE
        )
        # CaseListSerializer's rows by a plain function (review/rows.py: issue 14).
        rows = case_rows(selectors.with_clocks(page, today=today), today=today)
        return Response(paginated_response_data(request, rows, next_cursor))


class CaseCountsApi(APIView):
    """Cases per state and overdue cases in the caller's scope."""

    @extend_schema(tags=[TAG], responses={200: CountsSerializer})
    def get(self, request: Request) -> Response:
        _authority_only(request.user)
        counts = selectors.case_counts(user=request.user, today=timezone.localdate())
        return Response(
            {"by_state": counts.by_state, "overdue": counts.overdue, "total": counts.total}
        )


class CaseDetailApi(APIView):
    """One case: the frozen submission (facts and assessment), clock, decision, documents and
    the moves the caller may make now."""

    @extend_schema(tags=[TAG], responses={200: CaseDetailSerializer, 404: None})
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(pk=pk, user=request.user)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CaseEventsApi(APIView):
    """The case's audit timeline, oldest first; events are never changed or deleted."""

    @extend_schema(tags=[TAG], responses={200: EventSerializer(many=True), 404: None})
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(pk=pk, user=request.user)
        return Response(EventSerializer(selectors.case_events(case=case), many=True).data)


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
