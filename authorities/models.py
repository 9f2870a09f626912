"""Review authorities as data (2023《办法》第五条 and provincial rules).

An authority is the body that reviews and issues: the provincial development and reform
commission for the provincial tier, and the city or county authority the province designates for
the delegated tier. Which tier goes where is a per-province setting (:class:`ProvinceSetting`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AuthorityLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class DelegatedTierTo(models.TextChoices):
    CITY = "city", _("项目所在地设区的市级节能审查机关")
    COUNTY = "county", _("项目所在地县级节能审查机关（无则市级）")
    PROVINCE = "province", _("省级节能审查机关（不下放）")


class Authority(models.Model):
    """One energy-review authority (节能审查机关)."""

    code = models.CharField(
        _("机关代码"),
        max_length=6,
        unique=True,
        help_text=_("所辖行政区划代码前缀，如 32（江苏省）、3205（苏州市）"),
    )
    name = models.CharField(_("机关名称"), max_length=60)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    level = models.CharField(_("层级"), max_length=12, choices=AuthorityLevel.choices)
    province = models.CharField(_("省份代码"), max_length=2, db_index=True)
    region_prefixes = models.JSONField(
        _("管辖区划代码前缀"),
        default=list,
        blank=True,
        help_text=_("GB/T 2260 代码前缀列表；为空时取机关代码"),
    )
    doc_prefix = models.CharField(
        _("发文字号前缀"), max_length=20, help_text=_("如 苏发改能审、苏州发改能审")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级机关"),
    )
    heads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="headed_authorities",
        verbose_name=_("负责人"),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="review_authorities",
        verbose_name=_("审查人员"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords(m2m_fields=[heads, reviewers])

    class Meta:
        verbose_name = _("节能审查机关")
        verbose_name_plural = _("节能审查机关")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name

    @property
    def prefixes(self) -> list[str]:
        return list(self.region_prefixes or [self.code])

    def covers(self, region: str) -> bool:
        return any(region.startswith(p) for p in self.prefixes)


class ProvinceSetting(models.Model):
    """Where a province sends its delegated tier (2023《办法》第五条: the province decides)."""

    province = models.CharField(_("省份代码"), max_length=2, unique=True)
    delegated_tier_to = models.CharField(
        _("下放层级审查机关"),
        max_length=12,
        choices=DelegatedTierTo.choices,
        default=DelegatedTierTo.CITY,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("省级下放设置")
        verbose_name_plural = _("省级下放设置")

    def __str__(self) -> str:
        return f"{self.province}: {self.get_delegated_tier_to_display()}"
