"""补正 answered item by item, and the record of reminders sent.

A return for correction (``services.case_return_for_correction``) opens a :class:`CorrectionRound`
of the case: the reviewer's items, note and the date by which the applicant is asked to answer
(the law sets none: the authority sets it at return time, default ``CORRECTION_ANSWER_DAYS``
calendar days). The applicant answers each :class:`CorrectionItem` before resubmitting; the
resubmission closes the round. A later return opens round 2; earlier rounds stay as they were.

:class:`ReminderSent` makes the daily reminder task idempotent: one row per case, kind and
deadline, inserted before anything is sent (a unique constraint is the claim).

Imported by ``review.models``; refers to the case by its label to avoid a cycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ANSWER_MAX = 2000


class ChangedPart(models.TextChoices):
    """Where the applicant says he changed something to answer an item (the form's steps)."""

    BASICS = "basics", _("基本信息")
    ENERGY = "energy", _("能源消费")
    PRODUCTS = "products", _("主要产品")
    SUBSTITUTION = "substitution", _("能耗替代来源")
    ATTACHMENTS = "attachments", _("附件（节能报告等）")
    NONE = "none", _("未修改，仅作说明")


class CorrectionRound(models.Model):
    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="correction_rounds"
    )
    number = models.PositiveSmallIntegerField("轮次")
    submission_number = models.PositiveIntegerField("被退回的提交")
    resubmission_number = models.PositiveIntegerField("补正后的提交", null=True, blank=True)
    note = models.TextField("审查人员说明", blank=True)
    answer_by = models.DateField("补正期限")
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField("退回时间", auto_now_add=True)
    closed_at = models.DateTimeField("重新提交时间", null=True, blank=True)

    class Meta:
        ordering = ["case", "number"]
        verbose_name = "补正轮次"
        verbose_name_plural = "补正轮次"
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="unique_correction_round"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CorrectionItem(models.Model):
    round = models.ForeignKey(CorrectionRound, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField("序号")
    item = models.CharField("所缺材料或内容", max_length=200)
    detail = models.TextField("具体要求", blank=True, max_length=1000)
    answer = models.TextField("申请人答复", blank=True, max_length=ANSWER_MAX)
    changed = models.CharField("修改之处", max_length=16, choices=ChangedPart.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        ordering = ["round", "position"]
        verbose_name = "补正事项"
        verbose_name_plural = "补正事项"
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="unique_correction_item"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.item}"

    @property
    def answered(self) -> bool:
        return bool(self.answer.strip())


class ReminderKind(models.TextChoices):
    DECISION_DUE = "decision_due", _("办理期限临近")
    DECISION_OVERDUE = "decision_overdue", _("办理期限已过")
    CORRECTION_DUE = "correction_due", _("补正期限临近")


class ReminderSent(models.Model):
    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.CASCADE, related_name="reminders_sent"
    )
    kind = models.CharField("提醒类型", max_length=20, choices=ReminderKind.choices)
    deadline = models.DateField("所提醒的期限")
    sent_on = models.DateField("提醒日期")
    recipients = models.PositiveIntegerField("收件人数", default=0)

    class Meta:
        ordering = ["case", "sent_on", "id"]
        verbose_name = "已发送的期限提醒"
        verbose_name_plural = "已发送的期限提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "deadline"], name="one_reminder_per_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.deadline}"
