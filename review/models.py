"""The review case: its state, clock, assignment and decision; its immutable record (hash-chained
events); and the holiday calendar its clock reads.

The other models of the app live in modules of their own and are imported here, so that Django
registers them as ``review`` models in the order it always has: the procedure's own records
(``review.procedure_models``: evaluations, extension requests), what the review sends out
(``review.document_models``: notices, issued documents), and the 补正 rounds and reminders sent
(``review.correction_models``).
"""

from __future__ import annotations

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


# Evaluations and extension requests, then notices and issued documents: imported between the
# case and the calendar so that the models keep their registration order.
from .procedure_models import (  # noqa: E402, F401
    EvaluationBody,
    ExpertEvaluation,
    ExtensionRequest,
)

# isort: split
from .document_models import (  # noqa: E402, F401
    DocumentKind,
    Notice,
    Opinion,
)


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
