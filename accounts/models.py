"""Who a user is in the review process: role (a group) and the data that scopes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """Per-user data: the applicant's organization or the reviewer's jurisdiction."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    organization = models.ForeignKey(
        "projects.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="所属单位",
    )
    jurisdiction = models.CharField(
        "管辖省份代码", max_length=2, blank=True, help_text="GB/T 2260 前两位，如 32（江苏）"
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户资料"
        verbose_name_plural = "用户资料"

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()
