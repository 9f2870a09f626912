"""The table specs: one :class:`TableSpec` per imported model (two-high list, regional status,
energy budgets, policy versions) naming its columns, Chinese headers, cell readers, key and
guards; ``SPECS`` / ``SPEC_BY_MODEL`` index them, and :func:`cell_read` reads one cell as the
import does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from rules.models import (
    Disposal,
    EnergyBudget,
    IncrementBasis,
    InventoryStatus,
    PolicyVersion,
    RegionStatus,
    TwoHighEntry,
    WarningLevel,
)

from .cells import (
    DISPOSAL_LABELS,
    INCREMENT_LABELS,
    STATUS_LABELS,
    WARNING_LABELS,
    _bool,
    _choice,
    _date,
    _industry,
    _number,
    _optional_bool,
    _optional_text,
    _project_code,
    _province,
    _ratio,
    _region,
    _required_text,
    _text,
    _year,
)
from .results import CellError


# --------------------------------------------------------------------------------------------
# Table specs
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Column:
    """A column: its contract name, the Chinese headers accepted, and its cell reader."""

    name: str
    labels: tuple[str, ...]
    read: Callable[[Any], Any]
    required: bool = True
    default: Any = None
    export: Callable[[Any], Any] | None = None


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How one model is imported and exported."""

    slug: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    title: str
    derive: Callable[[dict[str, Any]], None] | None = None
    extra_fields: tuple[str, ...] = ()
    # Values set on rows the import creates (not columns of the file).
    create_defaults: Mapping[str, Any] = field(default_factory=dict)
    # Checks a row against the stored object (None when new); returns an error or None.
    guard: Callable[[Any, dict[str, Any]], str | None] | None = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def fields(self) -> list[str]:
        return [*self.names, *self.extra_fields]


def _derive_province(values: dict[str, Any]) -> None:
    values["province"] = values["region"][:2]


def _export_bool(value: Any) -> str:
    return "是" if value else "否"


TWO_HIGH = TableSpec(
    slug="two_high",
    model=TwoHighEntry,
    title="两高项目清单",
    key=("project_code",),
    columns=(
        Column("project_code", ("项目代码", "项目统一代码", "项目编码"), _project_code),
        Column("project_name", ("项目名称", "名称"), lambda v: _required_text(v, max_length=200)),
        Column(
            "region",
            ("行政区划代码", "地区", "行政区划", "地区代码", "所在地区", "建设地点"),
            _region,
        ),
        Column("industry", ("行业代码", "行业", "所属行业", "国民经济行业代码"), _industry),
        Column(
            "status",
            ("状态", "类别", "项目类别", "项目状态"),
            lambda v: _choice(v, InventoryStatus, STATUS_LABELS),
        ),
        Column(
            "annual_tce",
            ("年综合能耗", "年综合能源消费量", "综合能耗", "年能耗"),
            lambda v: _number(v, minimum=0, required=False),
            required=False,
        ),
        Column(
            "disposal",
            ("处置意见", "分类处置意见", "处置"),
            lambda v: _choice(v, Disposal, DISPOSAL_LABELS),
        ),
        Column("note", ("备注", "说明"), _optional_text, required=False, default=""),
    ),
    derive=_derive_province,
    extra_fields=("province",),
)

REGION_STATUS = TableSpec(
    slug="region_status",
    model=RegionStatus,
    title="地区能耗双控进展",
    key=("province", "year"),
    columns=(
        Column("province", ("省份", "省份代码", "省", "省级行政区"), _province),
        Column("year", ("年度", "年份"), _year),
        Column(
            "basic_target_pct",
            ("基本目标", "基本目标进度", "能耗强度降低基本目标"),
            lambda v: _number(v, required=False),
            required=False,
        ),
        Column(
            "incentive_target_pct",
            ("激励目标", "激励目标进度"),
            lambda v: _number(v, required=False),
            required=False,
        ),
        Column(
            "progress_pct",
            ("进度", "完成进度", "目标完成进度"),
            lambda v: _number(v, required=False),
            required=False,
        ),
        Column(
            "behind_basic_target",
            ("是否落后基本目标", "落后基本目标", "未完成基本目标进度"),
            _bool,
            export=_export_bool,
        ),
        Column("substitution_ratio", ("替代比例", "减量替代比例"), _ratio),
        Column(
            "warning_level",
            ("预警等级", "预警", "晴雨表"),
            lambda v: _choice(v, WarningLevel, WARNING_LABELS),
        ),
        Column(
            "two_high_suspended",
            ("暂停两高项目节能审查", "两高项目暂停审查", "暂停两高审查"),
            _optional_bool,
            required=False,
            default=False,
            export=_export_bool,
        ),
    ),
)


def _authority(raw: Any) -> Any:
    """A review authority by its code (3205), name or short name; blank: the province's own."""
    from authorities.models import Authority

    text = _text(raw)
    if not text:
        return None
    code = text.split()[0]
    found = list(Authority.objects.filter(code=code)) if code.isdigit() else []
    if not found:
        found = list(Authority.objects.filter(models.Q(name=text) | models.Q(short_name=text)))
    if len(found) != 1:
        raise CellError(
            _("“%(value)s”不是已登记的审查机关（填机关代码，如3205，或机关名称）") % {"value": text}
        )
    return found[0]


def _budget_guard(obj: EnergyBudget | None, values: dict[str, Any]) -> str | None:
    """An authority's budget lies in its own province."""
    authority = values.get("authority")
    if authority is not None and authority.province != values["province"]:
        return _("审查机关%(a)s不属于省份%(p)s") % {"a": authority.name, "p": values["province"]}
    return None


ENERGY_BUDGET = TableSpec(
    slug="energy_budget",
    model=EnergyBudget,
    title="用能预算",
    key=("province", "year", "authority"),
    columns=(
        Column("province", ("省份", "省份代码", "省"), _province),
        Column("year", ("年度", "年份"), _year),
        # Blank: the province's budget; an authority: the budget it holds for its own cases.
        Column(
            "authority",
            ("审查机关", "单列预算的审查机关", "机关代码"),
            _authority,
            required=False,
            default=None,
            export=lambda a: f"{a.code} {a.name}",
        ),
        Column(
            "budget_tce",
            ("新增用能预算", "用能预算", "预算"),
            lambda v: _number(v, minimum=0),
        ),
        Column(
            "note",
            ("说明", "备注"),
            lambda v: _optional_text(v, max_length=200),
            required=False,
            default="",
        ),
    ),
    guard=_budget_guard,
)


def _policy_version_guard(obj: PolicyVersion | None, values: dict[str, Any]) -> str | None:
    """A published version is fixed (assessments cite it); a new one needs its own date."""
    if obj is not None:
        if obj.published and any(getattr(obj, k) != v for k, v in values.items()):
            return _("政策版本%(v)s已发布，不能修改；请以新的版本号新增") % {"v": obj.version}
        return None
    clash = PolicyVersion.objects.filter(effective_from=values["effective_from"]).first()
    if clash is not None:
        return _("施行日期%(d)s与已有版本%(v)s相同") % {
            "d": values["effective_from"].isoformat(),
            "v": clash.version,
        }
    return None


POLICY_VERSION = TableSpec(
    slug="policy_version",
    model=PolicyVersion,
    title="政策版本",
    key=("version",),
    columns=(
        Column("version", ("版本",), lambda v: _required_text(v, max_length=16)),
        Column("effective_from", ("施行日期", "生效日期"), _date, export=lambda d: d.isoformat()),
        Column(
            "provincial_threshold_tce",
            ("省级审查门槛",),
            lambda v: _number(v, minimum=0),
        ),
        Column(
            "exempt_below_tce", ("免于单独审查能耗", "免审能耗"), lambda v: _number(v, minimum=0)
        ),
        Column(
            "exempt_below_kwh", ("免于单独审查电力", "免审电力"), lambda v: _number(v, minimum=0)
        ),
        Column(
            "two_high_window_guidance_tce",
            ("两高项目窗口指导门槛", "窗口指导门槛"),
            lambda v: _number(v, minimum=0, required=False),
        ),
        Column(
            "substitution_rules",
            ("适用2021年双控方案规则", "双控方案规则"),
            _bool,
            export=_export_bool,
        ),
        Column(
            "increment_basis",
            ("按增量计算的项目", "增量计算"),
            lambda v: _choice(v, IncrementBasis, INCREMENT_LABELS),
            required=False,
            default=IncrementBasis.EXPANSION_AND_RENOVATION.value,
        ),
        Column(
            "regional_deducts_renewable",
            ("扣除新增可再生能源", "地区能耗双控扣除新增可再生能源"),
            _optional_bool,
            required=False,
            default=False,
            export=_export_bool,
        ),
        Column(
            "regional_deducts_feedstock",
            ("扣除原料用能", "地区能耗双控扣除原料用能"),
            _optional_bool,
            required=False,
            default=False,
            export=_export_bool,
        ),
        Column(
            "equal_value_kgce_per_kwh",
            ("电力等价值", "等价值"),
            lambda v: _number(v, minimum=0),
        ),
        Column(
            "measures_edition",
            ("《办法》版本", "办法版本"),
            lambda v: _required_text(v, max_length=8),
        ),
        Column("basis", ("依据",), _optional_text, required=False, default=""),
    ),
    create_defaults={"published": False},
    guard=lambda obj, values: _policy_version_guard(obj, values),
)

SPECS: dict[str, TableSpec] = {
    s.slug: s for s in (TWO_HIGH, REGION_STATUS, ENERGY_BUDGET, POLICY_VERSION)
}
SPEC_BY_MODEL: dict[type[models.Model], TableSpec] = {s.model: s for s in SPECS.values()}


def cell_read(spec: TableSpec, name: str, raw: Any) -> Any:
    """One cell read and checked as the import does (for admin forms); raises CellError."""
    return next(c for c in spec.columns if c.name == name).read(raw)
