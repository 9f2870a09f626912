"""What the review sends out: in-app notices to users, and the decision documents it issues
(节能审查意见, 不予通过决定, 补正通知书...), numbered gap-free per issuing authority and year and
kept in every rendered version.

Split from ``review.models``, which imports and re-exports these models (the app registers them
from there); refers to the case by its label to avoid a cycle.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """An in-app notice to a user (deadline reminders, flags, requests)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    case = models.ForeignKey("review.ReviewCase", null=True, blank=True, on_delete=models.CASCADE)
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


class Opinion(models.Model):
    """An issued decision document; re-rendering adds a version and keeps the old ones."""

    class State(models.TextChoices):
        PENDING = "pending", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    case = models.ForeignKey("review.ReviewCase", on_delete=models.PROTECT, related_name="opinions")
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
