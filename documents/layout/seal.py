"""The authority's electronic seal, drawn from data as SVG: a red ring, the authority's name
around the upper rim, a five-pointed star in the centre (the form of official seals)."""

from __future__ import annotations

import functools
import math
from base64 import b64encode
from xml.sax.saxutils import escape

SEAL_RED = "#d7000f"


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


@functools.lru_cache(maxsize=64)
def seal_svg(name: str, *, label: str = "", size: float = 160.0) -> str:
    """An SVG seal of `size` user units for `name` (2..30 characters); `label` (e.g. 节能审查专用章)
    goes under the star."""
    chars = [c for c in name.strip() if not c.isspace()][:30] or ["印"]
    c = size / 2
    ring = size * 0.47
    text_radius = size * 0.36
    font = min(size * 0.13, size * 2.6 / max(len(chars), 1))
    sweep = min(240.0, 18.0 * len(chars) + 20)  # degrees of rim the name spans, centred on top
    step = sweep / max(len(chars) - 1, 1)
    start = -90 - sweep / 2
    glyphs = []
    for i, ch in enumerate(chars):
        angle = start + i * step if len(chars) > 1 else -90
        rad = math.radians(angle)
        x = c + text_radius * math.cos(rad)
        y = c + text_radius * math.sin(rad)
        glyphs.append(
            f'<text x="0" y="0" transform="translate({x:.2f},{y:.2f}) rotate({angle + 90:.2f})" '
            f'font-size="{font:.2f}" text-anchor="middle" dominant-baseline="middle">'
            f"{escape(ch)}</text>"
        )
    label_svg = (
        f'<text x="{c:.2f}" y="{c + size * 0.3:.2f}" font-size="{size * 0.075:.2f}" '
        f'text-anchor="middle">{escape(label)}</text>'
        if label
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size:g}" height="{size:g}" '
        f'viewBox="0 0 {size:g} {size:g}"><title>{escape(name)}电子印章</title>'
        f'<g fill="{SEAL_RED}" stroke="none" opacity="0.88" '
        f'font-family="FandolSong, Noto Serif CJK SC" font-weight="700">'
        f'<circle cx="{c:g}" cy="{c:g}" r="{ring:.2f}" fill="none" stroke="{SEAL_RED}" '
        f'stroke-width="{size * 0.035:.2f}"/>'
        f'<polygon points="{_star(c, c, size * 0.14)}"/>'
        f"{''.join(glyphs)}{label_svg}</g></svg>"
    )


def seal_data_uri(name: str, *, label: str = "") -> str:
    return "data:image/svg+xml;base64," + b64encode(seal_svg(name, label=label).encode()).decode()
