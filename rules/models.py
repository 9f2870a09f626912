"""Policy data the engine reads: versions, the two-high inventory, regional status and budgets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IncrementBasis(models.TextChoices):
    """Which projects the tier counts on their increment (按增量计算)."""

    EXPANSION_AND_RENOVATION = (
        "expansion_and_renovation",
        _("改扩建项目（《固定资产投资项目节能审查办法》（国家发展改革委令2016年第44号））"),
    )
    UNCHANGED_RENOVATION = (
        "unchanged_renovation",
        _(
            "建设地点、主要生产工艺和设备未改变的改建项目"
            "（《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号））"
        ),
    )


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
    increment_basis = models.CharField(
        "按增量计算的项目",
        max_length=32,
        choices=IncrementBasis.choices,
        default=IncrementBasis.EXPANSION_AND_RENOVATION,
    )
    regional_deducts_renewable = models.BooleanField(
        "地区能耗双控扣除新增可再生能源（发改运行〔2022〕1258号）", default=False
    )
    regional_deducts_feedstock = models.BooleanField(
        "地区能耗双控扣除原料用能（发改环资〔2022〕803号）", default=False
    )
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


def province_name(code: str) -> str:
    """「江苏省」 for 「32」 (GB/T 2260), for titles people read; the code when unknown."""
    from rules import engine

    return engine.load_reference().regions.get(f"{code}0000", code)


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
    two_high_suspended = models.BooleanField(
        "暂停两高项目节能审查（发改办环资〔2021〕629号）", default=False
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
        return f"{province_name(self.province)} {self.year}年能耗双控进展"


class EnergyBudget(models.Model):
    """An annual budget of new energy use (用能预算, 方案（十一）): the province's, or one a review
    authority holds for the cases it decides (苏州市发展和改革委员会).

    Each approval draws on exactly one budget: its authority's when that authority has one for
    the year, the province's otherwise (``rules.selectors.budget_remaining``).
    """

    province = models.CharField("省份代码", max_length=2)
    year = models.PositiveIntegerField("年度")
    authority = models.ForeignKey(
        "authorities.Authority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="energy_budgets",
        verbose_name="审查机关",
        help_text="空：全省预算；填写：该审查机关单列的预算，由其审查通过的项目占用",
    )
    budget_tce = models.FloatField("新增用能预算（吨标准煤）")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["province", "-year", "authority_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                condition=models.Q(authority__isnull=True),
                name="unique_energy_budget",
            ),
            models.UniqueConstraint(
                fields=["authority", "year"],
                condition=models.Q(authority__isnull=False),
                name="unique_authority_energy_budget",
            ),
        ]
        verbose_name = "用能预算"
        verbose_name_plural = "用能预算"

    def __str__(self) -> str:
        name = self.authority.name if self.authority_id else province_name(self.province)
        return f"{name} {self.year}年用能预算 {self.budget_tce:,.0f} 吨标准煤"

    def clean(self) -> None:
        """An authority's budget lies in its own province."""
        from django.core.exceptions import ValidationError

        if self.authority_id and self.authority.province != self.province:
            raise ValidationError(
                {"authority": _("审查机关不属于该省份（%(p)s）。") % {"p": self.province}}
            )


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


# --------------------------------------------------------------------------------------------
# Reference data admins maintain (seeded from rules/data/*.csv; the engine reads it through
# rules.reference_data): benchmark editions, the exempt lists, the coal-control regions.
# --------------------------------------------------------------------------------------------
class EffectiveDated(models.Model):
    """A row that applies from `effective_from` (and, when set, up to `effective_to`)."""

    effective_from = models.DateField("施行日期")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EfficiencyBenchmark(EffectiveDated):
    """One edition of a product's 标杆/基准 (1609号 and later editions)."""

    product = models.CharField("产品代码", max_length=64)
    name_zh = models.CharField("产品及指标", max_length=200)
    unit = models.CharField("能耗单位", max_length=40)
    output_unit = models.CharField("产量单位", max_length=20, default="t")
    benchmark = models.FloatField("标杆水平")
    baseline = models.FloatField("基准水平")
    sector = models.CharField("两高行业", max_length=32)
    industries = models.CharField(
        "适用行业（GB/T 4754-2017 小类，以;分隔）", max_length=200, blank=True
    )
    edition = models.CharField("版本", max_length=16)
    benchmark_mandatory_from = models.DateField("标杆水平强制执行日期", null=True, blank=True)
    mandatory_basis = models.TextField("强制执行依据", blank=True, max_length=1000)
    source = models.TextField("出处", max_length=1000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["product", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["product", "edition"], name="unique_benchmark_edition")
        ]
        verbose_name = "能效标杆水平和基准水平"
        verbose_name_plural = "能效标杆水平和基准水平"

    def __str__(self) -> str:
        return f"{self.name_zh}（{self.edition}年版）"

    @property
    def industry_codes(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.industries.split(";") if c.strip())


class ExemptIndustry(EffectiveDated):
    """An industry class of 《不单独进行节能审查的行业目录》 (发改环资规〔2017〕1975号)."""

    code = models.CharField("行业代码（GB/T 4754-2017 小类）", max_length=4)
    name_zh = models.CharField("行业名称", max_length=100)
    list_item = models.CharField("目录所列项目", max_length=200)
    basis = models.TextField("依据", max_length=1000)
    effective_to = models.DateField("停止施行日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="unique_exempt_industry_from"
            )
        ]
        verbose_name = "不单独进行节能审查的行业"
        verbose_name_plural = "不单独进行节能审查的行业"

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class ExemptProjectType(EffectiveDated):
    """A kind of project on the exempt list that no industry class identifies (水利、铁路…)."""

    type = models.CharField("项目类型代码", max_length=32)
    name_zh = models.CharField("项目类型", max_length=100)
    basis = models.TextField("依据", max_length=1000)
    effective_to = models.DateField("停止施行日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["type", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "effective_from"], name="unique_exempt_project_type_from"
            )
        ]
        verbose_name = "不单独进行节能审查的项目类型"
        verbose_name_plural = "不单独进行节能审查的项目类型"

    def __str__(self) -> str:
        return self.name_zh


class CoalControlRegion(EffectiveDated):
    """A region where coal-using projects owe 煤炭等量或减量替代 (大气污染防治重点区域)."""

    code = models.CharField("行政区划代码前缀（2、4或6位）", max_length=6)
    name_zh = models.CharField("地区", max_length=100)
    effective_to = models.DateField("停止施行日期", null=True, blank=True)
    applies_to = models.CharField(
        "适用建设性质（new;expansion;renovation）", max_length=40, default="new;expansion"
    )
    basis = models.TextField("依据", max_length=1000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="unique_coal_region_from"
            )
        ]
        verbose_name = "煤炭消费替代重点区域"
        verbose_name_plural = "煤炭消费替代重点区域"

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}（{self.effective_from} 起）"

    @property
    def applies_to_types(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.applies_to.split(";") if t.strip())
