"""Commissioned evaluation (委托评审): 2023《办法》第十三条, 《行政许可法》第四十五条.

After acceptance the reviewer commissions a technically capable body with a due date; the
applicant is told in writing (in-app and email) that the evaluation time does not count and how
long it is expected to take. The clock pauses from commissioning to the recorded receipt of the
report (PDF, conclusion, experts' opinions). No decision before a report on the current
submission is on file (``decisions``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from .. import clock
from ..models import EvaluationBody, ExpertEvaluation, ReviewCase
from ..workflow import Action
from .core import (
    begin,
    deadline_words,
    finish,
    raise_if,
    required,
    tell_applicant,
    today_or,
    too_long,
)

MAX_TEXT = 5000


def evaluation_on_file(case: ReviewCase) -> bool:
    """A received evaluation report on the case's current submission."""
    return ExpertEvaluation.objects.filter(
        case=case,
        state=ExpertEvaluation.State.RECEIVED,
        submission_number=case.submission.number,
    ).exists()


@transaction.atomic
def case_commission_evaluation(
    *,
    case: ReviewCase,
    by: Any,
    body: EvaluationBody | None,
    due_on: date | None,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ExpertEvaluation:
    """委托评审: the clock pauses from today; the applicant is told in writing how long the
    evaluation is expected to take and that its time is not counted."""
    today = today_or(today)
    locked, move = begin(
        case=case, by=by, action=Action.COMMISSION_EVALUATION, expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    if body is None or not body.is_active:
        errors["body"] = [_("请选择评审机构。")]
    if due_on is None:
        errors["due_on"] = [_("请填写约定的评审完成日期。")]
    elif due_on <= today:
        errors["due_on"] = [_("约定完成日期须晚于今天。")]
    too_long(errors, "note", note, MAX_TEXT)
    raise_if(errors)
    assert body is not None
    assert due_on is not None
    expected = clock.working_days_between(today, due_on)
    evaluation = ExpertEvaluation.objects.create(
        case=locked,
        body=body,
        evaluator=body.name,
        submission_number=locked.submission.number,
        state=ExpertEvaluation.State.COMMISSIONED,
        commissioned_on=today,
        due_on=due_on,
        expected_working_days=expected,
        commissioned_by=by,
    )
    finish(
        case=locked,
        move=move,
        by=by,
        today=today,
        reason=note.strip(),
        data={
            "evaluation": evaluation.pk,
            "evaluator": body.name,
            "due_on": due_on.isoformat(),
            "expected_working_days": expected,
        },
    )
    tell_applicant(
        locked,
        subject=_("委托评审告知书"),
        message=_(
            "%(name)s：审查机关已于%(today)s委托%(body)s对节能报告进行评审，预计%(due)s前完成"
            "（约%(n)s个工作日）。依据《行政许可法》第四十五条，评审所需时间不计算在审查期限内，"
            "审查期限自收到评审报告之日起顺延。"
        )
        % {
            "name": locked.project.name,
            "today": today,
            "body": body.name,
            "due": due_on,
            "n": expected,
        },
    )
    return evaluation


def _looks_like_pdf(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    return head == b"%PDF-"


@transaction.atomic
def case_record_evaluation(
    *,
    case: ReviewCase,
    by: Any,
    received_on: date | None,
    conclusion: str,
    expert_opinions: str,
    report: UploadedFile | None,
    evaluated_on: date | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> ExpertEvaluation:
    """Record the receipt of the evaluation report (PDF, conclusion, experts' opinions); the
    clock resumes and the paused working days are added to the deadline."""
    today = today_or(today)
    locked, move = begin(
        case=case, by=by, action=Action.RECORD_EVALUATION, expected_version=expected_version
    )
    evaluation = (
        ExpertEvaluation.objects.select_for_update()
        .filter(case=locked, state=ExpertEvaluation.State.COMMISSIONED)
        .first()
    )
    errors: dict[str, list[str]] = {}
    required(errors, "conclusion", conclusion, _("请填写评审结论。"))
    required(errors, "expert_opinions", expert_opinions, _("请填写专家意见。"))
    too_long(errors, "conclusion", conclusion, MAX_TEXT)
    too_long(errors, "expert_opinions", expert_opinions, MAX_TEXT)
    received_on = received_on or today
    if received_on > today:
        errors["received_on"] = [_("收到日期不能晚于今天。")]
    elif (
        evaluation is not None
        and evaluation.commissioned_on
        and received_on < evaluation.commissioned_on
    ):
        errors["received_on"] = [_("收到日期不能早于委托日期。")]
    if evaluated_on is not None and evaluated_on > received_on:
        errors["evaluated_on"] = [_("评审日期不能晚于收到报告日期。")]
    if report is None:
        errors["report"] = [_("请上传评审报告（PDF）。")]
    elif report.size > settings.ATTACHMENT_MAX_BYTES:
        errors["report"] = [_("评审报告文件过大。")]
    elif not _looks_like_pdf(report):
        errors["report"] = [_("评审报告须为PDF文件。")]
    if evaluation is None:
        errors.setdefault("__all__", []).append(_("没有待收回的委托评审。"))
    raise_if(errors)
    assert evaluation is not None
    assert report is not None
    evaluation.state = ExpertEvaluation.State.RECEIVED
    evaluation.received_on = received_on
    evaluation.evaluated_on = evaluated_on or received_on
    evaluation.conclusion = conclusion.strip()
    evaluation.expert_opinions = expert_opinions.strip()
    evaluation.recorded_by = by
    evaluation.report.save(report.name or "report.pdf", report, save=False)
    evaluation.save()
    finish(
        case=locked,
        move=move,
        by=by,
        today=received_on,
        reason=conclusion.strip(),
        data={
            "evaluation": evaluation.pk,
            "evaluator": evaluation.evaluator,
            "received_on": received_on.isoformat(),
            "report": True,
        },
    )
    tell_applicant(
        locked,
        subject=_("评审报告已收到"),
        message=_("%(name)s：审查机关已于%(r)s收到评审报告，审查恢复计时，期限至%(d)s。")
        % {"name": locked.project.name, "r": received_on, "d": deadline_words(locked)},
    )
    return evaluation
