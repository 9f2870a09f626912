"""Rendering of the authority's report tables as server-side SVG charts.

No JavaScript and no CDN: the service must work offline, so each chart is an inline ``<svg>``
built here from the same :class:`Table` that the page shows as a table and the export writes.
Every label is escaped; the returned markup is safe to insert with ``{{ chart }}``. The table,
its cell display and its CSV/XLSX exports are in :mod:`rules.tables`, re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rules.tables import (
    Table,
    display_text,
    display_value,
    format_number,
    table_csv,
    table_xlsx,
)

__all__ = [
    "FONT",
    "PALETTE",
    "Series",
    "Table",
    "bar_chart",
    "display_text",
    "display_value",
    "format_number",
    "hbar_chart",
    "line_chart",
    "nice_scale",
    "table_bar_chart",
    "table_csv",
    "table_hbar_chart",
    "table_line_chart",
    "table_xlsx",
]

# Series colours (app.css --blue, --green, --yellow, --red and two neutrals), in order of use.
PALETTE: tuple[str, ...] = ("#1f4e8c", "#1a7f37", "#b58105", "#b42318", "#6941c6", "#667085")
FONT = "13px"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    color: str = ""


# ------------------------------------------------------------------------------------------
# Axis helpers
# ------------------------------------------------------------------------------------------
def nice_scale(peak: float, *, integer: bool = False, ticks: int = 4) -> tuple[float, float]:
    """An axis top and tick step for data up to ``peak``: the step is 1, 2, 2.5 or 5 × 10^n
    (1, 2 or 5 × 10^n, at least 1, for counts), the top a whole number of steps."""
    if peak <= 0 or not math.isfinite(peak):
        return (float(ticks), 1.0) if integer else (1.0, 1.0 / ticks)
    raw = peak / ticks
    base = 10.0 ** math.floor(math.log10(raw))
    steps = (1.0, 2.0, 5.0, 10.0) if integer else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(m * base for m in steps if raw <= m * base * (1 + 1e-12))
    if integer:
        step = max(1.0, step)
    top = step * math.ceil(peak / step - 1e-12)
    return top, step


def _svg_open(width: int, height: int, title: str) -> list[str]:
    label = escape(title)
    return [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}" '
        f'font-size="{FONT}" font-family="inherit" preserveAspectRatio="xMinYMin meet">',
        f"<title>{label}</title>",
    ]


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts: list[str] = []
    offset = 0.0
    for index, item in enumerate(series):
        color = item.color or PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x + offset:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + offset + 14:.1f}" y="{y:.1f}">{escape(item.name)}</text>'
        )
        offset += 28 + 13 * len(item.name)
    return parts


def _empty(width: int, height: int, title: str, message: str) -> SafeString:
    parts = _svg_open(width, height, title)
    parts.append(
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
        f'fill="#667085">{escape(message)}</text></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


# ------------------------------------------------------------------------------------------
# Charts
# ------------------------------------------------------------------------------------------
def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 560,
    height: int = 260,
    empty_message: str = "",
    reference: float | None = None,
    reference_label: str = "",
) -> SafeString:
    """Vertical grouped bars: one group per label, one bar per series.

    ``reference`` draws a dashed horizontal line (e.g. a budget or a target). Long label lists
    are rotated so they stay legible. Each bar carries a ``<title>`` tooltip with its value.
    """
    if not labels or not any(any(v for v in s.values) for s in series):
        return _empty(width, height, title, empty_message)
    rotate = len(labels) > 8
    left, right, top, bottom = 64, 12, 28, (64 if rotate else 36)
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max((v or 0) for v in s.values) for s in series)
    y_max, step = nice_scale(max(peak, reference or 0), integer=_all_integers(series))
    parts = _svg_open(width, height, title)
    parts.extend(_axis(left, top, plot_w, plot_h, y_max, step))
    group_w = plot_w / len(labels)
    bar_w = max(2.0, min(36.0, group_w * 0.8 / len(series)))
    for i, label in enumerate(labels):
        group_x = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, item in enumerate(series):
            value = float(item.values[i] or 0)
            bar_h = plot_h * value / y_max
            color = item.color or PALETTE[j % len(PALETTE)]
            x = group_x + j * bar_w
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{bar_h:.1f}" fill="{color}">'
                f"<title>{escape(label)} · {escape(item.name)}：{format_number(value)}</title>"
                "</rect>"
            )
        cx = left + (i + 0.5) * group_w
        base_y = top + plot_h + 14
        if rotate:
            parts.append(
                f'<text x="{cx:.1f}" y="{base_y:.1f}" text-anchor="end" '
                f'transform="rotate(-45 {cx:.1f} {base_y:.1f})">{escape(label)}</text>'
            )
        else:
            parts.append(
                f'<text x="{cx:.1f}" y="{base_y:.1f}" text-anchor="middle">{escape(label)}</text>'
            )
    if reference is not None and reference > 0:
        ry = top + plot_h - plot_h * reference / y_max
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{ry:.1f}" y2="{ry:.1f}" '
            'stroke="#b42318" stroke-dasharray="5 4"/>'
            f'<text x="{left + plot_w - 2}" y="{ry - 4:.1f}" text-anchor="end" '
            f'fill="#b42318">{escape(reference_label)}</text>'
        )
    if len(series) > 1 or series[0].name:
        parts.extend(_legend(series, left, 14))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def hbar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    width: int = 380,
    color: str = PALETTE[0],
    empty_message: str = "",
) -> SafeString:
    """Horizontal bars, one per label, the value printed at the bar's end: legible for
    categories with long Chinese names in a narrow card."""
    if not labels or not any(values):
        return _empty(width, 120, title, empty_message)
    row_h, top, label_w, value_w = 26, 8, 132, 44
    height = top * 2 + row_h * len(labels)
    plot_w = width - label_w - value_w
    peak = max(float(v or 0) for v in values)
    parts = _svg_open(width, height, title)
    for i, (label, raw) in enumerate(zip(labels, values, strict=True)):
        value = float(raw or 0)
        y = top + i * row_h
        bar_w = plot_w * value / peak if peak else 0
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 5}" width="{max(bar_w, 1):.1f}" '
            f'height="{row_h - 10}" fill="{color}" rx="2">'
            f"<title>{escape(label)}：{format_number(value)}</title></rect>"
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + 17}">{format_number(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 560,
    height: int = 260,
    empty_message: str = "",
) -> SafeString:
    """Lines with point markers, one per series, over evenly spaced labels (e.g. months)."""
    if not labels or not any(any(v for v in s.values) for s in series):
        return _empty(width, height, title, empty_message)
    left, right, top, bottom = 64, 16, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max((v or 0) for v in s.values) for s in series)
    y_max, step = nice_scale(peak, integer=_all_integers(series))
    parts = _svg_open(width, height, title)
    parts.extend(_axis(left, top, plot_w, plot_h, y_max, step))
    step = plot_w / max(1, len(labels) - 1) if len(labels) > 1 else 0.0
    for i, label in enumerate(labels):
        x = left + i * step if len(labels) > 1 else left + plot_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for j, item in enumerate(series):
        color = item.color or PALETTE[j % len(PALETTE)]
        points = []
        for i, value in enumerate(item.values):
            x = left + i * step if len(labels) > 1 else left + plot_w / 2
            y = top + plot_h - plot_h * float(value or 0) / y_max
            points.append((x, y, float(value or 0), labels[i]))
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{color}" '
            'stroke-width="2"/>'
        )
        for x, y, value, label in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(label)} · {escape(item.name)}：{format_number(value)}</title>"
                "</circle>"
            )
    parts.extend(_legend(series, left, 14))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _axis(
    left: float, top: float, plot_w: float, plot_h: float, y_max: float, step: float
) -> list[str]:
    parts = []
    count = round(y_max / step)
    for i in range(count + 1):
        tick = step * i
        y = top + plot_h - plot_h * tick / y_max
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#d7dde6" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#667085">'
            f"{format_number(tick)}</text>"
        )
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#98a2b3"/>')
    return parts


def _all_integers(series: Sequence[Series]) -> bool:
    return all(float(v or 0).is_integer() for s in series for v in s.values)


# ------------------------------------------------------------------------------------------
# Charts of a Table
# ------------------------------------------------------------------------------------------
def table_bar_chart(
    table: Table,
    *,
    label_col: int = 0,
    value_cols: Sequence[int] = (1,),
    labels: Sequence[str] | None = None,
    colors: Sequence[str] = (),
    empty_message: str = "",
    width: int = 560,
    height: int = 260,
) -> SafeString:
    """Bars of ``value_cols`` (one series each, named by the column header) per table row."""
    series = [
        Series(
            name=str(table.columns[col]),
            values=[float(row[col] or 0) for row in table.rows],
            color=colors[i] if i < len(colors) else "",
        )
        for i, col in enumerate(value_cols)
    ]
    return bar_chart(
        title=table.title,
        labels=list(labels) if labels is not None else [str(r[label_col]) for r in table.rows],
        series=series,
        width=width,
        height=height,
        empty_message=empty_message,
    )


def table_hbar_chart(
    table: Table,
    *,
    label_col: int = 0,
    value_col: int = 1,
    width: int = 380,
    color: str = PALETTE[0],
    empty_message: str = "",
) -> SafeString:
    """Horizontal bars of one column per table row (counts by state, route, ...)."""
    return hbar_chart(
        title=table.title,
        labels=[str(r[label_col]) for r in table.rows],
        values=[float(r[value_col] or 0) for r in table.rows],
        width=width,
        color=color,
        empty_message=empty_message,
    )


def table_line_chart(
    table: Table,
    *,
    value_cols: Sequence[int] = (1,),
    labels: Sequence[str] | None = None,
    empty_message: str = "",
    width: int = 560,
    height: int = 260,
) -> SafeString:
    """Lines of ``value_cols`` over the table's rows (e.g. months)."""
    series = [
        Series(name=str(table.columns[col]), values=[float(row[col] or 0) for row in table.rows])
        for col in value_cols
    ]
    return line_chart(
        title=table.title,
        labels=list(labels) if labels is not None else [str(r[0]) for r in table.rows],
        series=series,
        width=width,
        height=height,
        empty_message=empty_message,
    )
