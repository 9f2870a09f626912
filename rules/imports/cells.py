"""Cell readers: each turns one raw spreadsheet cell (text, number, date, Chinese label) into the
value a model field takes, or raises :class:`CellError` saying why in Chinese. Also the
Chinese label tables of the coded fields the readers accept.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from config.spreadsheets import unescape_cell
from projects.validators import PROJECT_CODE_RE
from rules import engine
from rules.models import (
    Disposal,
    IncrementBasis,
    InventoryStatus,
    WarningLevel,
)
from rules.services import (
    mainland_provinces,
    province_by_label,
)

from .results import CellError

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
