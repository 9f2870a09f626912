"""The applicant API for the rows of a draft's lists (/api/v1/projects/<pk>/<collection>/…):
energy, baseline and exported energy, products and substitution sources; append one row or
delete one.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import JSONParser

from . import services
from .api_common import (
    COLLECTIONS,
    CONFLICT_RESPONSE,
    ERROR_RESPONSE,
    LINE_OUTPUTS,
    TAG,
    _bad,
    _conflict,
    _invalid,
    _parse,
    _writable,
)
from .serializers import COLLECTION_INPUTS


def _collection(name: str) -> str:
    if name not in COLLECTIONS:
        raise Http404
    return COLLECTIONS[name]


COLLECTION_PARAMETER = OpenApiParameter(
    "collection",
    str,
    OpenApiParameter.PATH,
    enum=list(COLLECTIONS),
    description=(
        "which list: energy, baseline-energy, exported-energy, products, substitution-sources"
    ),
)


class ProjectLineCreateApi(APIView):
    """Append one row to a list of a draft."""

    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary="Add a line (energy, baseline energy, product, substitution source)",
        operation_id="projects_lines_create",
        parameters=[COLLECTION_PARAMETER],
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiResponse(description="the new line"), 400: ERROR_RESPONSE},
        examples=[
            OpenApiExample(
                "energy", value={"type": "natural_gas", "quantity": 120, "unit": "wan_m3"}
            ),
            OpenApiExample(
                "product",
                value={"product": "cement_clinker", "annual_output": 1500000, "unit_energy": 98},
            ),
        ],
    )
    def post(self, request: Request, pk: int, collection: str) -> Response:
        key = _collection(collection)
        project = _writable(request, pk)
        row, errors = _parse(COLLECTION_INPUTS[key], request.data)
        if errors:
            return _bad(errors)
        try:
            line = services.project_line_add(
                project=project, by=request.user, collection=key, row=dict(row)
            )
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        return Response(LINE_OUTPUTS[key](line).data, status=status.HTTP_201_CREATED)


class ProjectLineDeleteApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Remove a line of a draft",
        operation_id="projects_lines_delete",
        parameters=[COLLECTION_PARAMETER],
        responses={204: None, 400: ERROR_RESPONSE, 409: CONFLICT_RESPONSE},
    )
    def delete(self, request: Request, pk: int, collection: str, line_pk: int) -> Response:
        key = _collection(collection)
        project = _writable(request, pk)
        try:
            services.project_line_delete(
                project=project, by=request.user, collection=key, line_id=line_pk
            )
        except services.ProjectInvalid as exc:
            return _invalid(request, exc)
        except services.ProjectNotEditable as exc:
            return _conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)
