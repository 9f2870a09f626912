"""What the applicant API views share: the OpenAPI tag, the list segments and their outputs,
example payloads and error responses for the schema, and the small helpers that read the
caller's language, answer 400/409 and load a project the caller may read or write.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from rules.services import language_of

from . import permissions, selectors, services
from .models import Project
from .serializers import (
    EnergyLineOutput,
    ErrorOutput,
    ProductLineOutput,
    ProjectDetailOutput,
    SubstitutionSourceOutput,
    flatten_errors,
)

TAG = "projects"
# URL segment -> payload key of the contract
COLLECTIONS = {
    "energy": "energy",
    "baseline-energy": "baseline_energy",
    "exported-energy": "exported_energy",
    "products": "products",
    "substitution-sources": "substitution_sources",
}
LINE_OUTPUTS: dict[str, type[serializers.Serializer]] = {
    "energy": EnergyLineOutput,
    "baseline_energy": EnergyLineOutput,
    "exported_energy": EnergyLineOutput,
    "products": ProductLineOutput,
    "substitution_sources": SubstitutionSourceOutput,
}

EXAMPLE_PROJECT = {
    "name": "某水泥熟料生产线技改项目",
    "project_code": "2611-320505-04-01-381276",
    "region": "320505",
    "industry": "3011",
    "construction_type": "new",
    "national_major_project": False,
    "planned_start": "2027-03-01",
    "planned_completion": "2028-12-31",
    "total_investment_wan": "86000.00",
    "energy": [
        {"type": "raw_coal", "quantity": 150000, "unit": "t"},
        {"type": "electricity", "quantity": 9.5e7, "unit": "kWh"},
    ],
    "products": [{"product": "cement_clinker", "annual_output": 1500000, "unit_energy": 100.0}],
    "substitution_sources": [{"description": "关停2条2500t/d熟料线", "saved_tce": 40000}],
}
EXAMPLE_ERRORS = {
    "errors": {
        "energy.1.quantity": ["应为数字。"],
        "region": ["未知的行政区划代码：999999。"],
        "project_code": [
            "项目代码格式应为 NNNN-NNNNNN-NN-NN-NNNNNN（如 2611-320500-04-01-381276）。"
        ],
    }
}
ERROR_RESPONSE = OpenApiResponse(
    ErrorOutput,
    description="Every bad field by path; nothing was stored.",
    examples=[OpenApiExample("bad input", value=EXAMPLE_ERRORS, response_only=True)],
)
CONFLICT_RESPONSE = OpenApiResponse(
    ErrorOutput, description="The project is submitted or exempt: it cannot change now."
)


def _lang(request: Request) -> str:
    return language_of(request.headers.get("Accept-Language") or get_language())


def _bad(errors: dict[str, list[str]]) -> Response:
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def _invalid(request: Request, exc: services.ProjectInvalid) -> Response:
    return _bad(exc.messages(_lang(request)))


def _conflict(exc: services.ProjectNotEditable) -> Response:
    return Response({"errors": {"status": [str(exc)]}}, status=status.HTTP_409_CONFLICT)


def _parse(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """Validated data, or None and the flattened errors."""
    serializer = serializer_class(data=data, **kwargs)
    if serializer.is_valid():
        return serializer.validated_data, None
    return None, flatten_errors(serializer.errors)


def _readable(request: Request, pk: int) -> Project:
    return selectors.project_get_for_user(pk=pk, user=request.user)


def _writable(request: Request, pk: int) -> Project:
    """The project if the caller may read it (else 404) and is its applicant (else 403)."""
    project = _readable(request, pk)
    if not permissions.is_member(request.user, project):
        raise PermissionDenied("只有项目的建设单位可以修改项目。")
    return project


def _detail(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    project = _readable(request, pk)
    return Response(ProjectDetailOutput(project, context={"request": request}).data, status=code)
