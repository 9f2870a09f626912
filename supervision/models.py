"""After approval (事中事后监管): acceptance, monitored energy use, flags, rectifications,
inspections, penalties and the link between a case and its two-high inventory entry.

2023《办法》 (国家发展改革委令2023年第2号): the owner checks and files the implementation of the
opinion before operation (节能验收); the authority supervises during and after construction,
orders rectification and records penalties. 方案（十五）: monitored energy use (能耗在线监测).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import legal


class AcceptanceState(models.TextChoices):
    FILED = "filed", _("已报备待核查")
    RECORDED = "recorded", _("予以备案")
    RECTIFICATION = "rectification", _("责令整改")


class Acceptance(models.Model):
    """The owner's energy-saving acceptance filing (节能验收备案) of one approved case."""

    case = models.OneToOneField(
        "review.ReviewCase",
        on_delete=models.PROTECT,
        related_name="acceptance",
        verbose_name=_("审查案件"),
    )
    completed_on = models.DateField(_("竣工日期"))
    actual_capacity = models.CharField(_("实际建设规模（产能）"), max_length=200)
    # The same energy lines as the application: [{"type", "quantity", "unit"}].
    energy_lines = models.JSONField(_("实际年能源消费"), default=list)
    # [{"product", "annual_output", "unit_energy"}]
    products = models.JSONField(_("实际单位产品能耗"), default=list, blank=True)
    # One per condition of the opinion: [{"text", "done", "evidence"}].
    conditions = models.JSONField(_("审查意见条件落实情况"), default=list, blank=True)
    committee_conclusion = models.TextField(_("验收委员会结论"), max_length=2000)
    report = models.FileField(_("节能验收报告"), upload_to="acceptance/%Y/%m/")
    report_name = models.CharField(_("文件名"), max_length=255)
    report_sha256 = models.CharField(max_length=64)
    # Actual vs approved, computed by the service when filed (see services.acceptance).
    comparison = models.JSONField(_("与审查意见的对比"), default=dict)
    exceeds_threshold = models.BooleanField(_("实际能耗超批复10%及以上"), default=False)
    state = models.CharField(
        _("状态"), max_length=16, choices=AcceptanceState.choices, default=AcceptanceState.FILED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("报备时间"), auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    check_note = models.TextField(_("核查意见"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("节能验收备案")
        verbose_name_plural = _("节能验收备案")

    def __str__(self) -> str:
        return f"{self.case_id} {self.completed_on}"


class RectificationState(models.TextChoices):
    OPEN = "open", _("整改中")
    REPORTED = "reported", _("已报整改情况")
    CLOSED = "closed", _("已销号")


class Rectification(models.Model):
    """A rectification order (责令整改) with items and a deadline, followed to closure."""

    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="rectifications"
    )
    acceptance = models.ForeignKey(
        Acceptance, null=True, blank=True, on_delete=models.PROTECT, related_name="rectifications"
    )
    target = models.ForeignKey(
        "InspectionTarget",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    items = models.JSONField(_("整改事项"), default=list)
    deadline = models.DateField(_("整改期限"), db_index=True)
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=RectificationState.choices,
        default=RectificationState.OPEN,
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField(auto_now_add=True)
    owner_report = models.TextField(_("整改情况报告"), blank=True, max_length=2000)
    reported_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(_("销号意见"), blank=True, max_length=2000)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("整改")
        verbose_name_plural = _("整改")

    def __str__(self) -> str:
        return f"{self.case_id} {self.deadline}"


class FlagKind(models.TextChoices):
    ACCEPTANCE_OVERDUE = "acceptance_overdue", _("逾期未验收即投产")
    MONITORING_EXCESS = "monitoring_excess", _("监测能耗超批复10%及以上")


class SupervisionFlag(models.Model):
    """A supervision flag on an approved case; one per kind and period (idempotent raising)."""

    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="supervision_flags"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=FlagKind.choices)
    period = models.DateField(_("期间"))
    message = models.CharField(_("说明"), max_length=500)
    detail = models.JSONField(default=dict, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "period"], name="unique_supervision_flag"
            )
        ]
        verbose_name = _("监管预警")
        verbose_name_plural = _("监管预警")

    def __str__(self) -> str:
        return self.message


class MonthlyEnergy(models.Model):
    """Monitored energy use of one project in one month (能耗在线监测, 方案（十五）)."""

    class Source(models.TextChoices):
        IMPORT = "import", _("文件导入")
        API = "api", _("监测平台推送")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="monthly_energy"
    )
    month = models.DateField(_("月份"))  # first day of the month
    tce = models.FloatField(_("综合能源消费量（吨标准煤）"))
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.IMPORT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="unique_monthly_energy"),
            models.CheckConstraint(condition=models.Q(tce__gte=0), name="monthly_energy_tce_gte_0"),
        ]
        verbose_name = _("能耗在线监测数据")
        verbose_name_plural = _("能耗在线监测数据")

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}: {self.tce}"


class Inspection(models.Model):
    """A spot-check draw (双随机抽查): seeded, with its population recorded, so it reproduces."""

    authority = models.ForeignKey(
        "authorities.Authority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    province = models.CharField(_("省份"), max_length=2, db_index=True)
    title = models.CharField(_("抽查名称"), max_length=200)
    seed = models.BigIntegerField(_("随机种子"))
    population = models.JSONField(_("抽取范围（案件编号）"), default=list)
    sample_size = models.PositiveIntegerField(_("抽取数量"))
    sample = models.JSONField(_("抽中的案件编号"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("双随机抽查")
        verbose_name_plural = _("双随机抽查")

    def __str__(self) -> str:
        return self.title


class TargetState(models.TextChoices):
    PENDING = "pending", _("待检查")
    INSPECTED = "inspected", _("已检查")


class InspectionTarget(models.Model):
    """One drawn case of an inspection: inspectors, findings."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="targets")
    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="inspection_targets"
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("检查人员")
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=TargetState.choices, default=TargetState.PENDING
    )
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    findings = models.TextField(_("检查发现"), blank=True, max_length=4000)
    compliant = models.BooleanField(_("符合审查意见"), null=True, blank=True)

    class Meta:
        ordering = ["inspection", "case_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "case"], name="unique_inspection_case")
        ]
        verbose_name = _("抽查对象")
        verbose_name_plural = _("抽查对象")

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.case_id}"


class Penalty(models.Model):
    """A penalty recorded with its legal basis (supervision.legal.PENALTY_BASES)."""

    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="penalties"
    )
    target = models.ForeignKey(
        InspectionTarget, null=True, blank=True, on_delete=models.PROTECT, related_name="penalties"
    )
    basis = models.CharField(_("法律依据"), max_length=32)
    measure = models.CharField(_("处罚措施"), max_length=200)
    amount_yuan = models.DecimalField(
        _("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField(_("决定日期"))
    description = models.TextField(_("违法事实"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")

    def __str__(self) -> str:
        return f"{self.case_id} {self.measure}"

    @property
    def basis_label(self) -> str:
        """The cited basis as shown (with the note when its article is unverified)."""
        return legal.citation(self.basis)


class InventoryLink(models.Model):
    """A case and its two-high inventory entry (方案（七）), linked both ways."""

    case = models.OneToOneField(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="inventory_link"
    )
    entry = models.OneToOneField(
        "rules.TwoHighEntry", on_delete=models.PROTECT, related_name="case_link"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id"]
        verbose_name = _("两高清单关联")
        verbose_name_plural = _("两高清单关联")

    def __str__(self) -> str:
        return f"{self.case_id} ↔ {self.entry_id}"
