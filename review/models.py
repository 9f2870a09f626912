"""The review case: its state, clock, assignment, record and issued documents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import audit


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交待受理")
    RETURNED = "returned", _("退回补正")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    UNDER_REVIEW = "under_review", _("审查中")
    UNDER_EVALUATION = "under_evaluation", _("委托评审中")
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
    # Routed from the facts (authorities.selectors.authority_for) at opening and on every new
    # submission; queues, permissions, notices and document numbers follow it.
    authority = models.ForeignKey(
        "authorities.Authority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="审查机关",
    )
    state = models.CharField(
        "状态", max_length=20, choices=CaseState.choices, default=CaseState.SUBMITTED
    )
    # Denormalised from the submission's assessment for filtering the queue.
    route = models.CharField("路径", max_length=32, db_index=True)
    review_level = models.CharField("审查层级", max_length=16)
    two_high = models.BooleanField("两高项目", default=False)
    # The two-high sector (方案（七）) of the assessment, stored so that the overview's table by
    # sector reads the case alone instead of a JSON path of every submission (issue 14).
    sector = models.CharField("两高行业领域", max_length=32, blank=True)
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
    deadline_estimated = models.BooleanField(
        "期限为估算", default=False, help_text="期限所在年度尚无官方节假日安排，按周一至周五估算"
    )
    received_on = models.DateField("材料接收日期", null=True, blank=True)
    deemed_accepted = models.BooleanField("逾期未告知，视为受理", default=False)
    # Decision.
    decision_reason = models.TextField("决定理由", blank=True)
    decision_justification = models.TextField("与系统建议不一致的说明", blank=True)
    # Deciding while the window-guidance request is unanswered (issue 10): why not wait.
    without_guidance_justification = models.TextField(
        "未待窗口指导意见即作出决定的理由", blank=True
    )
    conditions = models.TextField("审查意见条件", blank=True)
    cited_findings = models.JSONField("所依据的评估发现", default=list, blank=True)
    correction_items = models.JSONField("补正事项", default=list, blank=True)
    correction_entries = models.JSONField(
        "补正事项（结构化）",
        default=list,
        blank=True,
        help_text='[{"item": 所缺材料, "detail": 要求}]',
    )
    deferral_lift = models.TextField("解除缓批的条件", blank=True)
    guidance_outcome = models.CharField("窗口指导意见", max_length=32, blank=True)
    guidance_notes = models.TextField("窗口指导说明", blank=True)
    guidance_opinion = models.TextField("省级初步意见", blank=True)
    guidance_requested_on = models.DateField("报请窗口指导日期", null=True, blank=True)
    guidance_expected_on = models.DateField("窗口指导预计答复日期", null=True, blank=True)
    guidance_submission = models.PositiveIntegerField("窗口指导所依据的提交", null=True, blank=True)
    change_triggers = models.JSONField("变更事项", default=list, blank=True)
    submitted_at = models.DateTimeField("提交时间")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    started_construction_on = models.DateField("开工日期", null=True, blank=True)
    construction_evidence = models.FileField(
        "开工证明材料", upload_to="construction/%Y/", blank=True
    )
    lapsed_on = models.DateField("审查意见失效日期", null=True, blank=True)
    flagged = models.BooleanField("需关注", default=False)
    flag_reason = models.TextField("关注原因", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = "审查案件"
        verbose_name_plural = "审查案件"
        indexes = [
            models.Index(fields=["province", "state"]),
            # The queue and the cases API in deadline order (either direction) as keyset pages:
            # an ordered index scan that stops after a page, whatever the scope's shape
            # (authority, province, route) and however deep (EXPLAIN in tests/scale).
            models.Index(fields=["deadline", "id"], name="case_deadline_id_idx"),
            # Overdue cases (the overview's top table, the queue's overdue filter): only cases
            # whose clock runs (review.workflow.RUNNING), so the scan skips the decided history.
            models.Index(
                fields=["deadline", "id"],
                name="case_clock_deadline_idx",
                condition=models.Q(
                    state__in=[
                        "submitted",
                        "accepted",
                        "under_review",
                        "awaiting_guidance",
                        "change_requested",
                    ]
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"案件{self.pk}：{self.project}"

    @property
    def guidance_pending(self) -> bool:
        """A window-guidance request is out, unanswered, and the case is still open to it."""
        from .decision_rules import guidance_pending

        return guidance_pending(
            state=self.state,
            route=self.route,
            guidance_outcome=self.guidance_outcome,
            guidance_requested=self.guidance_requested_on is not None,
        )

    @property
    def doc_prefix(self) -> str:
        """The document-number prefix of the case's authority (苏发改能审, 苏州发改能审); "" for a
        case without an authority (rows made before routing existed)."""
        return self.authority.doc_prefix if self.authority_id else ""


class ChainHashField(models.CharField):
    """The event's own hash, computed while the row is inserted (after ``at`` is stamped)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        if add:
            value = audit.event_digest(audit.values_of(model_instance))
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)


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
    # The frozen submission of that moment; its assessment is the one the event refers to.
    # Events used to copy the whole assessment (52% of the database at 100,000 cases, issue
    # 14); ``assessment`` is kept for those older rows and is empty on new ones.
    submission = models.ForeignKey(
        "projects.Submission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="当时的提交",
    )
    assessment = models.JSONField("当时的评估结果", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # Hash chain per case (review/audit.py): declared after ``at`` so that its pre_save sees the
    # time the row is stamped with.
    prev_hash = models.CharField("上一记录哈希", max_length=64, blank=True, editable=False)
    hash = ChainHashField("记录哈希", max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "审查记录"
        verbose_name_plural = "审查记录"

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_state}->{self.to_state}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("审查记录不可修改")
        with transaction.atomic():
            # The case row is locked, so two events of one case never share a predecessor.
            ReviewCase.objects.select_for_update().filter(pk=self.case_id).exists()
            last = (
                CaseEvent.objects.filter(case_id=self.case_id)
                .order_by("-id")
                .values_list("hash", flat=True)
                .first()
            )
            self.prev_hash = last or audit.GENESIS
            super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("审查记录不可删除")

    @property
    def assessment_then(self) -> dict | None:
        """The assessment in force at the event: the frozen submission's (select_related
        ``submission`` when reading many), or the copy an older event carries."""
        if self.assessment is not None:
            return self.assessment
        return self.submission.assessment if self.submission_id else None


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

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="evaluations")
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

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="extensions")
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
        indexes = [
            # The unread count on every reviewer page reads only unread notices (issue 14).
            models.Index(
                fields=["user"], name="notice_unread_idx", condition=models.Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.message


class DocumentKind(models.TextChoices):
    APPROVAL = "approval", _("节能审查意见")
    REJECTION = "rejection", _("不予通过决定")
    DEFERRAL = "deferral", _("缓批决定")
    CORRECTION = "correction", _("补正通知书")
    CHANGE = "change", _("同意变更的复函")
    RECEIPT = "receipt", _("受理回执")
    FILING = "filing", _("节能验收备案回执")


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


class CalendarYear(models.Model):
    """One year's official schedule (国务院办公厅关于某年部分节假日安排的通知), entered by admins.

    ``review.clock`` uses it before the ``chinese_calendar`` package's data: statutory holidays
    (dates that are not working days) and make-up working days (调休上班, weekend dates that are).
    A year with neither this row nor the package's data falls back to Monday–Friday, and every
    deadline computed on it is marked as an estimate.
    """

    year = models.PositiveIntegerField("年度", unique=True)
    holidays = models.JSONField("法定节假日（放假日期）", default=list, blank=True)
    workdays = models.JSONField("调休上班日期", default=list, blank=True)
    source = models.CharField("依据文件", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        """Dates as ISO strings of this year, sorted; a day is not both a holiday and a make-up
        working day; make-up working days fall on weekends."""
        from datetime import date as _date

        from django.core.exceptions import ValidationError

        errors: dict[str, list[str]] = {}
        parsed: dict[str, list[_date]] = {}
        for field in ("holidays", "workdays"):
            days: list[_date] = []
            for value in getattr(self, field) or []:
                try:
                    day = _date.fromisoformat(str(value).strip())
                except ValueError:
                    errors.setdefault(field, []).append(
                        f"“{value}”不是有效日期（格式：2027-01-01）。"
                    )
                    continue
                if day.year != self.year:
                    errors.setdefault(field, []).append(f"{day}不在{self.year}年。")
                days.append(day)
            if len(days) > 60:
                errors.setdefault(field, []).append("日期过多（不超过60个）。")
            parsed[field] = sorted(set(days))
        both = set(parsed.get("holidays", [])) & set(parsed.get("workdays", []))
        if both:
            errors.setdefault("workdays", []).append(
                "同一天不能既放假又调休上班：" + "、".join(str(d) for d in sorted(both))
            )
        weekdays = [d for d in parsed.get("workdays", []) if d.weekday() < 5]
        if weekdays:
            errors.setdefault("workdays", []).append(
                "调休上班日应为周末：" + "、".join(str(d) for d in weekdays)
            )
        if errors:
            raise ValidationError(errors)
        self.holidays = [d.isoformat() for d in parsed["holidays"]]
        self.workdays = [d.isoformat() for d in parsed["workdays"]]


# 补正 rounds and items, and the reminders sent (kept in a module of their own).
from .correction_models import (  # noqa: E402, F401
    ChangedPart,
    CorrectionItem,
    CorrectionRound,
    ReminderKind,
    ReminderSent,
)
