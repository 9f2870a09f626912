"""Shapes of the applicant API (/api/v1/projects/…): inputs parse, outputs present.

Input rows use the assessment contract's field names (`energy[].type/quantity/unit` ...). The
facts the engine reads are passed through as given and judged by the engine in the services,
so the API answers with the same messages and field paths as `POST /api/v1/assessments/`
(`energy.1.quantity`). Unknown keys are errors, not silently dropped.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from common.number_input import read_typed_number
from review.models import CaseState

from . import labels, limits, organization_rules, permissions, selectors
from .models import Attachment, ConstructionType, Organization, Project, ProjectStatus
from .validators import validate_uscc

UNKNOWN_FIELD = "未知字段。"


@extend_schema_field(
    {"type": "number", "minimum": -limits.NUMBER_MAX, "maximum": limits.NUMBER_MAX}
)
class FactNumberField(serializers.Field):
    """A number of the facts, passed through for the engine to judge (numbers or numeric
    strings; the engine rejects NaN, infinity and negatives where the contract does). Numbers
    beyond ±limits.NUMBER_MAX are refused here."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict | list):
            raise serializers.ValidationError(limits.not_a_number_message())
        data, misgrouped = read_typed_number(data)  # 「380,000」, full-width digits
        if misgrouped:
            raise serializers.ValidationError(misgrouped)
        if limits.number_out_of_range(data):
            raise serializers.ValidationError(limits.out_of_range())
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class TypedDecimalField(serializers.DecimalField):
    """A decimal that also reads text as people type it (「86,000.00」, full-width digits)."""

    def to_internal_value(self, data: Any) -> Any:
        data, misgrouped = read_typed_number(data)
        if misgrouped:
            raise serializers.ValidationError(misgrouped)
        return super().to_internal_value(data)


class LimitedListSerializer(serializers.ListSerializer):
    """A list whose ``max_length`` is also a validator, so OpenAPI documents it (maxItems)."""

    def get_validators(self) -> list[Any]:
        validators = list(super().get_validators())
        if self.max_length is not None:
            validators.append(MaxLengthValidator(self.max_length))
        return validators


class StrictSerializer(serializers.Serializer):
    """Rejects keys it does not declare, naming them."""

    class Meta:
        list_serializer_class = LimitedListSerializer

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [UNKNOWN_FIELD] for key in unknown})
        return super().to_internal_value(data)


class ProjectEnergyLineInput(StrictSerializer):
    type = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=limits.ENERGY_TYPE_MAX,
        help_text="energy type code",
    )
    quantity = FactNumberField(required=False, allow_null=True)
    unit = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=limits.UNIT_MAX,
        help_text="unit code (`wan_m3`) or its Chinese name",
    )
    low_heat_value_kj = FactNumberField(required=False, allow_null=True)


class ProjectProductLineInput(StrictSerializer):
    product = serializers.CharField(required=False, allow_null=True, max_length=limits.PRODUCT_MAX)
    annual_output = FactNumberField(required=False, allow_null=True)
    unit_energy = FactNumberField(required=False, allow_null=True)


class ProjectSubstitutionSourceInput(StrictSerializer):
    id = serializers.IntegerField(
        required=False, allow_null=True, help_text="keep an existing source (and its evidence)"
    )
    description = serializers.CharField(max_length=limits.SOURCE_DESCRIPTION_MAX)
    saved_tce = FactNumberField(required=False, allow_null=True)


class ProjectInput(StrictSerializer):
    """A draft's fields; on update only the keys sent change, and a list sent replaces the
    whole list."""

    name = serializers.CharField(max_length=limits.NAME_MAX, required=False)
    project_code = serializers.CharField(max_length=24, required=False, allow_blank=True)
    region = serializers.CharField(max_length=6, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=4, required=False, allow_blank=True)
    construction_type = serializers.ChoiceField(
        choices=ConstructionType.choices, required=False, allow_blank=True
    )
    national_major_project = serializers.BooleanField(required=False)
    project_type = serializers.CharField(
        max_length=limits.PROJECT_TYPE_MAX,
        required=False,
        allow_blank=True,
        help_text="a `type` of exempt_project_types (railway, highway …) or blank",
    )
    unchanged_site_process_equipment = serializers.BooleanField(
        required=False,
        help_text=(
            "renovation: site, main process and main equipment unchanged "
            "(《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）第八条)"
        ),
    )
    national_major_document = serializers.CharField(
        max_length=limits.DOCUMENT_MAX,
        required=False,
        allow_blank=True,
        help_text=(
            "the national major project's filing number "
            "(《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（六）)"
        ),
    )
    national_major_relief_share = FactNumberField(
        required=False,
        allow_null=True,
        help_text="0 < share ≤ 1 of the consumption relieved, when a national major project",
    )
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_completion = serializers.DateField(required=False, allow_null=True)
    total_investment_wan = TypedDecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.DESCRIPTION_MAX
    )
    renewable_electricity_kwh = FactNumberField(required=False, allow_null=True)
    feedstock_tce = FactNumberField(required=False, allow_null=True)
    energy = ProjectEnergyLineInput(many=True, required=False, max_length=limits.LIST_MAX["energy"])
    baseline_energy = ProjectEnergyLineInput(
        many=True, required=False, max_length=limits.LIST_MAX["baseline_energy"]
    )
    exported_energy = ProjectEnergyLineInput(
        many=True,
        required=False,
        max_length=limits.LIST_MAX["exported_energy"],
        help_text="energy supplied outside the project (外供), netted out (GB/T 2589-2020)",
    )
    products = ProjectProductLineInput(
        many=True, required=False, max_length=limits.LIST_MAX["products"]
    )
    substitution_sources = ProjectSubstitutionSourceInput(
        many=True, required=False, max_length=limits.LIST_MAX["substitution_sources"]
    )


class ProjectCreateInput(ProjectInput):
    name = serializers.CharField(max_length=limits.NAME_MAX)


COLLECTION_INPUTS: dict[str, type[serializers.Serializer]] = {
    "energy": ProjectEnergyLineInput,
    "baseline_energy": ProjectEnergyLineInput,
    "exported_energy": ProjectEnergyLineInput,
    "products": ProjectProductLineInput,
    "substitution_sources": ProjectSubstitutionSourceInput,
}


class AttachmentInput(StrictSerializer):
    file = serializers.FileField(help_text="a PDF (content checked), at most ATTACHMENT_MAX_BYTES")
    kind = serializers.ChoiceField(
        choices=Attachment.Kind.choices, default=Attachment.Kind.ENERGY_REPORT
    )


class EvidenceInput(StrictSerializer):
    file = serializers.FileField(help_text="the evidence PDF of a substitution source")


class SubmitInput(StrictSerializer):
    pledge = serializers.BooleanField(
        help_text="the applicant's pledge that the facts and files are true (《办法》(2023))"
    )

    def validate_pledge(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("提交前须勾选承诺。")
        return value


class OrganizationInput(serializers.ModelSerializer):
    """The model's validators run: the credit code's GB 32100 check character, uniqueness (with a
    generic message); name and credit code are frozen once the organization holds a decision."""

    class Meta:
        model = Organization
        fields = [
            "name",
            "credit_code",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
        ]
        extra_kwargs = {
            "credit_code": {
                "validators": [
                    validate_uscc,
                    UniqueValidator(
                        queryset=Organization.objects.all(),
                        message=organization_rules.CREDIT_CODE_UNAVAILABLE,
                    ),
                ]
            }
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            frozen = organization_rules.frozen_field_errors(self.instance, attrs)
            if frozen:
                raise serializers.ValidationError(frozen)
        return attrs

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [UNKNOWN_FIELD] for key in unknown})
            if isinstance(data.get("credit_code"), str):
                data = {**data, "credit_code": data["credit_code"].strip().upper()}
        return super().to_internal_value(data)


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------
class OrganizationOutput(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "credit_code",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
        ]


class EnergyLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField(source="energy_type")
    type_label = serializers.SerializerMethodField()
    quantity = serializers.FloatField()
    unit = serializers.CharField()
    unit_label = serializers.SerializerMethodField()
    low_heat_value_kj = serializers.FloatField(allow_null=True)

    def get_type_label(self, line: Any) -> str:
        return labels.energy_type_label(line.energy_type)

    def get_unit_label(self, line: Any) -> str:
        return labels.unit_label(line.unit)


class ProductLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.CharField()
    product_label = serializers.SerializerMethodField()
    annual_output = serializers.FloatField()
    unit_energy = serializers.FloatField()

    def get_product_label(self, line: Any) -> str:
        return labels.product_label(line.product)


class SubstitutionSourceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    saved_tce = serializers.FloatField()
    evidence_url = serializers.SerializerMethodField()

    def get_evidence_url(self, source: Any) -> str | None:
        if not source.evidence:
            return None
        return reverse("api-project-evidence", args=[source.project_id, source.pk])


class AttachmentOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    submitted = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "size",
            "sha256",
            "created_at",
            "download_url",
            "submitted",
        ]

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("api-project-attachment", args=[attachment.project_id, attachment.pk])

    def get_submitted(self, attachment: Attachment) -> bool:
        """Handed in with a submission (and so no longer deletable)."""
        ids = self.context.get("submitted_attachment_ids")
        if ids is not None:
            return attachment.pk in ids
        return attachment.submissions.exists()


class OpinionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    issued_on = serializers.DateField()
    version = serializers.IntegerField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, opinion: Any) -> str:
        return reverse("review:opinion_download", kwargs={"pk": opinion.pk})


class CaseOutput(serializers.Serializer):
    """The latest review case as the applicant sees it."""

    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_label = serializers.CharField(source="get_state_display")
    deadline = serializers.DateField(allow_null=True)
    route = serializers.CharField()
    correction_items = serializers.ListField(child=serializers.CharField())
    deferral_lift = serializers.CharField()
    decision_reason = serializers.CharField()
    conditions = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    opinions = serializers.SerializerMethodField()

    @extend_schema_field(OpinionOutput(many=True))
    def get_opinions(self, case: Any) -> list[dict[str, Any]]:
        return OpinionOutput(case.opinions.all(), many=True).data


class CaseStatusOutput(CaseOutput):
    """The case with what the applicant is asked now (one project's pages, not the lists)."""

    correction = serializers.SerializerMethodField(
        help_text="补正 asked now: the applicant's own answer-by date, the reviewer's note and "
        "the unanswered items (null unless the case waits for a correction); "
        "every round: GET …/corrections/"
    )

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_correction(self, case: Any) -> dict[str, Any] | None:
        from django.utils import timezone
        from django.utils.translation import gettext as _

        from review.correction_selectors import correction_due
        from review.services import date_words

        due = correction_due(case, today=timezone.localdate())
        if due is None:
            return None
        return {
            "round": due.round.number,
            "answer_by": due.answer_by.isoformat(),
            "answer_by_text": _("请于 %(d)s 前提交补正材料") % {"d": date_words(due.answer_by)},
            "overdue": due.overdue,
            "note": due.note,
            "unanswered": [
                {"id": item.pk, "position": item.position, "item": item.item}
                for item in due.unanswered
            ],
        }


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


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as the contract's field paths (`energy.1.quantity`)."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key in ("non_field_errors", "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix else name
            if prefix and name == "non_field_errors":
                path = prefix
            out.update(_merge(out, flatten_errors(value, path)))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        for index, item in enumerate(detail):
            if item:
                path = f"{prefix}.{index}" if prefix else str(index)
                out.update(_merge(out, flatten_errors(item, path)))
        return out
    return {prefix or "non_field_errors": [str(detail)]}


def _merge(into: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: [*into.get(k, []), *v] for k, v in more.items()}
