"""The assessment API: project facts in, the contract's assessment out. Nothing is stored."""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rules import engine
from rules.serializers import (
    EXAMPLE_ERRORS,
    EXAMPLE_INPUT,
    EXAMPLE_OUTPUT,
    AssessmentInputSerializer,
    AssessmentSerializer,
    ErrorsSerializer,
)
from rules.services import assessment_as_dict, assessment_unreadable, language_of
from rules.typed_numbers import typed_numbers_read


class AssessmentCreateApi(APIView):
    """Assess project facts against the policy in force, the regional status and the two-high
    inventory (预审自查). Same JSON as `manage.py assess`."""

    @extend_schema(
        operation_id="assessments_create",
        summary="评估项目（节能审查预审）",
        description=(
            "Assess one project's facts per the assessment contract: the policy version in "
            "force on `submitted_on`, the stored regional status of the province and the "
            "two-high inventory apply. Nothing is stored. Messages are Chinese unless the "
            "request sends `Accept-Language: en`. Invalid input: 400 with every bad field "
            "named by its path (e.g. `energy.1.quantity`)."
        ),
        tags=["assessments"],
        parameters=[
            OpenApiParameter(
                "Accept-Language",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="`en` for English messages; Chinese otherwise.",
            )
        ],
        request=AssessmentInputSerializer,
        responses={200: AssessmentSerializer, 400: ErrorsSerializer},
        examples=[
            OpenApiExample("合同示例（水泥熟料）", value=EXAMPLE_INPUT, request_only=True),
            OpenApiExample(
                "合同示例的评估结果（未存省份32的地区状态）",
                value=EXAMPLE_OUTPUT,
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "输入有误", value=EXAMPLE_ERRORS, response_only=True, status_codes=["400"]
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        lang = language_of(request.headers.get("Accept-Language"))
        try:
            payload = request.data
        except ParseError as exc:
            return Response(assessment_unreadable(detail=str(exc.detail), lang=lang), status=400)
        # Number strings as people type them (「1,000.5」, full-width digits); JSON numbers as is.
        with translation.override("en" if lang == "en" else "zh-hans"):
            payload, typed_errors = typed_numbers_read(payload)
        try:
            result = assessment_as_dict(payload, lang=lang)
        except engine.InvalidFacts as exc:
            body = exc.as_dict(lang)
            return Response({"errors": {**body["errors"], **typed_errors}}, status=400)
        if typed_errors:
            return Response({"errors": typed_errors}, status=400)
        return Response(result)
