"""Inputs of the applicant API: a draft's fields and rows (contract field names, facts passed
through for the engine), attachments, evidence, the submission pledge and the organization.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from .. import limits, organization_rules
from ..models import Attachment, ConstructionType, Organization
from ..validators import validate_uscc
from .base import UNKNOWN_FIELD, FactNumberField, StrictSerializer, TypedDecimalField


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
