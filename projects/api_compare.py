"""GET /api/v1/projects/{pk}/submissions/compare/?old=1&new=2: two submissions side by side.

Readable by whoever may read the project (its applicants, the reviewers in scope, admins);
others 404. Without `old`/`new`: the latest submission and the one before.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .compare import submission_pair, submissions_compare


class SubmissionCompareApi(APIView):
    @extend_schema(
        tags=["projects"],
        summary="Compare two submissions of a project (field by field, finding by finding)",
        operation_id="projects_submissions_compare",
        parameters=[
            OpenApiParameter("old", int, description="the earlier submission's number"),
            OpenApiParameter("new", int, description="the later submission's number"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = selectors.project_get_for_user(pk=pk, user=request.user)
        pair = submission_pair(
            project=project,
            old_number=request.query_params.get("old"),
            new_number=request.query_params.get("new"),
        )
        if pair is None:
            raise Http404
        return Response(submissions_compare(old=pair[0], new=pair[1]).as_dict())
