"""Load the policy versions shipped in rules/data/policy_versions.csv (policy is data)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "policy_versions.csv"


def load(apps, schema_editor):
    PolicyVersion = apps.get_model("rules", "PolicyVersion")
    with DATA.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            version = row["version"]
            edition = row.get("measures_edition") or ("2023" if version >= "2023" else "2016")
            PolicyVersion.objects.update_or_create(
                version=version,
                defaults={
                    "effective_from": date.fromisoformat(row["effective_from"]),
                    "provincial_threshold_tce": float(row["provincial_threshold_tce"]),
                    "exempt_below_tce": float(row["exempt_below_tce"]),
                    "exempt_below_kwh": float(row["exempt_below_kwh"]),
                    "two_high_window_guidance_tce": (
                        float(row["two_high_window_guidance_tce"])
                        if row["two_high_window_guidance_tce"]
                        else None
                    ),
                    "substitution_rules": row["substitution_rules"].strip().lower() == "yes",
                    "equal_value_kgce_per_kwh": float(row["equal_value_kgce_per_kwh"]),
                    "measures_edition": edition,
                    "basis": row["basis"],
                    "published": True,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
