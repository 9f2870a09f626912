"""`manage.py import_region_status FILE`: load provincial dual-control status (晴雨表)."""

from __future__ import annotations

from rules.imports import REGION_STATUS
from rules.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import regional status (columns: province, year, basic_target_pct, "
        "incentive_target_pct, progress_pct, behind_basic_target, substitution_ratio, "
        "warning_level; Chinese headers and labels accepted). All rows or none; exit 2 listing "
        "every bad row."
    )
    spec = REGION_STATUS
