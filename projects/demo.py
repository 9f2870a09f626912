"""Demo drafts for the applicants alice (organization A) and carol (organization B).

Sample projects for demonstration and tests, not real ones. `seed()` is idempotent: a draft that
already exists (same organization and name) is left as it is. The review helper's demo adds
submitted projects with cases.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Final

from django.contrib.auth.models import User

from . import services
from .models import Project

DRAFTS: Final[dict[str, tuple[dict[str, Any], ...]]] = {
    "alice": (
        {
            "name": "东吴水泥4500t/d熟料生产线节能技改项目",
            "project_code": "2611-320505-04-01-381277",
            "region": "320505",
            "industry": "3011",
            "construction_type": "renovation",
            "planned_start": "2027-03-01",
            "planned_completion": "2028-06-30",
            "total_investment_wan": "38600.00",
            "description": "对现有熟料线实施第四代篦冷机和高效低阻预热器改造。",
            "energy": [
                {"type": "raw_coal", "quantity": 180000, "unit": "t"},
                {"type": "electricity", "quantity": 9800, "unit": "wan_kWh"},
            ],
            "baseline_energy": [
                {"type": "raw_coal", "quantity": 172000, "unit": "t"},
                {"type": "electricity", "quantity": 9300, "unit": "wan_kWh"},
            ],
            "products": [
                {"product": "cement_clinker", "annual_output": 1400000, "unit_energy": 99.5}
            ],
        },
        {
            "name": "东吴水泥厂区分布式光伏及储能项目",
            "region": "320505",
            "industry": "4416",
            "construction_type": "new",
            "total_investment_wan": "2400.00",
            "description": "利用厂房屋顶建设分布式光伏，配套储能。",
            "energy": [{"type": "electricity", "quantity": 60, "unit": "wan_kWh"}],
        },
    ),
    "carol": (
        {
            "name": "长江化工20万吨/年离子膜烧碱扩建项目",
            "project_code": "2609-320117-04-02-771204",
            "region": "320117",
            "industry": "2612",
            "construction_type": "expansion",
            "planned_start": "2027-01-15",
            "planned_completion": "2028-10-31",
            "total_investment_wan": "126000.00",
            "energy": [
                {"type": "electricity", "quantity": 48000, "unit": "wan_kWh"},
                {"type": "steam", "quantity": 210000, "unit": "t"},
                {"type": "natural_gas", "quantity": 650, "unit": "wan_m3"},
            ],
            "products": [
                {"product": "caustic_soda_30", "annual_output": 200000, "unit_energy": 322}
            ],
            "substitution_sources": [
                {"description": "淘汰现有隔膜法烧碱装置（5万吨/年）", "saved_tce": 18000}
            ],
        },
    ),
}


def seed(personas: dict[str, User]) -> None:
    """Create the demo drafts of alice and carol that do not exist yet."""
    for username, drafts in DRAFTS.items():
        user = personas[username]
        organization = user.profile.organization
        for data in drafts:
            if Project.objects.filter(organization=organization, name=data["name"]).exists():
                continue
            services.project_create(organization=organization, by=user, data=_typed(data))


def _typed(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in ("planned_start", "planned_completion"):
        if key in out:
            out[key] = date.fromisoformat(out[key])
    if "total_investment_wan" in out:
        out["total_investment_wan"] = Decimal(out["total_investment_wan"])
    return out
