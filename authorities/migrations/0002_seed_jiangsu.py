"""Seed the Jiangsu authorities (provincial commission and Suzhou) and province 32's setting."""

from __future__ import annotations

from django.db import migrations

AUTHORITIES = (
    ("32", "江苏省发展和改革委员会", "江苏省发展改革委", "provincial", ["32"], "苏发改能审"),
    ("3205", "苏州市发展和改革委员会", "苏州市发展改革委", "city", ["3205"], "苏州发改能审"),
)


def load(apps, schema_editor) -> None:
    Authority = apps.get_model("authorities", "Authority")
    ProvinceSetting = apps.get_model("authorities", "ProvinceSetting")
    parent = None
    for code, name, short, level, prefixes, doc_prefix in AUTHORITIES:
        authority, _ = Authority.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "level": level,
                "province": "32",
                "region_prefixes": prefixes,
                "doc_prefix": doc_prefix,
                "parent": parent,
            },
        )
        parent = parent or authority
    ProvinceSetting.objects.get_or_create(province="32", defaults={"delegated_tier_to": "city"})


class Migration(migrations.Migration):
    dependencies = [("authorities", "0001_authorities")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
