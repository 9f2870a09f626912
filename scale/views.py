"""The benchmark's ceiling: the cheapest DRF endpoint that reads the database (one query).

Served only by ``config.settings.bench`` (``scale.bench_urls``): every endpoint's throughput is
reported as a ratio to this one on the same server, database and machine.
"""

from __future__ import annotations

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from review.models import ReviewCase


class CeilingApi(APIView):
    """Twenty case ids and states by primary key: one indexed query, no authentication."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        rows = list(ReviewCase.objects.order_by("id").values("id", "state")[:20])
        return Response({"results": rows})
