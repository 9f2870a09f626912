"""Output shapes of the review API (/api/v1/cases/…). Inputs live beside their views in
``review.api_moves`` and ``review.api_decisions``."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rules.selectors import RECOMMENDATION_LABELS, ROUTE_LABELS

from . import permissions, selectors, workflow
from .models import CaseEvent, ExpertEvaluation, ExtensionRequest, Opinion, ReviewCase


class AuthoritySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    doc_prefix = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {"username": instance.get_username(), "name": selectors.actor_name(instance)}


class ProjectBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    project_code = serializers.CharField()
    organization = serializers.CharField(source="organization.name")


class ClockSerializer(serializers.Serializer):
    """Deadline and days left on the server's today (Asia/Shanghai), in working days."""

    phase = serializers.CharField(help_text="intake / decision / paused / '' (stopped)")
    deadline = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(
        allow_null=True, help_text="working days left; negative when overdue; frozen when paused"
    )
    overdue = serializers.BooleanField()
    overdue_days = serializers.IntegerField()
    estimated = serializers.BooleanField(
        help_text="the deadline lies beyond the official calendar's data (Mon–Fri assumed)"
    )


class CaseListSerializer(serializers.ModelSerializer):
    project = ProjectBriefSerializer()
    state_label = serializers.CharField(source="get_state_display")
    route_label = serializers.SerializerMethodField()
    recommendation_label = serializers.SerializerMethodField()
    assignee = PersonSerializer(allow_null=True)
    clock = serializers.SerializerMethodField()
    authority = AuthoritySerializer(allow_null=True)
    guidance_waiting_days = serializers.SerializerMethodField()

    class Meta:
        model = ReviewCase
        fields = [
            "id",
            "project",
            "province",
            "authority",
            "deemed_accepted",
            "state",
            "state_label",
            "route",
            "route_label",
            "review_level",
            "two_high",
            "recommendation",
            "recommendation_label",
            "counted_tce",
            "assignee",
            "submitted_at",
            "deadline",
            "deadline_estimated",
            "clock",
            "guidance_opinion",
            "guidance_requested_on",
            "guidance_expected_on",
            "guidance_waiting_days",
            "flagged",
            "flag_reason",
            "version",
        ]

    def get_route_label(self, case: ReviewCase) -> str:
        return str(ROUTE_LABELS.get(case.route, case.route))

    def get_recommendation_label(self, case: ReviewCase) -> str:
        return str(RECOMMENDATION_LABELS.get(case.recommendation, case.recommendation))

    def get_guidance_waiting_days(self, case: ReviewCase) -> int | None:
        return selectors.guidance_waiting_days(case, today=timezone.localdate())

    @extend_schema_field(ClockSerializer)
    def get_clock(self, case: ReviewCase) -> dict[str, Any]:
        view = getattr(case, "clock", None) or selectors.case_clock(
            case, today=timezone.localdate()
        )
        return ClockSerializer(view).data


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    action_label = serializers.SerializerMethodField()
    recommendation_then = serializers.SerializerMethodField()
    # The frozen submission's assessment the event refers to (older events carry a copy).
    assessment = serializers.JSONField(source="assessment_then", read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "reason",
            "data",
            "recommendation_then",
            "assessment",
        ]

    def get_actor(self, event: CaseEvent) -> str:
        return selectors.actor_name(event.actor)

    def get_action_label(self, event: CaseEvent) -> str:
        return workflow.label_for(event.from_state, event.action)

    def get_recommendation_then(self, event: CaseEvent) -> str:
        return (event.assessment_then or {}).get("recommendation", "")


class OpinionSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Opinion
        fields = ["id", "kind", "number", "issued_on", "state", "version", "download_url"]

    def get_download_url(self, opinion: Opinion) -> str | None:
        if opinion.state != Opinion.State.READY:
            return None
        try:
            return reverse("review:opinion_download", kwargs={"pk": opinion.pk})
        except NoReverseMatch:
            return None


class EvaluationSerializer(serializers.ModelSerializer):
    report_url = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = ExpertEvaluation
        fields = [
            "id",
            "state",
            "state_label",
            "evaluator",
            "submission_number",
            "commissioned_on",
            "due_on",
            "expected_working_days",
            "received_on",
            "evaluated_on",
            "conclusion",
            "expert_opinions",
            "report_url",
            "created_at",
        ]

    def get_report_url(self, evaluation: ExpertEvaluation) -> str | None:
        if not evaluation.report:
            return None
        return reverse(
            "review:evaluation_report",
            kwargs={"pk": evaluation.case_id, "evaluation_pk": evaluation.pk},
        )


class ExtensionSerializer(serializers.ModelSerializer):
    requested_by = PersonSerializer()
    decided_by = PersonSerializer(allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "state",
            "reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "new_deadline",
        ]


class SubmissionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    policy_version = serializers.CharField()
    facts = serializers.JSONField()
    assessment = serializers.JSONField()


class CorrectionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    item = serializers.CharField()
    detail = serializers.CharField()
    answer = serializers.CharField()
    changed = serializers.CharField(help_text="the part changed: basics, energy, products, …")
    changed_label = serializers.CharField(source="get_changed_display")
    answered = serializers.BooleanField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = PersonSerializer(allow_null=True)


class CorrectionRoundSerializer(serializers.Serializer):
    """One 补正 round: the reviewer's items with the applicant's answers side by side."""

    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    number = serializers.IntegerField()
    open = serializers.BooleanField(source="is_open")
    submission_number = serializers.IntegerField(help_text="the submission returned")
    resubmission_number = serializers.IntegerField(
        allow_null=True, help_text="the corrected submission (null while open)"
    )
    note = serializers.CharField(help_text="the reviewer's note to the applicant")
    answer_by = serializers.DateField(help_text="the date by which the applicant answers")
    returned_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    items = CorrectionItemSerializer(many=True)


class CaseDetailSerializer(CaseListSerializer):
    submission = SubmissionSerializer()
    conditions = serializers.SerializerMethodField()
    opinions = serializers.SerializerMethodField()
    evaluations = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    change_trigger_labels = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    guidance_pending = serializers.BooleanField(
        read_only=True, help_text="a window-guidance request is out and unanswered"
    )

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "submission",
            "accepted_at",
            "decided_at",
            "limit_working_days",
            "paused_working_days",
            "extended",
            "extension_reason",
            "received_on",
            "correction_items",
            "correction_entries",
            "change_triggers",
            "change_trigger_labels",
            "lapsed_on",
            "guidance_outcome",
            "guidance_notes",
            "decision_reason",
            "decision_justification",
            "without_guidance_justification",
            "guidance_pending",
            "conditions",
            "cited_findings",
            "deferral_lift",
            "started_construction_on",
            "opinions",
            "evaluations",
            "extensions",
            "allowed_actions",
        ]

    def get_conditions(self, case: ReviewCase) -> list[str]:
        return [line for line in case.conditions.splitlines() if line.strip()]

    @extend_schema_field(OpinionSerializer(many=True))
    def get_opinions(self, case: ReviewCase) -> list[dict[str, Any]]:
        return OpinionSerializer(selectors.case_opinions(case=case), many=True).data

    @extend_schema_field(EvaluationSerializer(many=True))
    def get_evaluations(self, case: ReviewCase) -> list[dict[str, Any]]:
        return EvaluationSerializer(selectors.case_evaluations(case=case), many=True).data

    @extend_schema_field(ExtensionSerializer(many=True))
    def get_extensions(self, case: ReviewCase) -> list[dict[str, Any]]:
        return ExtensionSerializer(selectors.case_extensions(case=case), many=True).data

    def get_change_trigger_labels(self, case: ReviewCase) -> list[str]:
        return [workflow.CHANGE_TRIGGER_LABELS.get(c, "") for c in case.change_triggers or []]

    def get_allowed_actions(self, case: ReviewCase) -> list[str]:
        user = self.context["request"].user
        return [str(move.action) for move in permissions.available_moves(user, case)]


class CountsSerializer(serializers.Serializer):
    by_state = serializers.DictField(child=serializers.IntegerField())
    overdue = serializers.IntegerField()
    total = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="conflict / transition_not_allowed / workflow_error")
    message = serializers.CharField()
