"""Spreadsheet import and export of the policy data (assessment contract, "Import columns").

One table spec per model names its columns (the contract's English names, with the Chinese
headers a province's spreadsheet uses), how each cell is read and checked, and its key. Every
import is all-or-nothing: the whole file is read and checked first, every bad row reported as
``第N行``（the file's own row numbers, the header being row 1), and only a clean file is written,
in one transaction. Writing is an idempotent upsert on the key: a row whose values equal the
stored ones is not saved again, so re-importing a file adds no change history.

Used by ``manage.py import_two_high`` / ``import_region_status`` and by the admin's 导入/导出.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from config.spreadsheets import safe_row, unescape_cell
from projects.validators import PROJECT_CODE_RE
from rules import engine
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
from rules.services import (
    bulk_update_values,
    mainland_provinces,
    province_by_label,
    two_high_disposal_changes_flag,
)

HEADER_SEARCH_ROWS = 10
_KEY_CHUNK = 900


# --------------------------------------------------------------------------------------------
# Errors and results
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one row; ``row`` is the file's row number (header = 1), 0 for the file."""

    row: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = _("第%(row)d行") % {"row": self.row} if self.row else _("文件")
        if self.column:
            return _("%(where)s，%(column)s：%(message)s") % {
                "where": where,
                "column": self.column,
                "message": self.message,
            }
        return f"{where}：{self.message}"


# At most this many errors are listed in an import report (the total is always given).
ERROR_REPORT_MAX = 200


class ImportRejected(Exception):
    """The file has errors; nothing was written. ``errors`` lists every one, by row."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} errors")

    @property
    def rows(self) -> list[int]:
        """The distinct bad row numbers, in file order."""
        return sorted({e.row for e in self.errors})

    def lines(self, limit: int | None = None) -> list[str]:
        """The errors as text: the first ``limit`` (ERROR_REPORT_MAX by default), then one line
        with the total, so a file of 300,000 bad rows gives a short report, not 87 MB."""
        limit = ERROR_REPORT_MAX if limit is None else limit
        shown = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            shown.append(
                _("……其余%(rest)d处错误未列出（共%(total)d处）。")
                % {"rest": len(self.errors) - limit, "total": len(self.errors)}
            )
        return shown


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: rows read, created, updated, left unchanged, cases flagged."""

    rows: int
    created: int
    updated: int
    unchanged: int
    flagged_cases: int = 0

    def summary(self) -> str:
        text = _("共%(rows)d行：新增%(created)d条，更新%(updated)d条，未变化%(unchanged)d条。") % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.flagged_cases:
            text += _("已标记受影响的在办案件%(n)d件。") % {"n": self.flagged_cases}
        return text


class CellError(ValueError):
    """A cell's value is not acceptable; the message says why (Chinese)."""


# --------------------------------------------------------------------------------------------
# Cell readers
# --------------------------------------------------------------------------------------------
_SPACES = re.compile(r"[\s\u3000]+")
_PARENS = re.compile(r"[（(][^（()）]*[)）]")


def _text(raw: Any) -> str:
    """A cell as text: integral floats lose their ``.0`` (Excel stores codes as numbers)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    # An export escaped formula-like text with an apostrophe (config.spreadsheets): read it back.
    return unescape_cell(str(raw).replace("\ufeff", "")).strip()


def _label_key(value: str) -> str:
    return _SPACES.sub("", value).lower()


def _digits(raw: Any, width: int) -> str:
    """A numeric code; a number cell is zero-padded back to ``width`` digits."""
    text = _text(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool) and text.isdigit():
        return text.zfill(width)
    return text


def _number(raw: Any, *, minimum: float | None = None, required: bool = True) -> float | None:
    if isinstance(raw, bool):
        raise CellError(_("应为数字"))
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise CellError(_("不能为空"))
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = _text(raw).replace(",", "").replace("，", "").rstrip("%％")
        try:
            value = float(text)
        except ValueError:
            raise CellError(_("“%(value)s”不是数字") % {"value": _text(raw)}) from None
    if not math.isfinite(value):
        raise CellError(_("应为有限数值"))
    if minimum is not None and value < minimum:
        raise CellError(_("不能小于%(min)s") % {"min": f"{minimum:g}"})
    return value


def _choice(raw: Any, choices: type[models.TextChoices], labels: Mapping[str, str]) -> str:
    """A code from its English code or Chinese label (``labels``: label key -> code)."""
    text = _text(raw)
    if not text:
        raise CellError(_("不能为空"))
    code = labels.get(_label_key(text))
    if code is None:
        allowed = "、".join(f"{label}（{value}）" for value, label in choices.choices)
        raise CellError(
            _("“%(value)s”不是可用的值（可填：%(allowed)s）") % {"value": text, "allowed": allowed}
        )
    return code


def _labels(choices: type[models.TextChoices], extra: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for value, label in choices.choices:
        out[_label_key(str(value))] = str(value)
        out[_label_key(str(label))] = str(value)
    for label, value in extra.items():
        out[_label_key(label)] = value
    return out


STATUS_LABELS = _labels(InventoryStatus, {"在建项目": "in_construction", "拟建项目": "planned"})
DISPOSAL_LABELS = _labels(
    Disposal,
    {
        "继续": "continue",
        "停建": "stop",
        "淘汰": "stop",
        "停建、淘汰": "stop",
        "停建淘汰": "stop",
        "停建或淘汰": "stop",
    },
)
WARNING_LABELS = _labels(
    WarningLevel,
    {"绿": "green", "黄": "yellow", "红": "red", "一级预警": "red", "二级预警": "yellow"},
)
_TRUE = {"true", "yes", "y", "1", "是", "√", "t"}
_FALSE = {"false", "no", "n", "0", "否", "×", "f"}


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _label_key(_text(raw))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if not text:
        raise CellError(_("不能为空（填 是/否）"))
    raise CellError(_("“%(value)s”应为 是/否（true/false）") % {"value": _text(raw)})


def _optional_bool(raw: Any) -> bool:
    """是/否 (true/false); an empty cell is 否."""
    if raw is None or (not isinstance(raw, bool) and not _text(raw)):
        return False
    return _bool(raw)


INCREMENT_LABELS = _labels(
    IncrementBasis,
    {
        "改扩建": "expansion_and_renovation",
        "改扩建项目": "expansion_and_renovation",
        "未改变的改建": "unchanged_renovation",
        "建设地点、主要生产工艺和设备未改变的改建项目": "unchanged_renovation",
    },
)


def _required_text(raw: Any, *, max_length: int) -> str:
    text = _text(raw)
    if not text:
        raise CellError(_("不能为空"))
    if len(text) > max_length:
        raise CellError(_("不能超过%(n)d个字符") % {"n": max_length})
    return text


def _optional_text(raw: Any, *, max_length: int | None = None) -> str:
    text = _text(raw)
    if max_length is not None and len(text) > max_length:
        raise CellError(_("不能超过%(n)d个字符") % {"n": max_length})
    return text


def _project_code(raw: Any) -> str:
    text = _text(raw)
    if not text:
        raise CellError(_("不能为空"))
    if not PROJECT_CODE_RE.match(text):
        raise CellError(
            _("“%(value)s”格式应为 NNNN-NNNNNN-NN-NN-NNNNNN（如 2611-320500-04-01-381276）")
            % {"value": text}
        )
    return text


def _region(raw: Any) -> str:
    """A GB/T 2260 county-level (or higher) code, or a region name that names one code."""
    reference = engine.load_reference()
    text = _digits(raw, 6)
    if not text:
        raise CellError(_("不能为空"))
    if text.isdigit():
        if len(text) != 6:
            raise CellError(_("“%(value)s”应为6位行政区划代码") % {"value": text})
        if text not in reference.regions:
            raise CellError(_("“%(value)s”不是有效的行政区划代码（GB/T 2260）") % {"value": text})
        code = text
    else:
        codes = _region_codes_by_name().get(text, ())
        if len(codes) != 1:
            raise CellError(
                _("“%(value)s”不能唯一确定行政区划，请填写6位行政区划代码") % {"value": text}
                if codes
                else _("“%(value)s”不是有效的行政区划代码（GB/T 2260）") % {"value": text}
            )
        code = codes[0]
    if code[:2] not in mainland_provinces():
        raise CellError(_("“%(value)s”不属于可审查的省份") % {"value": text})
    return code


_REGIONS_BY_NAME: dict[str, tuple[str, ...]] = {}


def _region_codes_by_name() -> dict[str, tuple[str, ...]]:
    if not _REGIONS_BY_NAME:
        grouped: dict[str, list[str]] = {}
        for code, name in engine.load_reference().regions.items():
            grouped.setdefault(name, []).append(code)
        _REGIONS_BY_NAME.update({k: tuple(v) for k, v in grouped.items()})
    return _REGIONS_BY_NAME


def _industry(raw: Any) -> str:
    text = _digits(raw, 4)
    if not text:
        raise CellError(_("不能为空"))
    if not (len(text) == 4 and text.isdigit()):
        raise CellError(_("“%(value)s”应为4位国民经济行业小类代码") % {"value": text})
    if text not in engine.load_reference().industries:
        raise CellError(_("“%(value)s”不是GB/T 4754-2017的行业小类") % {"value": text})
    return text


def _province(raw: Any) -> str:
    text = _digits(raw, 2)
    if not text:
        raise CellError(_("不能为空"))
    code = province_by_label(text)
    if code is None:
        raise CellError(
            _("“%(value)s”不是有效的省份（填2位代码，如32，或省份名称）") % {"value": text}
        )
    return code


def _year(raw: Any) -> int:
    text = _text(raw).removesuffix("年")
    if not text:
        raise CellError(_("不能为空"))
    if not text.isdigit():
        raise CellError(_("“%(value)s”不是年份") % {"value": _text(raw)})
    year = int(text)
    if not 2000 <= year <= 2100:
        raise CellError(_("年份%(value)d超出范围（2000–2100）") % {"value": year})
    return year


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _text(raw)
    if not text:
        raise CellError(_("不能为空"))
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise CellError(_("“%(value)s”应为日期（YYYY-MM-DD）") % {"value": text}) from None


def _ratio(raw: Any) -> float:
    value = _number(raw, required=False)
    if value is None:
        return 1.0
    if value < 1.0:
        raise CellError(_("替代比例应不小于1.0（1.0为等量替代，大于1为减量替代）"))
    return value


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


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------
Source = IO[bytes] | bytes | str | Path


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM; a file saved by Chinese Excel as GB18030 is accepted too."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRejected([RowError(0, _("CSV文件应为UTF-8编码"))]) from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    yield from enumerate(reader, start=1)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ImportRejected([RowError(0, _("无法读取XLSX文件（文件损坏或格式不符）"))]) from None
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()


def table_rows(source: Source, *, filename: str = "") -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` of a CSV or XLSX file (by content, else by file name)."""
    data = _read_bytes(source)
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected([RowError(0, _("不支持旧版.xls格式，请另存为.xlsx或CSV后导入"))])
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportRejected([RowError(0, _("无法读取XLSX文件（文件损坏或格式不符）"))])
    return _csv_rows(data)


def _header_key(value: Any) -> str:
    text = _text(value).lstrip("*＊").rstrip("*＊")
    text = _PARENS.sub("", text)
    return _SPACES.sub("", text).lower().replace("-", "_")


def _header_map(spec: TableSpec) -> dict[str, str]:
    out: dict[str, str] = {}
    for column in spec.columns:
        out[_header_key(column.name)] = column.name
        field_ = spec.model._meta.get_field(column.name)
        out.setdefault(_header_key(str(field_.verbose_name)), column.name)
        for label in column.labels:
            out.setdefault(_header_key(label), column.name)
    return out


def _locate_header(
    spec: TableSpec, rows: Iterator[tuple[int, list[Any]]]
) -> tuple[int, dict[int, str]]:
    """The header row (first row naming at least two known columns, within the first rows)."""
    known = _header_map(spec)
    for number, cells in rows:
        mapping = {i: known[k] for i, cell in enumerate(cells) if (k := _header_key(cell)) in known}
        if len(set(mapping.values())) >= 2:
            return number, mapping
        if number >= HEADER_SEARCH_ROWS:
            break
    expected = "、".join(f"{c.labels[0]}（{c.name}）" for c in spec.columns)
    raise ImportRejected([RowError(1, _("未找到表头，应包含列：%(cols)s") % {"cols": expected})])


@dataclass(slots=True)
class _Parsed:
    rows: list[tuple[int, dict[str, Any]]]


def table_parse(spec: TableSpec, source: Source, *, filename: str = "") -> _Parsed:
    """Read and check every row; raise :class:`ImportRejected` listing every problem."""
    rows = table_rows(source, filename=filename)
    header_row, mapping = _locate_header(spec, rows)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, name in mapping.items():
        if name in seen:
            errors.append(RowError(header_row, _("列“%(name)s”出现了不止一次") % {"name": name}))
        seen[name] = index
    present = frozenset(mapping.values())
    for column in spec.columns:
        if column.required and column.name not in present:
            errors.append(
                RowError(
                    header_row,
                    _("缺少列“%(label)s”（%(name)s）")
                    % {"label": column.labels[0], "name": column.name},
                )
            )
    if errors:
        raise ImportRejected(errors)

    parsed: list[tuple[int, dict[str, Any]]] = []
    keys: dict[tuple[Any, ...], int] = {}
    for number, cells in rows:
        if not any(_text(c) for c in cells):
            continue
        values: dict[str, Any] = {}
        row_ok = True
        for column in spec.columns:
            index = seen.get(column.name)
            if index is None:
                values[column.name] = column.default
                continue
            raw = cells[index] if index < len(cells) else None
            try:
                values[column.name] = column.read(raw)
            except CellError as exc:
                errors.append(RowError(number, str(exc), _column_label(spec, column)))
                row_ok = False
        if not row_ok:
            continue
        key = tuple(values[k] for k in spec.key)
        if key in keys:
            errors.append(
                RowError(
                    number,
                    _("与第%(other)d行重复（%(key)s）")
                    % {"other": keys[key], "key": "、".join(str(k) for k in key if k is not None)},
                    "、".join(_column_label(spec, c) for c in spec.columns if c.name in spec.key),
                )
            )
            continue
        keys[key] = number
        if spec.derive is not None:
            spec.derive(values)
        parsed.append((number, values))
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([RowError(header_row, _("文件中没有数据行"))])
    return _Parsed(parsed)


def _column_label(spec: TableSpec, column: Column) -> str:
    return str(spec.model._meta.get_field(column.name).verbose_name)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def _existing(spec: TableSpec, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
    model = spec.model
    found: dict[tuple[Any, ...], Any] = {}
    if len(spec.key) == 1:
        name = spec.key[0]
        flat = [k[0] for k in keys]
        for start in range(0, len(flat), _KEY_CHUNK):
            chunk = flat[start : start + _KEY_CHUNK]
            for obj in model._default_manager.filter(**{f"{name}__in": chunk}):
                found[(getattr(obj, name),)] = obj
    else:
        # Narrowed on the first two key fields, matched on the whole key (a third may be an
        # optional relation: the authority of an energy budget, NULL for the province's).
        wanted = set(keys)
        first, second = spec.key[:2]
        related = [k for k in spec.key if model._meta.get_field(k).is_relation]
        query = model._default_manager.filter(
            **{f"{first}__in": {k[0] for k in keys}, f"{second}__in": {k[1] for k in keys}}
        )
        if related:
            query = query.select_related(*related)
        for obj in query:
            key = tuple(getattr(obj, name) for name in spec.key)
            if key in wanted:
                found[key] = obj
    return found


def table_upsert(
    spec: TableSpec,
    rows: Iterable[dict[str, Any]],
    *,
    by: Any = None,
    reason: str = "",
) -> ImportResult:
    """Create or update ``spec.model`` rows by key; save only rows whose values differ.

    History: one historical record per created or changed row, with ``by`` and ``reason``.
    For the two-high inventory, a changed disposal flags the project's open review cases.
    Runs in one transaction; the caller has validated the rows.
    """
    # Optional columns a caller leaves out take their defaults (e.g. two_high_suspended).
    optional = {c.name: c.default for c in spec.columns if not c.required}
    rows = [{**optional, **r} for r in rows]
    fields = spec.fields
    now = timezone.now()
    with transaction.atomic():
        existing = _existing(spec, [tuple(r[k] for k in spec.key) for r in rows])
        new: list[models.Model] = []
        changed: list[models.Model] = []
        disposal_changes: dict[str, tuple[str | None, str]] = {}
        unchanged = 0
        for values in rows:
            key = tuple(values[k] for k in spec.key)
            obj = existing.get(key)
            if obj is None:
                obj = spec.model(**{**spec.create_defaults, **values})
                if spec is TWO_HIGH:
                    disposal_changes[values["project_code"]] = (None, values["disposal"])
                new.append(obj)
                continue
            if all(getattr(obj, f) == values[f] for f in fields):
                unchanged += 1
                continue
            if spec is TWO_HIGH and obj.disposal != values["disposal"]:
                disposal_changes[obj.project_code] = (obj.disposal, values["disposal"])
            for f in fields:
                setattr(obj, f, values[f])
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
            changed.append(obj)
        try:
            if new:
                bulk_create_with_history(
                    new,
                    spec.model,
                    batch_size=1000,
                    default_user=by,
                    default_change_reason=reason,
                    default_date=now,
                )
            if changed:
                write = [f for f in fields if f not in spec.key]
                if hasattr(spec.model, "updated_at"):
                    write.append("updated_at")
                bulk_update_values(spec.model, changed, write)
                get_history_manager_for_model(spec.model).bulk_history_create(
                    changed,
                    batch_size=1000,
                    update=True,
                    default_user=by,
                    default_change_reason=reason,
                    default_date=now,
                )
        except IntegrityError as exc:
            # Another import wrote the same key meanwhile; the transaction is rolled back.
            raise ImportRejected([RowError(0, _("写入失败，请重试：%(e)s") % {"e": exc})]) from exc
        flagged = (
            two_high_disposal_changes_flag(changes=disposal_changes, by=by, reason=reason)
            if disposal_changes
            else 0
        )
    return ImportResult(
        rows=len(rows),
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        flagged_cases=flagged,
    )


def table_import(
    spec: TableSpec, source: Source, *, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import a CSV/XLSX file into ``spec.model``: all rows or none.

    Raises :class:`ImportRejected` (every bad row, nothing written) or returns the counts.
    """
    parsed = table_parse(spec, source, filename=filename)
    label = reason or _("导入文件%(name)s") % {"name": filename or "-"}
    with transaction.atomic():
        if spec.guard is not None:
            existing = _existing(spec, [tuple(v[k] for k in spec.key) for _n, v in parsed.rows])
            errors = [
                RowError(number, message)
                for number, values in parsed.rows
                if (message := spec.guard(existing.get(tuple(values[k] for k in spec.key)), values))
            ]
            if errors:
                raise ImportRejected(errors)
        return table_upsert(spec, (values for _n, values in parsed.rows), by=by, reason=label)


def two_high_import(
    *, source: Source, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import the two-high inventory (方案（七）); key ``project_code``."""
    return table_import(TWO_HIGH, source, filename=filename, by=by, reason=reason)


def region_status_import(
    *, source: Source, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import regional dual-control status (晴雨表, 方案（十二）); key ``province, year``."""
    return table_import(REGION_STATUS, source, filename=filename, by=by, reason=reason)


def energy_budget_import(
    *, source: Source, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import energy budgets (用能预算, 方案（十一）): the province's, or an authority's own (the
    审查机关 column, blank for the province's); key ``province, year, authority``."""
    return table_import(ENERGY_BUDGET, source, filename=filename, by=by, reason=reason)


def policy_version_import(
    *, source: Source, filename: str = "", by: Any = None, reason: str = ""
) -> ImportResult:
    """Import policy versions; a new version stays unpublished unless the file says otherwise."""
    return table_import(POLICY_VERSION, source, filename=filename, by=by, reason=reason)


# --------------------------------------------------------------------------------------------
# Export (the same columns, re-importable)
# --------------------------------------------------------------------------------------------
def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return ""
    if column.export is not None:
        return column.export(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _choice_labels(spec: TableSpec) -> dict[str, dict[Any, str]]:
    """Columns of coded values, as code -> the Chinese label the import accepts back."""
    out: dict[str, dict[Any, str]] = {}
    for column in spec.columns:
        try:
            choices = spec.model._meta.get_field(column.name).choices
        except FieldDoesNotExist:
            continue
        if choices:
            out[column.name] = {value: str(label) for value, label in choices}
    return out


def table_export_rows(spec: TableSpec, queryset: Iterable[Any]) -> Iterator[list[Any]]:
    """The header then one row per object, as people read them and the import reads them back:
    Chinese headers (each column's first accepted header), coded values by their Chinese label
    (在建, 整改), yes/no as 是/否."""
    yield safe_row(c.labels[0] if c.labels else c.name for c in spec.columns)
    coded = _choice_labels(spec)
    for obj in queryset:
        yield safe_row(
            coded[c.name].get(value, value) if c.name in coded else _cell(c, value)
            for c in spec.columns
            for value in (getattr(obj, c.name),)
        )


def table_export_csv(spec: TableSpec, queryset: Iterable[Any]) -> bytes:
    """UTF-8 CSV with a BOM, so that Excel shows the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table_export_rows(spec, queryset):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_export_xlsx(spec: TableSpec, queryset: Iterable[Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.title)
    for row in table_export_rows(spec, queryset):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell_read(spec: TableSpec, name: str, raw: Any) -> Any:
    """One cell read and checked as the import does (for admin forms); raises CellError."""
    return next(c for c in spec.columns if c.name == name).read(raw)
