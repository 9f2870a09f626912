"""Steps of the review procedure other test packages need (issue 10): the commissioned
evaluation every decision requires, and an authority for a province the demo does not seed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from authorities.models import Authority


def pdf_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evaluation report", "application/pdf")


def evaluated(
    case: Any,
    *,
    by: Any,
    commissioned: date | None = None,
    received: date | None = None,
    due: date | None = None,
) -> Any:
    """Commission the evaluation of an under-review case and record its report: the step every
    decision needs first (2023《办法》第十三条). Returns the refreshed case."""
    from review import services
    from review.models import EvaluationBody

    body = EvaluationBody.objects.get_or_create(name="江苏省节能技术评审中心")[0]
    commissioned = commissioned or received or timezone.localdate()
    services.case_commission_evaluation(
        case=case,
        by=by,
        body=body,
        due_on=due or commissioned + timedelta(days=30),
        today=commissioned,
    )
    services.case_record_evaluation(
        case=case,
        by=by,
        received_on=received or commissioned,
        conclusion="节能报告基本符合要求",
        expert_opinions="专家组同意通过评审",
        report=pdf_upload(),
        today=received or commissioned,
    )
    case.refresh_from_db()
    return case


def provincial_authority(province: str, name: str, doc_prefix: str, *reviewers: Any) -> Authority:
    """The provincial authority of ``province`` (created when missing), with ``reviewers``."""
    authority = Authority.objects.get_or_create(
        code=province,
        defaults={
            "name": name,
            "level": "provincial",
            "province": province,
            "doc_prefix": doc_prefix,
        },
    )[0]
    authority.reviewers.add(*reviewers)
    return authority


def corrections_answered(case: Any, *, by: Any, answer: str = "已按要求补正。") -> int:
    """Answer every item of the case's open 补正 round as ``by`` (an applicant of the case's
    organization): what the applicant must do before resubmitting. Returns how many items."""
    from review import services
    from review.models import ReviewCase

    case = ReviewCase.objects.get(pk=case.pk)
    round_ = services.open_round(case)
    if round_ is None:
        return 0
    items = list(round_.items.all())
    for item in items:
        services.correction_answer(item=item, by=by, answer=answer, changed="energy")
    return len(items)
