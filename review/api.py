"""The review API under /api/v1/cases/…: one APIView per operation, nested input serializers,
the same services, selectors and permissions as the pages.

Errors: 400 ``{"errors": {field: [message]}}`` for bad input; 403 for a move the user may not
make on a case he can see; 404 for a case outside his scope; 409 ``{"code", "message"}`` when the
case changed since the client read it (``conflict``: send the ``version`` you read) or the move is
not allowed from its current state (``transition_not_allowed``).

This module: the shared helpers and the reads (list, counts, detail, events). The moves are in
``api_moves`` (intake, assignment, evaluation, guidance) and ``api_decisions`` (decision,
deferral, extension, after approval).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from rules.selectors import ROUTE_LABELS
from scale.keyset import keyset_page, paginated_response_data

from . import selectors
from .models import CaseState
from .rows import case_rows, list_values
from .serializers import CaseDetailSerializer, CaseListSerializer, CountsSerializer, EventSerializer

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
        data: dict[str, Any] = {}  # no parameter: the defaults below, no serializer to build
        if request.query_params:
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
            list_values(qs), selectors.KEYSETS[filters.sort], data.get("cursor"), CASE_PAGE_SIZE
        )
        # CaseListSerializer's rows from plain values (review/rows.py: issue 14).
        rows = case_rows(page, today=today)
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
