"""What an applicant may change about their organization, and how a refusal is worded.

* Once the organization holds a decision (an approved project, a change application, or any
  issued document), its name and credit code are the ones on that decision: they change only
  through a change application, not by editing the organization (contacts stay editable).
* The credit-code uniqueness message is generic: it must not tell one tenant that another
  organization has registered a code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Organization

FROZEN_AFTER_DECISION = ("name", "credit_code")
CREDIT_CODE_UNAVAILABLE = _("该统一社会信用代码无法使用，请核对后重试或联系管理员。")
FROZEN_MESSAGE = _("本单位已有审查决定，单位名称和统一社会信用代码须通过项目变更申请办理。")


def organization_has_decision(organization: Organization) -> bool:
    from review.models import CaseState, Opinion, ReviewCase

    if organization.pk is None:
        return False
    decided = (CaseState.APPROVED, CaseState.CHANGE_REQUESTED)
    return (
        ReviewCase.objects.filter(project__organization=organization, state__in=decided).exists()
        or Opinion.objects.filter(case__project__organization=organization).exists()
    )


def frozen_field_errors(
    organization: Organization, data: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """Errors for the fields of `data` that would change a frozen name or credit code."""
    changed = [
        field
        for field in FROZEN_AFTER_DECISION
        if field in data and str(data[field] or "").strip() != getattr(organization, field)
    ]
    if not changed or not organization_has_decision(organization):
        return {}
    return {field: [FROZEN_MESSAGE] for field in changed}
