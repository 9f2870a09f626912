"""The review case: its state, clock, assignment, record and issued documents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交待受理")
    RETURNED = "returned", _("退回补正")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    UNDER_REVIEW = "under_review", _("审查中")
    AWAITING_GUIDANCE = "awaiting_guidance", _("待国家窗口指导")
    APPROVED = "approved", _("审查通过")
    REJECTED = "rejected", _("不予通过")
    DEFERRED = "deferred", _("缓批")
    CHANGE_REQUESTED = "change_requested", _("变更申请")
    EXPIRED = "expired", _("已失效")


class ReviewCase(models.Model):
    """One review of one project submission, from intake to decision."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="cases", verbose_name="项目"
    )
    submission = models.ForeignKey(
        "projects.Submission", on_delete=models.PROTECT, related_name="+", verbose_name="当前提交"
    )
    province = models.CharField("省份", max_length=2, db_index=True)
    state = models.CharField(
        "状态", max_length=20, choices=CaseState.choices, default=CaseState.SUBMITTED
    )
    # Denormalised from the submission's assessment for filtering the queue.
    route = models.CharField("路径", max_length=32, db_index=True)
    review_level = models.CharField("审查层级", max_length=16)
    two_high = models.BooleanField("两高项目", default=False)
    recommendation = models.CharField("系统建议", max_length=16)
    counted_tce = models.FloatField("计入能耗（吨标准煤）", default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name="承办人",
    )
    # The clock: statutory limits in working days; time waiting for others is not counted.
    clock_phase = models.CharField("时限阶段", max_length=16, blank=True)
    clock_started_on = models.DateField("计时起点", null=True, blank=True)
    limit_working_days = models.PositiveIntegerField("法定时限（工作日）", default=5)
    paused_working_days = models.PositiveIntegerField("暂停计时（工作日）", default=0)
    paused_since = models.DateField("暂停起点", null=True, blank=True)
    deadline = models.DateField("办理期限", null=True, blank=True, db_index=True)
    extended = models.BooleanField("已延长", default=False)
    extension_reason = models.TextField("延长理由", blank=True)
    reminded_for = models.DateField("已提醒的期限", null=True, blank=True)
    # Decision.
    decision_reason = models.TextField("决定理由", blank=True)
    decision_justification = models.TextField("与系统建议不一致的说明", blank=True)
    conditions = models.TextField("审查意见条件", blank=True)
    cited_findings = models.JSONField("所依据的评估发现", default=list, blank=True)
    correction_items = models.JSONField("补正事项", default=list, blank=True)
    deferral_lift = models.TextField("解除缓批的条件", blank=True)
    guidance_outcome = models.CharField("窗口指导意见", max_length=16, blank=True)
    guidance_notes = models.TextField("窗口指导说明", blank=True)
    submitted_at = models.DateTimeField("提交时间")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    started_construction_on = models.DateField("开工日期", null=True, blank=True)
    flagged = models.BooleanField("需关注", default=False)
    flag_reason = models.TextField("关注原因", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = "审查案件"
        verbose_name_plural = "审查案件"
        indexes = [models.Index(fields=["province", "state"])]

    def __str__(self) -> str:
        return f"案件{self.pk}：{self.project}"


class CaseEvent(models.Model):
    """An immutable audit record of one move or action on a case."""

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("动作", max_length=32)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    reason = models.TextField("理由", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)
    assessment = models.JSONField("当时的评估结果", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "审查记录"
        verbose_name_plural = "审查记录"

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_state}->{self.to_state}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("审查记录不可修改")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("审查记录不可删除")


class ExpertEvaluation(models.Model):
    """An expert evaluation (评审) recorded on a case."""

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="evaluations")
    evaluator = models.CharField("评审机构/专家", max_length=200)
    evaluated_on = models.DateField("评审日期")
    conclusion = models.TextField("评审结论")
    report = models.FileField("评审报告", upload_to="evaluations/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "evaluated_on", "id"]
        verbose_name = "专家评审"
        verbose_name_plural = "专家评审"

    def __str__(self) -> str:
        return f"{self.evaluator} {self.evaluated_on}"


class Notice(models.Model):
    """An in-app notice to a user (deadline reminders, flags, requests)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    case = models.ForeignKey(ReviewCase, null=True, blank=True, on_delete=models.CASCADE)
    message = models.CharField("内容", max_length=500)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知"

    def __str__(self) -> str:
        return self.message


class DocumentKind(models.TextChoices):
    APPROVAL = "approval", _("节能审查意见")
    REJECTION = "rejection", _("不予通过通知")
    DEFERRAL = "deferral", _("缓批通知")


class DocumentNumberCounter(models.Model):
    """Gap-free document numbers per issuing authority and year (locked row)."""

    authority = models.CharField(max_length=2)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="unique_number_counter")
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.year}: {self.last}"


class Opinion(models.Model):
    """An issued decision document; re-rendering adds a version and keeps the old ones."""

    class State(models.TextChoices):
        PENDING = "pending", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="opinions")
    kind = models.CharField("文书类型", max_length=12, choices=DocumentKind.choices)
    number = models.CharField("文号", max_length=40)
    issued_on = models.DateField("印发日期")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.PENDING)
    error = models.TextField("错误信息", blank=True)
    attempts = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField("版本", default=1)
    file = models.FileField(upload_to="opinions/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-version"]
        verbose_name = "审查文书"
        verbose_name_plural = "审查文书"

    def __str__(self) -> str:
        return self.number
