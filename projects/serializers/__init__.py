"""Shapes of the applicant API (/api/v1/projects/…): inputs parse, outputs present.

Input rows use the assessment contract's field names (`energy[].type/quantity/unit` ...). The
facts the engine reads are passed through as given and judged by the engine in the services,
so the API answers with the same messages and field paths as `POST /api/v1/assessments/`
(`energy.1.quantity`). Unknown keys are errors, not silently dropped.

This package is the public face (`from projects.serializers import X`); the code lives in
`base` (fields, the strict serializer, `flatten_errors`), `inputs` (what clients send),
`part_outputs` (organization, rows, attachments, the review case) and `project_outputs`
(list, detail, status, submissions, errors).
"""

from __future__ import annotations

from .base import (
    UNKNOWN_FIELD,
    FactNumberField,
    LimitedListSerializer,
    StrictSerializer,
    TypedDecimalField,
    flatten_errors,
)
from .inputs import (
    COLLECTION_INPUTS,
    AttachmentInput,
    EvidenceInput,
    OrganizationInput,
    ProjectCreateInput,
    ProjectEnergyLineInput,
    ProjectInput,
    ProjectProductLineInput,
    ProjectSubstitutionSourceInput,
    SubmitInput,
)
from .part_outputs import (
    AttachmentOutput,
    CaseOutput,
    CaseStatusOutput,
    EnergyLineOutput,
    OpinionOutput,
    OrganizationOutput,
    ProductLineOutput,
    SubstitutionSourceOutput,
)
from .project_outputs import (
    ErrorOutput,
    LiveAssessmentOutput,
    ProjectDetailOutput,
    ProjectListOutput,
    ProjectStatusOutput,
    SubmissionBriefOutput,
    SubmissionOutput,
    SubmitOutput,
)

__all__ = [
    "COLLECTION_INPUTS",
    "UNKNOWN_FIELD",
    "AttachmentInput",
    "AttachmentOutput",
    "CaseOutput",
    "CaseStatusOutput",
    "EnergyLineOutput",
    "ErrorOutput",
    "EvidenceInput",
    "FactNumberField",
    "LimitedListSerializer",
    "LiveAssessmentOutput",
    "OpinionOutput",
    "OrganizationInput",
    "OrganizationOutput",
    "ProductLineOutput",
    "ProjectCreateInput",
    "ProjectDetailOutput",
    "ProjectEnergyLineInput",
    "ProjectInput",
    "ProjectListOutput",
    "ProjectProductLineInput",
    "ProjectStatusOutput",
    "ProjectSubstitutionSourceInput",
    "StrictSerializer",
    "SubmissionBriefOutput",
    "SubmissionOutput",
    "SubmitInput",
    "SubmitOutput",
    "SubstitutionSourceOutput",
    "TypedDecimalField",
    "flatten_errors",
]
