"""Cases opened before routing existed take the authority their frozen facts route to (the rule
of ``authorities.selectors.authority_for``, repeated here on the historical models); a case
whose province has no authority keeps none (the provincial authority sees it, as before)."""

from __future__ import annotations

from django.db import migrations


def _authority(authorities, settings, region: str, level: str):
    province = region[:2]
    if level == "delegated":
        target = settings.get(province, "city")
        levels = {"county": ("county", "city"), "city": ("city",)}.get(target, ())
        best = None
        for authority in authorities:
            if authority.province != province or authority.level not in levels:
                continue
            for prefix in authority.region_prefixes or [authority.code]:
                if region.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), authority)
        if best is not None:
            return best[1]
    provincial = [a for a in authorities if a.province == province and a.level == "provincial"]
    return sorted(provincial, key=lambda a: a.code)[0] if provincial else None


def backfill(apps, schema_editor) -> None:
    ReviewCase = apps.get_model("review", "ReviewCase")
    Authority = apps.get_model("authorities", "Authority")
    ProvinceSetting = apps.get_model("authorities", "ProvinceSetting")
    authorities = list(Authority.objects.filter(is_active=True))
    settings = dict(ProvinceSetting.objects.values_list("province", "delegated_tier_to"))
    cases = ReviewCase.objects.filter(authority__isnull=True).select_related("submission")
    for case in cases.iterator(chunk_size=2000):
        region = str((case.submission.facts or {}).get("region") or "")
        authority = _authority(authorities, settings, region, case.review_level or "provincial")
        if authority is not None:
            ReviewCase.objects.filter(pk=case.pk).update(authority=authority)


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0002_seed_jiangsu"),
        ("review", "0005_case_event_hash_chain"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
