"""Steps of the review that keep records of their own, beside the case row: the commissioned
evaluation (委托评审, 2023《办法》第十三条) with the bodies the authority commissions, and the
extension request (《行政许可法》第四十二条). Both act on the statutory clock: the evaluation
pauses it (第四十五条), an approved extension adds 10 working days.

Split from ``review.models``, which imports and re-exports these models (the app registers them
from there); refers to the case by its label to avoid a cycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationBody(models.Model):
    """A technically capable body the authority commissions to evaluate reports (委托评审)."""

    name = models.CharField("评审机构名称", max_length=100, unique=True)
    contact = models.CharField("联系人及联系方式", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "评审机构"
        verbose_name_plural = "评审机构"

    def __str__(self) -> str:
        return self.name


class ExpertEvaluation(models.Model):
    """A commissioned evaluation (委托评审, 2023《办法》第十三条): commissioned with a due date,
    then its report received (PDF, conclusion, experts' opinions). The clock pauses between
    commissioning and receipt (《行政许可法》第四十五条)."""

    class State(models.TextChoices):
        COMMISSIONED = "commissioned", _("评审中")
        RECEIVED = "received", _("已收到评审报告")

    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="evaluations"
    )
    body = models.ForeignKey(
        EvaluationBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name="评审机构",
    )
    submission_number = models.PositiveIntegerField("所评审的提交", default=0)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.RECEIVED)
    evaluator = models.CharField("评审机构/专家", max_length=200)
    commissioned_on = models.DateField("委托日期", null=True, blank=True)
    due_on = models.DateField("约定完成日期", null=True, blank=True)
    expected_working_days = models.PositiveIntegerField("预计评审工作日", null=True, blank=True)
    received_on = models.DateField("收到评审报告日期", null=True, blank=True)
    evaluated_on = models.DateField("评审日期", null=True, blank=True)
    conclusion = models.TextField("评审结论", blank=True)
    expert_opinions = models.TextField("专家意见", blank=True)
    report = models.FileField("评审报告", upload_to="evaluations/%Y/", blank=True)
    commissioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = "委托评审"
        verbose_name_plural = "委托评审"
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="commissioned"),
                name="one_open_evaluation_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} {self.commissioned_on or self.evaluated_on}"


class ExtensionRequest(models.Model):
    """An extension of the decision limit (《行政许可法》第四十二条): asked by the reviewer with
    a reason, in force only once the authority's head approves; the applicant is told."""

    class State(models.TextChoices):
        PENDING = "pending", _("待负责人审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="extensions"
    )
    reason = models.TextField("延长理由", max_length=2000)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True, max_length=2000)
    new_deadline = models.DateField("延长后的期限", null=True, blank=True)

    class Meta:
        ordering = ["case", "requested_at", "id"]
        verbose_name = "延长审查期限申请"
        verbose_name_plural = "延长审查期限申请"
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="pending"),
                name="one_pending_extension_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state}"
