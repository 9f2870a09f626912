"""Outputs of whole projects: the list row, the detail, the status with every submission,
a frozen submission, the answer to a submit, and the error and live-assessment shapes.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import permissions, selectors
from ..models import Project, ProjectStatus
from .part_outputs import (
    AttachmentOutput,
    CaseOutput,
    CaseStatusOutput,
    EnergyLineOutput,
    OrganizationOutput,
    ProductLineOutput,
    SubstitutionSourceOutput,
)


def _case_of(project: Project) -> Any:
    return permissions.latest_case(project)


class ProjectListOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    counted_tce = serializers.SerializerMethodField()
    route = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "project_code",
            "status",
            "status_label",
            "region",
            "industry",
            "construction_type",
            "counted_tce",
            "route",
            "case",
            "updated_at",
            "url",
        ]

    def get_counted_tce(self, project: Project) -> float | None:
        """Counted tce of the draft's (or last submission's) assessment; null while incomplete."""
        data = project.draft_assessment or {}
        return (data.get("energy") or {}).get("counted_tce")

    def get_route(self, project: Project) -> str | None:
        return (project.draft_assessment or {}).get("route")

    @extend_schema_field(CaseOutput(allow_null=True))
    def get_case(self, project: Project) -> dict[str, Any] | None:
        case = _case_of(project)
        return CaseOutput(case).data if case is not None else None

    def get_url(self, project: Project) -> str:
        return reverse("api-project-detail", args=[project.pk])


class SubmissionBriefOutput(serializers.Serializer):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    policy_version = serializers.CharField()
    counted_tce = serializers.SerializerMethodField()
    route = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_counted_tce(self, submission: Any) -> float:
        return submission.assessment["energy"]["counted_tce"]

    def get_route(self, submission: Any) -> str:
        return submission.assessment["route"]

    def get_recommendation(self, submission: Any) -> str:
        return submission.assessment["recommendation"]

    def get_url(self, submission: Any) -> str:
        return reverse("api-project-submission", args=[submission.project_id, submission.number])


class SubmissionOutput(SubmissionBriefOutput):
    """A frozen submission: the facts and assessment exactly as handed in."""

    facts = serializers.JSONField()
    assessment = serializers.JSONField()
    details = serializers.JSONField()
    attachments = AttachmentOutput(many=True)


class ProjectDetailOutput(ProjectListOutput):
    organization = OrganizationOutput()
    energy = serializers.SerializerMethodField()
    baseline_energy = serializers.SerializerMethodField()
    exported_energy = serializers.SerializerMethodField()
    products = ProductLineOutput(source="product_lines", many=True)
    substitution_sources = SubstitutionSourceOutput(many=True)
    attachments = AttachmentOutput(many=True)
    assessment = serializers.JSONField(
        source="draft_assessment",
        allow_null=True,
        help_text="the contract's assessment of the current facts; null while incomplete",
    )
    editable = serializers.SerializerMethodField()
    correction_items = serializers.ListField(child=serializers.CharField())

    class Meta(ProjectListOutput.Meta):
        fields = [
            *ProjectListOutput.Meta.fields,
            "organization",
            "national_major_project",
            "project_type",
            "unchanged_site_process_equipment",
            "national_major_document",
            "national_major_relief_share",
            "planned_start",
            "planned_completion",
            "total_investment_wan",
            "description",
            "renewable_electricity_kwh",
            "feedstock_tce",
            "energy",
            "baseline_energy",
            "exported_energy",
            "products",
            "substitution_sources",
            "attachments",
            "assessment",
            "editable",
            "correction_items",
            "created_at",
        ]

    @extend_schema_field(EnergyLineOutput(many=True))
    def get_energy(self, project: Project) -> list[dict[str, Any]]:
        return EnergyLineOutput(selectors.energy_lines_of(project, "energy"), many=True).data

    @extend_schema_field(EnergyLineOutput(many=True))
    def get_baseline_energy(self, project: Project) -> list[dict[str, Any]]:
        return EnergyLineOutput(selectors.energy_lines_of(project, "baseline"), many=True).data

    @extend_schema_field(EnergyLineOutput(many=True))
    def get_exported_energy(self, project: Project) -> list[dict[str, Any]]:
        return EnergyLineOutput(selectors.energy_lines_of(project, "exported"), many=True).data

    def get_editable(self, project: Project) -> bool:
        return permissions.project_is_editable(project)

    @extend_schema_field(CaseStatusOutput(allow_null=True))
    def get_case(self, project: Project) -> dict[str, Any] | None:
        case = _case_of(project)
        return CaseStatusOutput(case).data if case is not None else None


class ProjectStatusOutput(serializers.Serializer):
    """Where the project stands: its status, the latest case and every submission."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    editable = serializers.SerializerMethodField()
    correction_items = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    submissions = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()

    def get_editable(self, project: Project) -> bool:
        return permissions.project_is_editable(project)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_correction_items(self, project: Project) -> list[str]:
        case = _case_of(project)
        items = list(case.correction_items or []) if case is not None else []
        return items or list(project.correction_items or [])

    @extend_schema_field(CaseStatusOutput(allow_null=True))
    def get_case(self, project: Project) -> dict[str, Any] | None:
        case = _case_of(project)
        return CaseStatusOutput(case).data if case is not None else None

    @extend_schema_field(SubmissionBriefOutput(many=True))
    def get_submissions(self, project: Project) -> list[dict[str, Any]]:
        return SubmissionBriefOutput(project.submissions.order_by("-number"), many=True).data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_assessment(self, project: Project) -> dict[str, Any] | None:
        """The latest submission's frozen assessment (null before the first submission)."""
        latest = project.submissions.order_by("-number").first()
        return latest.assessment if latest is not None else None


class SubmitOutput(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    number = serializers.IntegerField()
    status = serializers.CharField(source="project.status")
    policy_version = serializers.CharField()
    assessment = serializers.JSONField()
    case = serializers.SerializerMethodField()

    @extend_schema_field(CaseOutput(allow_null=True))
    def get_case(self, submission: Any) -> dict[str, Any] | None:
        case = permissions.latest_case(submission.project)
        return CaseOutput(case).data if case is not None else None


class ErrorOutput(serializers.Serializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class LiveAssessmentOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    assessment = serializers.JSONField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
