"""Regenerate ``gb2260_regions.csv`` (GB/T 2260 administrative division codes) from python-stdnum.

python-stdnum ships ``stdnum/cn/loc.dat``: every six-digit division code it knows, current and
historic, with its names over time (``[1983-2019]桥东区,[2020-]襄都区``). Every code it lists is
written out (province ``xx0000`` and prefecture ``xxxx00`` rows included), named by its latest
name without the year brackets. Run from the project root::

    .venv/bin/python rules/data/build_regions.py
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from stdnum import numdb

OUTPUT = Path(__file__).resolve().parent / "gb2260_regions.csv"
_YEARS = re.compile(r"^\[[0-9]*-[0-9]*\]")


def latest_name(names: str) -> str:
    """``[1983-2019]桥东区,[2020-]襄都区`` -> ``襄都区``."""
    return _YEARS.sub("", names.split(",")[-1]).strip()


def _expand(low: str, high: str) -> list[str]:
    width = len(low)
    return [str(n).zfill(width) for n in range(int(low), int(high) + 1)]


def regions() -> dict[str, str]:
    """Code -> name for every six-digit code in stdnum's ``cn/loc`` database."""
    out: dict[str, str] = {}
    for _length, low, high, props, children in numdb.get("cn/loc").prefixes:
        for province in _expand(low, high):
            province_name = latest_name(props.get("province", ""))
            for _l2, low2, high2, props2, _children in children:
                for rest in _expand(low2, high2):
                    code = province + rest
                    if len(code) == 6:
                        out[code] = latest_name(props2.get("county", "")) or province_name
    return dict(sorted(out.items()))


def main() -> int:
    rows = regions()
    with OUTPUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(rows.items())
    print(f"wrote {len(rows)} codes to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
