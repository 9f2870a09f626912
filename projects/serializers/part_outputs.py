"""Outputs of a project's parts: its organization, energy, product and substitution rows,
attachments, and the latest review case with its opinions and the correction asked now.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from review.models import CaseState

from .. import labels
from ..models import Attachment, Organization


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
