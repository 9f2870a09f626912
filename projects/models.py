"""Who applies and what they propose (建设单位与固定资产投资项目)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .limits import DESCRIPTION_MAX
from .validators import validate_project_code, validate_uscc


class Organization(models.Model):
    """An applicant enterprise (建设单位)."""

    name = models.CharField("单位名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc]
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "建设单位"
        verbose_name_plural = "建设单位"

    def __str__(self) -> str:
        return self.name


class ConstructionType(models.TextChoices):
    NEW = "new", _("新建")
    EXPANSION = "expansion", _("扩建")
    RENOVATION = "renovation", _("改建")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    CORRECTION = "correction", _("待补正")
    EXEMPT = "exempt", _("无需单独审查（已确认）")


class Project(models.Model):
    """A proposed fixed-asset investment project and its current (editable) facts."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="projects", verbose_name="建设单位"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    project_code = models.CharField(
        "项目代码", max_length=24, blank=True, validators=[validate_project_code]
    )
    name = models.CharField("项目名称", max_length=200)
    region = models.CharField("建设地点（行政区划代码）", max_length=6, blank=True)
    industry = models.CharField("行业（GB/T 4754-2017 小类）", max_length=4, blank=True)
    construction_type = models.CharField(
        "建设性质", max_length=12, choices=ConstructionType.choices, default=ConstructionType.NEW
    )
    national_major_project = models.BooleanField("国家重大项目", default=False)
    # Contract v2 facts (assessment-contract.md, version 2).
    project_type = models.CharField(
        "项目类型（不单独进行节能审查的项目类型）", max_length=32, blank=True
    )
    unchanged_site_process_equipment = models.BooleanField(
        "改建项目建设地点、主要生产工艺和设备未改变", default=False
    )
    national_major_document = models.CharField("国家重大项目备案文号", max_length=100, blank=True)
    national_major_relief_share = models.FloatField("国家重大项目能耗减免比例", default=0)
    planned_start = models.DateField("计划开工", null=True, blank=True)
    planned_completion = models.DateField("计划建成", null=True, blank=True)
    total_investment_wan = models.DecimalField(
        "总投资（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(
        "建设内容",
        blank=True,
        max_length=DESCRIPTION_MAX,
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
    )
    renewable_electricity_kwh = models.FloatField("可再生能源电力（千瓦时/年）", default=0)
    feedstock_tce = models.FloatField("原料用能（吨标准煤/年）", default=0)
    status = models.CharField(
        "状态", max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    # The engine's result for the current draft; the frozen one lives on each Submission.
    draft_assessment = models.JSONField("草稿评估", null=True, blank=True)
    # What the reviewer asked to correct (补正事项) in the current correction round.
    correction_items = models.JSONField("补正事项", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = "项目"
        verbose_name_plural = "项目"
        indexes = [
            models.Index(fields=["organization", "status"]),
            # The lists' order (API and pages, newest change first): a page walks this index and
            # stops after 20 rows instead of sorting every project (issue 14; EXPLAIN in
            # tests/scale/test_indexes.py).
            models.Index(fields=["-updated_at", "-id"], name="project_recent_idx"),
            # The split-project check's site branch (same region and industry, issue 12;
            # EXPLAIN in tests/supervision/test_split_plan.py).
            models.Index(fields=["region", "industry"], name="project_site_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def province(self) -> str:
        return self.region[:2]

    @property
    def is_editable(self) -> bool:
        return self.status in (ProjectStatus.DRAFT, ProjectStatus.CORRECTION)


class EnergyLine(models.Model):
    """One energy type the project uses per year; `baseline` lines describe a renovated site."""

    class Kind(models.TextChoices):
        ENERGY = "energy", _("项目用能")
        BASELINE = "baseline", _("改建前用能")
        EXPORTED = "exported", _("外供能源")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="energy_lines")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ENERGY)
    energy_type = models.CharField("能源品种", max_length=32)
    quantity = models.FloatField("年用量")
    unit = models.CharField("计量单位", max_length=16)
    low_heat_value_kj = models.FloatField("实测低位发热量（千焦）", null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "kind", "position", "id"]
        verbose_name = "能源消费"
        verbose_name_plural = "能源消费"

    def __str__(self) -> str:
        return f"{self.energy_type} {self.quantity} {self.unit}"


class ProductLine(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="product_lines")
    product = models.CharField("产品", max_length=64)
    annual_output = models.FloatField("年产量", default=0)
    unit_energy = models.FloatField("单位产品综合能耗")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "id"]
        verbose_name = "主要产品"
        verbose_name_plural = "主要产品"

    def __str__(self) -> str:
        return self.product


class SubstitutionSource(models.Model):
    """A verified saving elsewhere that offsets the project's energy use (能耗等量减量替代来源)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="substitution_sources"
    )
    description = models.CharField("替代来源", max_length=300)
    saved_tce = models.FloatField("年节能量（吨标准煤）")
    evidence = models.FileField("证明材料", upload_to="evidence/%Y/%m/", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "id"]
        verbose_name = "能耗替代来源"
        verbose_name_plural = "能耗替代来源"

    def __str__(self) -> str:
        return self.description


class Attachment(models.Model):
    """A PDF the applicant uploads (节能报告 and others). Served only through a permission check."""

    class Kind(models.TextChoices):
        ENERGY_REPORT = "energy_report", _("节能报告")
        CORRECTION = "correction", _("补正材料")
        OTHER = "other", _("其他材料")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.ENERGY_REPORT)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-created_at", "-id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name


class Submission(models.Model):
    """The facts and assessment frozen at one submission; later edits never change it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField("第几次提交")
    facts = models.JSONField("提交时的项目事实")
    assessment = models.JSONField("提交时的评估结果")
    policy_version = models.CharField("适用政策版本", max_length=16)
    # Project details outside the assessment contract (dates, investment, description).
    details = models.JSONField("提交时的项目信息", default=dict, blank=True)
    # The files handed in with this submission; they can no longer be deleted.
    attachments = models.ManyToManyField(
        Attachment, blank=True, related_name="submissions", verbose_name="提交的附件"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_submission_number")
        ]
        verbose_name = "提交记录"
        verbose_name_plural = "提交记录"

    def __str__(self) -> str:
        return f"{self.project} #{self.number}"
