"""`manage.py import_two_high FILE`: load a two-high project inventory (方案（七）)."""

from __future__ import annotations

from rules.imports import TWO_HIGH
from rules.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the two-high inventory (columns: project_code, project_name, region, industry, "
        "status, annual_tce, disposal, note; Chinese headers and labels accepted). All rows or "
        "none; exit 2 listing every bad row."
    )
    spec = TWO_HIGH
