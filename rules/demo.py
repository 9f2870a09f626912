"""Demo policy data: a small two-high inventory, regional status for 2025–2026 and 2026 energy
budgets. Sample figures for demonstration and tests, not official statistics.

`seed()` is idempotent: rows already holding these values are not saved again (no history).
"""

from __future__ import annotations

from typing import Any, Final

from rules.imports import ENERGY_BUDGET, REGION_STATUS, TWO_HIGH, table_upsert
from rules.services import mainland_provinces

DEMO_REASON: Final = "示例数据"

# project_code, project_name, region, industry, status, annual_tce, disposal, note
INVENTORY: Final[tuple[tuple[Any, ...], ...]] = (
    (
        "2611-320500-04-01-381276",
        "某水泥熟料生产线技改项目",
        "320505",
        "3011",
        "planned",
        120277.66,
        "rectify",
        "能效须达到标杆水平并落实能耗等量减量替代后方可建设",
    ),
    (
        "2108-320281-04-01-552310",
        "江阴某钢铁公司炼钢产能置换项目",
        "320281",
        "3120",
        "in_construction",
        385000.0,
        "continue",
        "产能置换方案已公告",
    ),
    (
        "2203-320707-04-01-118734",
        "连云港某石化基地芳烃联合装置项目",
        "320707",
        "2511",
        "in_construction",
        1250000.0,
        "continue",
        "",
    ),
    (
        "2105-330206-04-01-662019",
        "宁波北仑某化工企业有机原料扩建项目",
        "330206",
        "2614",
        "existing",
        96000.0,
        "rectify",
        "能效低于基准水平，限期改造",
    ),
    (
        "2110-330523-04-01-203377",
        "安吉某建材公司水泥粉磨及熟料生产线",
        "330523",
        "3011",
        "planned",
        42000.0,
        "stop",
        "不符合产业政策，停止建设",
    ),
    (
        "2012-370883-04-01-774120",
        "邹城某电厂30万千瓦以下燃煤机组",
        "370883",
        "4411",
        "existing",
        310000.0,
        "stop",
        "列入淘汰计划",
    ),
    (
        "2204-370211-04-01-390551",
        "青岛黄岛某炼化一体化改造项目",
        "370211",
        "2511",
        "planned",
        880000.0,
        "rectify",
        "须落实煤炭消费减量替代",
    ),
    (
        "2107-371581-04-01-815502",
        "临清某铝业公司电解铝产能置换项目",
        "371581",
        "3216",
        "in_construction",
        520000.0,
        "continue",
        "",
    ),
)

# Regional warning levels (能耗双控晴雨表): province -> (2025, 2026). The rest are green.
WARNINGS: Final[dict[str, tuple[str, str]]] = {
    "14": ("yellow", "yellow"),
    "21": ("yellow", "yellow"),
    "23": ("yellow", "green"),
    "32": ("yellow", "red"),
    "33": ("yellow", "yellow"),
    "34": ("yellow", "green"),
    "35": ("red", "yellow"),
    "41": ("yellow", "yellow"),
    "45": ("red", "red"),
    "51": ("yellow", "green"),
    "52": ("yellow", "green"),
    "53": ("red", "yellow"),
    "61": ("red", "yellow"),
    "62": ("yellow", "yellow"),
    "63": ("red", "red"),
    "64": ("red", "red"),
    "65": ("red", "red"),
}
# Substitution ratios of provinces behind target (方案（十二）): red 1.5–2.0, yellow 1.0–1.3.
RATIOS: Final[dict[tuple[str, int], float]] = {
    ("32", 2026): 1.5,
    ("45", 2025): 1.5,
    ("45", 2026): 1.6,
    ("63", 2025): 1.6,
    ("63", 2026): 1.8,
    ("64", 2025): 2.0,
    ("64", 2026): 2.0,
    ("65", 2025): 1.8,
    ("65", 2026): 1.8,
    ("35", 2025): 1.5,
    ("53", 2025): 1.5,
    ("61", 2025): 1.6,
    ("33", 2026): 1.2,
    ("41", 2026): 1.3,
    ("62", 2025): 1.2,
}

# New energy-use budgets for 2026 (用能预算, 方案（十一）), in 10,000 tce.
BUDGETS_2026_WAN_TCE: Final[dict[str, float]] = {
    "11": 120,
    "12": 150,
    "13": 620,
    "14": 480,
    "15": 760,
    "21": 420,
    "22": 210,
    "23": 260,
    "31": 180,
    "32": 880,
    "33": 640,
    "34": 450,
    "35": 400,
    "36": 300,
    "37": 900,
    "41": 580,
    "42": 430,
    "43": 380,
    "44": 820,
    "45": 330,
    "46": 90,
    "50": 220,
    "51": 560,
    "52": 310,
    "53": 380,
    "54": 40,
    "61": 450,
    "62": 260,
    "63": 110,
    "64": 170,
    "65": 700,
}


def inventory_rows() -> list[dict[str, Any]]:
    names = TWO_HIGH.names
    rows = [dict(zip(names, values, strict=True)) for values in INVENTORY]
    for row in rows:
        row["province"] = row["region"][:2]
    return rows


def region_status_rows() -> list[dict[str, Any]]:
    rows = []
    for province in mainland_provinces():
        levels = WARNINGS.get(province, ("green", "green"))
        for year, level in zip((2025, 2026), levels, strict=True):
            basic = round(2.4 + (int(province) % 6) * 0.2, 1)
            progress = {
                "green": round(basic + 0.3 + (int(province) % 3) * 0.1, 1),
                "yellow": round(basic * 0.6, 1),
                "red": round(-0.4 - (int(province) % 4) * 0.3, 1),
            }[level]
            behind = level != "green"
            rows.append(
                {
                    "province": province,
                    "year": year,
                    "basic_target_pct": basic,
                    "incentive_target_pct": round(basic + 0.5, 1),
                    "progress_pct": progress,
                    "behind_basic_target": behind,
                    "substitution_ratio": RATIOS.get((province, year), 1.0) if behind else 1.0,
                    "warning_level": level,
                }
            )
    return rows


# Budgets review authorities hold for the cases they decide, carved out of the province's
# (code of the authority -> 10,000 tce in 2026): 苏州 for its delegated tier.
AUTHORITY_BUDGETS_2026_WAN_TCE: Final[dict[str, float]] = {"3205": 120}


def energy_budget_rows() -> list[dict[str, Any]]:
    """The provinces' 2026 budgets and, where the authority exists, the authorities' own."""
    from authorities.models import Authority

    rows: list[dict[str, Any]] = [
        {
            "province": province,
            "year": 2026,
            "authority": None,
            "budget_tce": BUDGETS_2026_WAN_TCE[province] * 10000.0,
            "note": "示例数据",
        }
        for province in mainland_provinces()
    ]
    for authority in Authority.objects.filter(code__in=AUTHORITY_BUDGETS_2026_WAN_TCE):
        rows.append(
            {
                "province": authority.province,
                "year": 2026,
                "authority": authority,
                "budget_tce": AUTHORITY_BUDGETS_2026_WAN_TCE[authority.code] * 10000.0,
                "note": "示例数据：设区的市单列预算",
            }
        )
    return rows


def seed() -> None:
    """Create or refresh the demo inventory, regional status and budgets (idempotent)."""
    table_upsert(TWO_HIGH, inventory_rows(), reason=DEMO_REASON)
    table_upsert(REGION_STATUS, region_status_rows(), reason=DEMO_REASON)
    table_upsert(ENERGY_BUDGET, energy_budget_rows(), reason=DEMO_REASON)
