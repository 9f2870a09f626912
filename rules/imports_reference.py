"""Spreadsheet import and export of the reference data admins maintain (all rows or none,
idempotent upsert on each key, with history): benchmark editions, exempt industries and project
types, coal-control regions. The columns are those of the CSVs under rules/data/, so the
shipped files import as they are. Cells are checked as the admin forms check them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from rules import engine
from rules.imports import (
    CellError,
    Column,
    TableSpec,
    _date,
    _number,
    _optional_text,
    _required_text,
    _text,
)
from rules.models import CoalControlRegion, EfficiencyBenchmark, ExemptIndustry, ExemptProjectType

CONSTRUCTION_TYPES = ("new", "expansion", "renovation")
_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _slug(raw: Any) -> str:
    text = _text(raw)
    if not text:
        raise CellError(_("不能为空"))
    if not _SLUG.match(text):
        raise CellError(_("“%(value)s”只能由小写字母、数字和下划线组成") % {"value": text})
    return text


def _optional_date(raw: Any) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return _date(raw)


def _export_date(value: Any) -> str:
    return value.isoformat() if value else ""


def _industry_list(raw: Any) -> str:
    codes = [c.strip() for c in _text(raw).replace("；", ";").split(";") if c.strip()]
    if not codes:
        raise CellError(_("不能为空"))
    known = engine.load_reference().industries
    bad = [c for c in codes if c not in known]
    if bad:
        raise CellError(_("不是GB/T 4754-2017行业小类代码：%(codes)s") % {"codes": "、".join(bad)})
    return ";".join(codes)


def _industry_class(raw: Any) -> str:
    text = _text(raw)
    if text not in engine.load_reference().industries:
        raise CellError(_("“%(value)s”不是GB/T 4754-2017的行业小类") % {"value": text})
    return text


def _region_prefix(raw: Any) -> str:
    text = _text(raw)
    if not (text.isdigit() and len(text) in (2, 4, 6)):
        raise CellError(_("“%(value)s”应为2、4或6位行政区划代码前缀") % {"value": text})
    if not any(code.startswith(text) for code in engine.load_reference().regions):
        raise CellError(_("没有以“%(value)s”开头的现行行政区划代码") % {"value": text})
    return text


def _construction_types(raw: Any) -> str:
    parts = [p.strip() for p in _text(raw).replace("；", ";").split(";") if p.strip()]
    if not parts or any(p not in CONSTRUCTION_TYPES for p in parts):
        raise CellError(_("填写new、expansion、renovation，以;分隔"))
    return ";".join(t for t in CONSTRUCTION_TYPES if t in parts)


def _long_text(raw: Any) -> str:
    return _optional_text(raw, max_length=1000)


def _required_long_text(raw: Any) -> str:
    return _required_text(raw, max_length=1000)


EFFICIENCY_BENCHMARK = TableSpec(
    slug="efficiency_benchmark",
    model=EfficiencyBenchmark,
    title="能效标杆水平和基准水平",
    key=("product", "edition"),
    columns=(
        Column("product", ("产品代码",), _slug),
        Column("name_zh", ("产品及指标",), lambda v: _required_text(v, max_length=200)),
        Column("unit", ("能耗单位",), lambda v: _required_text(v, max_length=40)),
        Column("output_unit", ("产量单位",), lambda v: _required_text(v, max_length=20)),
        Column("benchmark", ("标杆水平",), _number),
        Column("baseline", ("基准水平",), _number),
        Column("sector", ("两高行业",), lambda v: _required_text(v, max_length=32)),
        Column("industries", ("适用行业",), _industry_list),
        Column("edition", ("版本",), lambda v: _required_text(v, max_length=16)),
        Column("effective_from", ("施行日期",), _date, export=_export_date),
        Column(
            "benchmark_mandatory_from",
            ("标杆水平强制执行日期",),
            _optional_date,
            required=False,
            export=_export_date,
        ),
        Column("mandatory_basis", ("强制执行依据",), _long_text, required=False, default=""),
        Column("source", ("出处",), _required_long_text),
    ),
)

# The exempt lists carry no dates of their own: rows are in force from 2017-01-01 unless given.
_LISTED_DATES = (
    Column(
        "effective_from",
        ("施行日期",),
        _date,
        required=False,
        default=date(2017, 1, 1),
        export=_export_date,
    ),
    Column("effective_to", ("停止施行日期",), _optional_date, required=False, export=_export_date),
)

EXEMPT_INDUSTRY = TableSpec(
    slug="exempt_industry",
    model=ExemptIndustry,
    title="不单独进行节能审查的行业",
    key=("code", "effective_from"),
    columns=(
        Column("code", ("行业代码",), _industry_class),
        Column("name_zh", ("行业名称",), lambda v: _required_text(v, max_length=100)),
        Column("list_item", ("目录所列项目",), lambda v: _required_text(v, max_length=200)),
        Column("basis", ("依据",), _required_long_text),
        *_LISTED_DATES,
    ),
)

EXEMPT_PROJECT_TYPE = TableSpec(
    slug="exempt_project_type",
    model=ExemptProjectType,
    title="不单独进行节能审查的项目类型",
    key=("type", "effective_from"),
    columns=(
        Column("type", ("项目类型代码",), _slug),
        Column("name_zh", ("项目类型",), lambda v: _required_text(v, max_length=100)),
        Column("basis", ("依据",), _required_long_text),
        *_LISTED_DATES,
    ),
)

COAL_CONTROL_REGION = TableSpec(
    slug="coal_control_region",
    model=CoalControlRegion,
    title="煤炭消费替代重点区域",
    key=("code", "effective_from"),
    columns=(
        Column("code", ("行政区划代码前缀",), _region_prefix),
        Column("name_zh", ("地区",), lambda v: _required_text(v, max_length=100)),
        Column("effective_from", ("施行日期",), _date, export=_export_date),
        Column(
            "effective_to", ("停止施行日期",), _optional_date, required=False, export=_export_date
        ),
        Column("applies_to", ("适用建设性质",), _construction_types),
        Column("basis", ("依据",), _required_long_text),
    ),
)

REFERENCE_SPECS = (EFFICIENCY_BENCHMARK, EXEMPT_INDUSTRY, EXEMPT_PROJECT_TYPE, COAL_CONTROL_REGION)
