"""GET /api/v1/cases/{pk}/corrections/: the case's 补正 rounds, each item with the applicant's
answer beside it, the latest round first. Whoever may see the case (else 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .correction_selectors import rounds_of_case
from .serializers import CorrectionRoundSerializer


class CaseCorrectionsApi(APIView):
    @extend_schema(
        tags=["cases"],
        summary="补正 rounds of a case with the applicant's answer to each item",
        responses={200: CorrectionRoundSerializer(many=True), 404: None},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(pk=pk, user=request.user)
        return Response(CorrectionRoundSerializer(rounds_of_case(case), many=True).data)
