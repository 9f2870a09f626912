"""The drafting workflow over the API: /api/v1/drafts/… and revocation of issued documents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import selectors, services
from documents.models import Draft, DraftState, DraftVersion

TAG = "documents"


def _errors(exc: DjangoValidationError) -> dict[str, dict[str, list[str]]]:
    """The project's error shape: {"errors": {field: [messages]}}."""
    if hasattr(exc, "error_dict"):
        return {
            "errors": {
                ("non_field_errors" if k == "__all__" else k): list(v)
                for k, v in exc.message_dict.items()
            }
        }
    return {"errors": {"non_field_errors": list(exc.messages)}}


class VersionSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None)

    class Meta:
        model = DraftVersion
        fields = ("revision", "action", "sections", "note", "by", "at")


class DraftSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    opinion = serializers.IntegerField(source="opinion_id", allow_null=True)
    preview_url = serializers.SerializerMethodField()

    class Meta:
        model = Draft
        fields = (
            "id",
            "case",
            "kind",
            "state",
            "number",
            "revision",
            "sections",
            "return_note",
            "signed_at",
            "opinion",
            "preview_url",
            "created_at",
            "updated_at",
        )

    def get_preview_url(self, draft: Draft) -> str:
        from django.urls import reverse

        return reverse("documents:draft_preview", kwargs={"pk": draft.pk})


class DraftDetailSerializer(DraftSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(DraftSerializer.Meta):
        fields = (*DraftSerializer.Meta.fields, "versions")

    def get_versions(self, draft: Draft) -> list[dict[str, Any]]:
        return VersionSerializer(selectors.draft_versions(draft=draft), many=True).data


class DraftListApi(APIView):
    """Drafts the caller may edit or sign, newest first (at most 200)."""

    @extend_schema(tags=[TAG], responses={200: DraftSerializer(many=True)})
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state", "")
        if state and state not in DraftState.values:
            return Response(
                {"errors": {"state": ["未知的状态"]}}, status=status.HTTP_400_BAD_REQUEST
            )
        drafts = selectors.draft_list_for_user(user=request.user, state=state)
        return Response(DraftSerializer(drafts[: selectors.LIST_LIMIT], many=True).data)


class DraftDetailApi(APIView):
    """A draft with its versions; PATCH replaces the editable sections given (never figures)."""

    class EditSerializer(serializers.Serializer):
        sections = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField(allow_blank=True))
        )
        revision = serializers.IntegerField(required=False, min_value=1)

    @extend_schema(tags=[TAG], responses={200: DraftDetailSerializer, 404: None})
    def get(self, request: Request, pk: int) -> Response:
        draft = selectors.draft_get_for_user(pk=pk, user=request.user)
        return Response(DraftDetailSerializer(draft).data)

    @extend_schema(
        tags=[TAG],
        request=EditSerializer,
        responses={
            200: DraftDetailSerializer,
            400: OpenApiResponse(description="字段错误"),
            403: None,
            404: None,
            409: None,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        draft = selectors.draft_get_for_user(pk=pk, user=request.user)
        data = self.EditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            draft = services.draft_edit(
                draft=draft,
                by=request.user,
                sections=data.validated_data["sections"],
                expected_revision=data.validated_data.get("revision"),
            )
        except services.DraftConflict as exc:
            return Response(_errors(exc), status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response(DraftDetailSerializer(draft).data)


class _StepApi(APIView):
    def step(self, draft: Draft, request: Request) -> Draft:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        draft = selectors.draft_get_for_user(pk=pk, user=request.user)
        try:
            draft = self.step(draft, request)
        except DjangoValidationError as exc:
            code = status.HTTP_409_CONFLICT if "state" in getattr(exc, "message_dict", {}) else 400
            return Response(_errors(exc), status=code)
        return Response(DraftDetailSerializer(draft).data)


class DraftSubmitApi(_StepApi):
    """拟稿 → 核稿: send the draft to the authority's head."""

    @extend_schema(tags=[TAG], request=None, responses={200: DraftDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, draft: Draft, request: Request) -> Draft:
        return services.draft_submit(draft=draft, by=request.user)


class DraftReturnApi(_StepApi):
    """核稿: the head returns the draft with a note."""

    @extend_schema_serializer(component_name="DraftReturnInput")
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000)

    @extend_schema(tags=[TAG], request=InputSerializer, responses={200: DraftDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, draft: Draft, request: Request) -> Draft:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return services.draft_return(draft=draft, by=request.user, note=data.validated_data["note"])


class DraftSignApi(_StepApi):
    """签发: the head signs off; the number is taken now and the document rendered."""

    @extend_schema(tags=[TAG], request=None, responses={200: DraftDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, draft: Draft, request: Request) -> Draft:
        return services.draft_sign(draft=draft, by=request.user)


class DocumentRevokeApi(APIView):
    """The authority revokes an issued document with a reason."""

    @extend_schema_serializer(component_name="DocumentRevokeInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=1000)

    @extend_schema(tags=[TAG], request=InputSerializer, responses={204: None, 400: None, 403: None})
    def post(self, request: Request, pk: int) -> Response:
        from review.opinion_selectors import opinion_get_for_user

        opinion = opinion_get_for_user(pk=pk, user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.document_revoke(
                opinion=opinion, by=request.user, reason=data.validated_data["reason"]
            )
        except DjangoValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response(status=status.HTTP_204_NO_CONTENT)
