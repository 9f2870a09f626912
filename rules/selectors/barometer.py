"""The barometer (能耗双控晴雨表, 方案（十五）): each mainland province's regional status for a
year as a tile, the counts by warning level, and the barometer table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from rules.charts import Table
from rules.models import RegionStatus, WarningLevel

from .common import (
    Province,
    provinces_mainland,
)


# ------------------------------------------------------------------------------------------
# Barometer (能耗双控晴雨表, 方案（十五）)
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BarometerTile:
    province: Province
    status: RegionStatus | None

    @property
    def level(self) -> str:
        return self.status.warning_level if self.status else "none"

    @property
    def target_ratio_pct(self) -> float | None:
        """Progress as a share of the basic target (100 = basic target met)."""
        status = self.status
        if status is None or status.progress_pct is None or not status.basic_target_pct:
            return None
        return 100.0 * status.progress_pct / status.basic_target_pct

    @property
    def bar_pct(self) -> float:
        ratio = self.target_ratio_pct
        return 0.0 if ratio is None else max(0.0, min(100.0, ratio))


def barometer_years() -> list[int]:
    """Years with regional status rows, newest first (one query)."""
    return sorted(set(RegionStatus.objects.values_list("year", flat=True).distinct()), reverse=True)


def barometer_default_year(years: list[int], today: date) -> int:
    """This year when it has rows, else the latest year that has, else this year."""
    if today.year in years or not years:
        return today.year
    earlier = [y for y in years if y <= today.year]
    return earlier[0] if earlier else years[-1]


def barometer_tiles(*, year: int) -> list[BarometerTile]:
    """The 31 mainland provinces with their status for ``year`` (None where none is stored)."""
    rows = {r.province: r for r in RegionStatus.objects.filter(year=year)}
    return [BarometerTile(province=p, status=rows.get(p.code)) for p in provinces_mainland()]


def barometer_counts(tiles: list[BarometerTile]) -> dict[str, int]:
    counts = {level: 0 for level in (*WarningLevel.values, "none")}
    for tile in tiles:
        counts[tile.level] = counts.get(tile.level, 0) + 1
    return counts


def barometer_table(tiles: list[BarometerTile], *, year: int) -> Table:
    levels = dict(WarningLevel.choices)
    rows = []
    for tile in tiles:
        s = tile.status
        rows.append(
            (
                tile.province.code,
                tile.province.name,
                year,
                s.basic_target_pct if s else None,
                s.incentive_target_pct if s else None,
                s.progress_pct if s else None,
                None if tile.target_ratio_pct is None else round(tile.target_ratio_pct, 1),
                (_("是") if s.behind_basic_target else _("否")) if s else None,
                s.substitution_ratio if s else None,
                str(levels.get(s.warning_level, s.warning_level)) if s else _("未报送"),
            )
        )
    return Table(
        key="barometer",
        title=_(
            "能耗双控晴雨表"
            "（《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（十五））"
        ),
        columns=(
            _("省份代码"),
            _("省份"),
            _("年度"),
            _("基本目标（%）"),
            _("激励目标（%）"),
            _("完成进度（%）"),
            _("进度/基本目标（%）"),
            _("未完成基本目标进度"),
            _("替代比例"),
            _("预警等级"),
        ),
        rows=rows,
        numeric=(3, 4, 5, 6, 8),
    )
