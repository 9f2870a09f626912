"""Policy data the engine reads: versions, the two-high inventory, regional status and budgets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PolicyVersion(models.Model):
    """Effective-dated policy parameters (《办法》 2016/2023 and the 2021 方案)."""

    version = models.CharField("版本", max_length=16, unique=True)
    effective_from = models.DateField("施行日期")
    provincial_threshold_tce = models.FloatField("省级审查门槛（吨标准煤）")
    exempt_below_tce = models.FloatField("免于单独审查：能耗低于（吨标准煤）")
    exempt_below_kwh = models.FloatField("免于单独审查：电力低于（千瓦时）")
    two_high_window_guidance_tce = models.FloatField(
        "两高项目窗口指导门槛（吨标准煤）", null=True, blank=True
    )
    substitution_rules = models.BooleanField("适用2021年双控方案规则", default=False)
    equal_value_kgce_per_kwh = models.FloatField("电力等价值（千克标准煤/千瓦时）")
    measures_edition = models.CharField("《办法》版本", max_length=8)
    basis = models.TextField("依据", blank=True)
    published = models.BooleanField("已发布", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_from"]
        verbose_name = "政策版本"
        verbose_name_plural = "政策版本"

    def __str__(self) -> str:
        return f"{self.version}（{self.effective_from} 起施行）"


class InventoryStatus(models.TextChoices):
    IN_CONSTRUCTION = "in_construction", _("在建")
    PLANNED = "planned", _("拟建")
    EXISTING = "existing", _("存量")


class Disposal(models.TextChoices):
    CONTINUE = "continue", _("继续建设")
    RECTIFY = "rectify", _("整改")
    STOP = "stop", _("停建/淘汰")


class TwoHighEntry(models.Model):
    """One row of a province's two-high project inventory (方案（七）)."""

    project_code = models.CharField("项目代码", max_length=40, unique=True)
    project_name = models.CharField("项目名称", max_length=200)
    region = models.CharField("行政区划代码", max_length=6)
    province = models.CharField("省份", max_length=2, db_index=True)
    industry = models.CharField("行业代码", max_length=4)
    status = models.CharField("类别", max_length=16, choices=InventoryStatus.choices)
    annual_tce = models.FloatField("年综合能耗（吨标准煤）", null=True, blank=True)
    disposal = models.CharField("分类处置意见", max_length=12, choices=Disposal.choices)
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["province", "project_code"]
        verbose_name = "两高项目清单"
        verbose_name_plural = "两高项目清单"

    def __str__(self) -> str:
        return f"{self.project_code} {self.project_name}"


class WarningLevel(models.TextChoices):
    GREEN = "green", _("绿色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")


class RegionStatus(models.Model):
    """A province's energy dual-control progress for a year (晴雨表, 方案（十五）)."""

    province = models.CharField("省份代码", max_length=2)
    year = models.PositiveIntegerField("年度")
    basic_target_pct = models.FloatField("基本目标（%）", null=True, blank=True)
    incentive_target_pct = models.FloatField("激励目标（%）", null=True, blank=True)
    progress_pct = models.FloatField("完成进度（%）", null=True, blank=True)
    behind_basic_target = models.BooleanField("未完成基本目标进度", default=False)
    substitution_ratio = models.FloatField("替代比例", default=1.0)
    warning_level = models.CharField(
        "预警等级", max_length=8, choices=WarningLevel.choices, default=WarningLevel.GREEN
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="unique_region_status"),
            models.CheckConstraint(
                condition=models.Q(substitution_ratio__gte=1.0), name="substitution_ratio_gte_1"
            ),
        ]
        verbose_name = "地区能耗双控进展"
        verbose_name_plural = "地区能耗双控进展"

    def __str__(self) -> str:
        return f"{self.province} {self.year}"


class EnergyBudget(models.Model):
    """A province's annual budget of new energy use (用能预算, 方案（十一）)."""

    province = models.CharField("省份代码", max_length=2)
    year = models.PositiveIntegerField("年度")
    budget_tce = models.FloatField("新增用能预算（吨标准煤）")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="unique_energy_budget")
        ]
        verbose_name = "用能预算"
        verbose_name_plural = "用能预算"

    def __str__(self) -> str:
        return f"{self.province} {self.year}: {self.budget_tce}"


class Reassessment(models.Model):
    """A stored submission re-assessed against a policy version (`manage.py reassess_projects`).

    Kept beside the submission rather than on it: the submission's own assessment stays frozen.
    """

    # Indexed by the unique (submission_id, version) constraint, submission_id first.
    submission_id = models.BigIntegerField("提交记录")
    version = models.CharField("政策版本", max_length=16)
    assessment = models.JSONField("评估结果")
    route = models.CharField("路径", max_length=32)
    review_level = models.CharField("审查层级", max_length=16)
    recommendation = models.CharField("系统建议", max_length=16)
    counted_tce = models.FloatField("计入能耗（吨标准煤）")
    created_at = models.DateTimeField(auto_now_add=True)
    assessed_at = models.DateTimeField("评估时间")

    class Meta:
        ordering = ["submission_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_id", "version"], name="unique_reassessment_version"
            )
        ]
        verbose_name = "重新评估结果"
        verbose_name_plural = "重新评估结果"

    def __str__(self) -> str:
        return f"{self.submission_id} @ {self.version}: {self.recommendation}"
