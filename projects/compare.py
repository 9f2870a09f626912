"""Two submissions of one project side by side (补正前后对比): field by field, row by row and
finding by finding, for the case page, the submission page and the API.

Reads only the frozen JSON of each Submission (facts, details, assessment), so a comparison
never changes when the draft or the policy moves on. Rows are matched by what they are (the
energy type, the product, the source's description, the finding's code and product), not by
position, so a reordered list shows no change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from common.numbers import format_number

from . import labels
from .models import ConstructionType, Project, Submission

# Lists of the facts: (payload key, the key that names a row, the value shown for a row).
ROW_KEYS: dict[str, str] = {
    "energy": "type",
    "baseline_energy": "type",
    "products": "product",
    "substitution_sources": "description",
}
# Scalars of the frozen assessment worth showing, in order (dotted paths).
ASSESSMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("energy.counted_tce", "counted_tce"),
    ("energy.equivalent_tce", "equivalent_tce"),
    ("energy.equal_value_tce", "equal_value_tce"),
    ("energy.electricity_kwh", "electricity_kwh"),
    ("review_level", "review_level"),
    ("route", "route"),
    ("substitution.required_tce", "required_tce"),
    ("substitution.provided_tce", "provided_tce"),
    ("substitution.shortfall_tce", "shortfall_tce"),
    ("recommendation", "recommendation"),
)
_SKIPPED_FACTS = frozenset({"submitted_on"})


@dataclass(frozen=True)
class Line:
    """One compared line: a field, a row of a list, or a finding."""

    key: str
    label: str
    old: str
    new: str
    status: str  # "same", "changed", "added" (only in the newer), "removed" (only in the older)
    code: str = ""
    severity: str = ""

    @property
    def changed(self) -> bool:
        return self.status != "same"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)

    @property
    def changed_count(self) -> int:
        return sum(1 for line in self.lines if line.changed)

    @property
    def changed_lines(self) -> list[Line]:
        return [line for line in self.lines if line.changed]

    @property
    def same_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.changed]


@dataclass(frozen=True)
class Comparison:
    project_id: int
    old_number: int
    new_number: int
    sections: list[Section]

    @property
    def changed_count(self) -> int:
        return sum(section.changed_count for section in self.sections)

    def as_dict(self) -> dict[str, Any]:
        """The API's shape: every line, with the finding codes kept for machines."""
        return {
            "project": self.project_id,
            "old": self.old_number,
            "new": self.new_number,
            "changed_count": self.changed_count,
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "changed_count": s.changed_count,
                    "lines": [asdict(line) for line in s.lines],
                }
                for s in self.sections
            ],
        }


# --------------------------------------------------------------------------------------------
# Display of one value
# --------------------------------------------------------------------------------------------
def _number(value: Any) -> str:
    return "" if value is None or value == "" else format_number(value)


def _field_label(key: str) -> str:
    """The words for a field: the page's labels, else the model's verbose name, else the key."""
    if key in labels.FIELD_LABELS:
        return str(labels.FIELD_LABELS[key])
    try:
        return str(Project._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _yes_no(value: Any) -> str:
    return _("是") if value else _("否")


def _scalar_display(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    shown: dict[str, Callable[[Any], str]] = {
        "region": lambda v: f"{labels.region_label(v)}（{v}）",
        "industry": lambda v: f"{labels.industry_label(v)}（{v}）",
        "construction_type": lambda v: str(dict(ConstructionType.choices).get(v, v)),
        "national_major_project": _yes_no,
        "review_level": lambda v: str(labels.REVIEW_LEVEL_LABELS.get(v, v)),
        "route": lambda v: str(labels.ROUTE_LABELS.get(v, v)),
        "recommendation": lambda v: str(labels.RECOMMENDATION_LABELS.get(v, v)),
    }
    if key in shown:
        return shown[key](value)
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, dict | list):
        return ""
    return str(value)


def _row_display(key: str, row: Mapping[str, Any]) -> tuple[str, str]:
    """(label, value) of one row of a list of the facts."""
    if key in ("energy", "baseline_energy"):
        text = f"{_number(row.get('quantity'))} {labels.unit_label(str(row.get('unit', '')))}"
        if row.get("low_heat_value_kj") not in (None, ""):
            text += " · " + _("低位发热量 %(v)s 千焦") % {"v": _number(row["low_heat_value_kj"])}
        return labels.energy_type_label(str(row.get("type", ""))), text.strip()
    if key == "products":
        text = _("年产量 %(o)s · 单耗 %(u)s") % {
            "o": _number(row.get("annual_output")) or "—",
            "u": _number(row.get("unit_energy")) or "—",
        }
        return labels.product_label(str(row.get("product", ""))), text
    if key == "substitution_sources":
        return str(row.get("description", "")), _("%(t)s 吨标准煤") % {
            "t": _number(row.get("saved_tce"))
        }
    label = str(row.get(ROW_KEYS.get(key, ""), "")) or "—"
    return label, ", ".join(f"{k}={v}" for k, v in row.items())


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------
def _status(old: str | None, new: str | None) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "same" if old == new else "changed"


def _keyed(rows: Iterable[Mapping[str, Any]], name_key: str) -> dict[str, Mapping[str, Any]]:
    """Rows by what they are; a second row of the same kind gets `#2` (so none is lost)."""
    out: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        base = str(row.get(name_key, "")) or "—"
        key, n = base, 1
        while key in out:
            n += 1
            key = f"{base}#{n}"
        out[key] = row
    return out


def _merge_keys(old: Iterable[str], new: Iterable[str]) -> list[str]:
    """Keys in the newer order, then those only in the older one."""
    new_keys = list(new)
    return new_keys + [k for k in old if k not in new_keys]


def _list_lines(key: str, old_rows: Any, new_rows: Any) -> list[Line]:
    name_key = ROW_KEYS.get(key, "")
    old = _keyed(old_rows or [], name_key)
    new = _keyed(new_rows or [], name_key)
    lines: list[Line] = []
    for row_key in _merge_keys(old, new):
        old_label, old_text = _row_display(key, old[row_key]) if row_key in old else ("", None)
        new_label, new_text = _row_display(key, new[row_key]) if row_key in new else ("", None)
        lines.append(
            Line(
                key=f"{key}.{row_key}",
                label=new_label or old_label,
                old=old_text or "",
                new=new_text or "",
                status=_status(old_text, new_text),
            )
        )
    return lines


def _dig(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _finding_text(finding: Mapping[str, Any], english: bool) -> str:
    if english and finding.get("message_en"):
        return str(finding["message_en"])
    return str(finding.get("message", ""))


def _finding_lines(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Line]:
    english = (get_language() or "").startswith("en")

    def keyed(assessment: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        findings = assessment.get("findings") or []
        rows = [
            {**f, "_key": f"{f.get('code', '')}:{f.get('product', '')}"}
            for f in findings
            if isinstance(f, Mapping)
        ]
        return _keyed(rows, "_key")

    old_f, new_f = keyed(old), keyed(new)
    lines: list[Line] = []
    for key in _merge_keys(old_f, new_f):
        before, after = old_f.get(key), new_f.get(key)
        finding = after or before or {}
        old_text = _finding_text(before, english) if before else None
        new_text = _finding_text(after, english) if after else None
        severity = str(finding.get("severity", ""))
        lines.append(
            Line(
                key=f"findings.{key}",
                label=str(labels.SEVERITY_LABELS.get(severity, severity)),
                old=old_text or "",
                new=new_text or "",
                status=_status(old_text, new_text),
                code=str(finding.get("code", "")),
                severity=severity,
            )
        )
    return lines


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------
def submissions_compare(*, old: Submission, new: Submission) -> Comparison:
    """Compare two frozen submissions of one project (`old` usually the earlier one)."""
    old_facts, new_facts = old.facts or {}, new.facts or {}
    basics: list[Line] = []
    lists: list[Section] = []
    for key in _merge_keys(old_facts, new_facts):
        if key in _SKIPPED_FACTS:
            continue
        before, after = old_facts.get(key), new_facts.get(key)
        if isinstance(before, list) or isinstance(after, list):
            title = _field_label(key)
            lists.append(Section(key=key, title=title, lines=_list_lines(key, before, after)))
            continue
        if isinstance(before, dict) or isinstance(after, dict):
            continue
        old_text, new_text = _scalar_display(key, before), _scalar_display(key, after)
        basics.append(
            Line(
                key=key,
                label=_field_label(key),
                old=old_text,
                new=new_text,
                status="same" if old_text == new_text else "changed",
            )
        )
    old_details, new_details = old.details or {}, new.details or {}
    for key in _merge_keys(old_details, new_details):
        before, after = old_details.get(key), new_details.get(key)
        if isinstance(before, dict) or isinstance(after, dict):
            continue
        old_text, new_text = _scalar_display(key, before), _scalar_display(key, after)
        basics.append(
            Line(
                key=key,
                label=_field_label(key),
                old=old_text,
                new=new_text,
                status="same" if old_text == new_text else "changed",
            )
        )
    old_a, new_a = old.assessment or {}, new.assessment or {}
    results: list[Line] = []
    for path, name in ASSESSMENT_FIELDS:
        last = path.rsplit(".", 1)[-1]
        old_text = _scalar_display(last, _dig(old_a, path))
        new_text = _scalar_display(last, _dig(new_a, path))
        if not old_text and not new_text:
            continue
        results.append(
            Line(
                key=f"assessment.{name}",
                label=str(ASSESSMENT_LABELS.get(name, name)),
                old=old_text,
                new=new_text,
                status="same" if old_text == new_text else "changed",
            )
        )
    sections = [
        Section(key="basics", title=_("基本信息"), lines=basics),
        *lists,
        Section(key="assessment", title=_("评估结果"), lines=results),
        Section(key="findings", title=_("评估发现"), lines=_finding_lines(old_a, new_a)),
    ]
    return Comparison(
        project_id=new.project_id,
        old_number=old.number,
        new_number=new.number,
        sections=sections,
    )


ASSESSMENT_LABELS: dict[str, Any] = {
    "counted_tce": gettext_lazy("计入能耗（吨标准煤/年）"),
    "equivalent_tce": gettext_lazy("当量值（吨标准煤）"),
    "equal_value_tce": gettext_lazy("等价值（吨标准煤）"),
    "electricity_kwh": gettext_lazy("年电力消费（千瓦时）"),
    "review_level": gettext_lazy("审查层级"),
    "route": gettext_lazy("审查路径"),
    "required_tce": gettext_lazy("应替代（吨标准煤）"),
    "provided_tce": gettext_lazy("已落实替代（吨标准煤）"),
    "shortfall_tce": gettext_lazy("替代缺口（吨标准煤）"),
    "recommendation": gettext_lazy("系统建议"),
}


def submission_pair(
    *,
    project: Project,
    old_number: Any = None,
    new_number: Any = None,
    numbers: list[int] | None = None,
) -> tuple[Submission, Submission] | None:
    """The two submissions to compare: those numbered, else the latest and the one before.
    None when the project has fewer than two; 404 for a number it does not have. ``numbers``:
    the project's submission numbers when the caller has read them (else one query)."""
    if numbers is None:
        numbers = list(project.submissions.values_list("number", flat=True))
    numbers = sorted(numbers, reverse=True)
    if len(numbers) < 2:
        return None

    def pick(value: Any, default: int) -> int:
        try:
            return int(value) if value not in (None, "") else default
        except (TypeError, ValueError):
            return default

    new_n = pick(new_number, numbers[0])
    old_n = pick(old_number, next((n for n in numbers if n < new_n), numbers[-1]))
    if old_n == new_n:
        return None
    old = get_object_or_404(project.submissions, number=old_n)
    new = get_object_or_404(project.submissions, number=new_n)
    return old, new
