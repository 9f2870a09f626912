"""The applicant's 补正 answers through the API.

- ``GET /api/v1/projects/{pk}/corrections/``: the date by which to answer, the reviewer's note
  and every round of the project's cases with each item and its answer (whoever may read the
  project; others 404).
- ``PUT /api/v1/projects/{pk}/corrections/items/{item}/`` ``{"answer": "…", "changed":
  "energy"}``: answer one item of the open round. Only the project's organization (a reviewer or
  admin who may read the project: 403; anyone else: 404); a closed round: 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import JSONParser
from review import services as review_services
from review.correction_models import ANSWER_MAX, ChangedPart
from review.correction_selectors import correction_due, rounds_of_project
from review.serializers import CorrectionItemSerializer, CorrectionRoundSerializer
from review.workflow import WorkflowError

from . import permissions, selectors
from .serializers import flatten_errors

TAG = "projects"


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=ANSWER_MAX, help_text="the answer to the item")
    changed = serializers.ChoiceField(
        choices=ChangedPart.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="which part of the application was changed for it (optional)",
    )


class CorrectionsOutput(serializers.Serializer):
    answer_by = serializers.DateField(
        allow_null=True, help_text="the applicant's own deadline (null: nothing asked now)"
    )
    answer_by_text = serializers.CharField(help_text="请于 YYYY年M月D日 前提交补正材料")
    note = serializers.CharField(help_text="the reviewer's note to the applicant")
    unanswered = serializers.ListField(child=serializers.IntegerField())
    rounds = CorrectionRoundSerializer(many=True)


def corrections_payload(project: Any) -> dict[str, Any]:
    due = correction_due(selectors.latest_case(project), today=timezone.localdate())
    return {
        "answer_by": due.answer_by if due else None,
        "answer_by_text": (
            _("请于 %(d)s 前提交补正材料") % {"d": review_services.date_words(due.answer_by)}
            if due
            else ""
        ),
        "note": due.note if due else "",
        "unanswered": [item.pk for item in due.unanswered] if due else [],
        "rounds": rounds_of_project(project),
    }


class ProjectCorrectionsApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="补正: the answer-by date, the reviewer's note and every round with its answers",
        operation_id="projects_corrections",
        responses={200: CorrectionsOutput, 404: None},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = selectors.project_get_for_user(pk=pk, user=request.user)
        return Response(CorrectionsOutput(corrections_payload(project)).data)


class CorrectionAnswerApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary="Answer one 补正 item of the open round",
        operation_id="projects_correction_answer",
        request=AnswerInput,
        responses={
            200: CorrectionItemSerializer,
            400: OpenApiResponse(description="{errors: {answer|changed: [message]}}"),
            403: OpenApiResponse(description="not the project's organization"),
            404: None,
            409: OpenApiResponse(description="the round is closed"),
        },
    )
    def put(self, request: Request, pk: int, item_pk: int) -> Response:
        project = selectors.project_get_for_user(pk=pk, user=request.user)
        item = selectors.correction_item_of(project=project, pk=item_pk)
        if not permissions.is_member(request.user, project):
            raise PermissionDenied("只有项目的建设单位可以答复补正事项。")
        serializer = AnswerInput(data=request.data)
        if not serializer.is_valid():
            return Response(
                {"errors": flatten_errors(serializer.errors)}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            answered = review_services.correction_answer(
                item=item, by=request.user, **serializer.validated_data
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            return Response({"errors": exc.message_dict}, status=status.HTTP_400_BAD_REQUEST)
        except WorkflowError as exc:
            return Response({"errors": {"status": [exc.message]}}, status=status.HTTP_409_CONFLICT)
        return Response(CorrectionItemSerializer(answered).data)
