"""The transactional outbox: a task to send is a row written in the same transaction as the
decision that calls for it, so a committed decision always has its task, whether or not the
broker (Redis) was reachable at that moment."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    task = models.CharField("任务", max_length=200)
    args = models.JSONField("参数", default=list, blank=True)
    kwargs = models.JSONField("关键字参数", default=dict, blank=True)
    created_at = models.DateTimeField("写入时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("发送尝试次数", default=0)
    last_error = models.TextField("最近一次发送错误", blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "待发送任务"
        verbose_name_plural = "待发送任务"
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_unsent_idx",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{self.args} ({'sent' if self.sent_at else 'pending'})"

    @property
    def task_id(self) -> str:
        """The Celery task id: the same for every send of this row, so a resend after a crash
        between sending and marking it sent is recognisably the same message."""
        return f"outbox-{self.pk}"
