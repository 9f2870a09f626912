"""Full citations a reader can look up: document title, number and article or section.

Every finding's ``basis`` is built here. Shorthand from the reference tables (a bare
document number such as ``发改环资规〔2017〕1975号``) is expanded to ``《title》（number）``
so that no page or document ever shows 方案（七） or 1609号 alone.
"""

from __future__ import annotations

from typing import Final

# Document number -> title. The numbers are those of the policy reference (shared/domain).
DOCUMENTS: Final[dict[str, str]] = {
    "国家发展改革委令2016年第44号": "固定资产投资项目节能审查办法",
    "国家发展改革委令2023年第2号": "固定资产投资项目节能审查办法",
    "发改环资〔2021〕1310号": "完善能源消费强度和总量双控制度方案",
    "发改产业〔2021〕1609号": "高耗能行业重点领域能效标杆水平和基准水平（2021年版）",
    "发改产业〔2023〕723号": "工业重点领域能效标杆水平和基准水平（2023年版）",
    "发改环资规〔2017〕1975号": "不单独进行节能审查的行业目录",
    "发改办环资〔2021〕629号": "2021年上半年各地区能耗双控目标完成情况晴雨表",
    "发改环资〔2022〕803号": "关于进一步做好原料用能不纳入能源消费总量控制有关工作的通知",
    "发改运行〔2022〕1258号": (
        "关于进一步做好新增可再生能源消费不纳入能源消费总量控制有关工作的通知"
    ),
    "国发〔2018〕22号": "打赢蓝天保卫战三年行动计划",
    "国发〔2023〕24号": "空气质量持续改善行动计划",
    "发改环资〔2024〕730号": "钢铁行业节能降碳专项行动计划",
    "国发〔2024〕12号": "2024—2025年节能降碳行动方案",
    "GB/T 2589-2020": "综合能耗计算通则",
}


def document(number: str) -> str:
    """``《title》（number）`` for a known document number."""
    return f"《{DOCUMENTS[number]}》（{number}）"


MEASURES_2016: Final = document("国家发展改革委令2016年第44号")
MEASURES_2023: Final = document("国家发展改革委令2023年第2号")
FANGAN: Final = document("发改环资〔2021〕1310号")
BENCHMARKS_2021: Final = document("发改产业〔2021〕1609号")
EXEMPT_CATALOGUE: Final = document("发改环资规〔2017〕1975号")
BAROMETER_629: Final = document("发改办环资〔2021〕629号")
GBT_2589: Final = document("GB/T 2589-2020")

# Articles of 《办法》 by edition: the tier (provincial or delegated) and the exemption.
_MEASURES: Final[dict[str, tuple[str, str, str]]] = {
    # edition: (citation, tier article, exemption article)
    "2016": (MEASURES_2016, "第五条", "第六条"),
    "2023": (MEASURES_2023, "第八条", "第九条"),
}


def measures(edition: str) -> str:
    return _MEASURES.get(edition, _MEASURES["2023"])[0]


def measures_tier(edition: str) -> str:
    """《办法》's article on who reviews at which consumption (the provincial threshold)."""
    citation, article, _ = _MEASURES.get(edition, _MEASURES["2023"])
    return citation + article


def measures_exemption(edition: str) -> str:
    """《办法》's article on projects not reviewed separately."""
    citation, _, article = _MEASURES.get(edition, _MEASURES["2023"])
    return citation + article


def fangan(section: str) -> str:
    """A section of the 2021 方案, e.g. ``fangan("七")``."""
    return f"{FANGAN}（{section}）"


def full_citation(text: str) -> str:
    """Expand every bare document number in ``text`` to ``《title》（number）``.

    A number already preceded by its title (``《title》（number）``) is left as it is, so the
    function is idempotent.
    """
    out = text.strip()
    for number, title in DOCUMENTS.items():
        if number not in out or f"《{title}》" in out:
            continue
        wrapped = f"（{number}）"
        if wrapped in out:
            out = out.replace(wrapped, f"《{title}》{wrapped}", 1)
        else:
            out = out.replace(number, f"《{title}》{wrapped}", 1)
    # Tidy "》（number） text" into "》（number）text": the number is the end of the citation.
    return out.replace("） ", "）")


def join(*parts: str) -> str:
    """Several citations, separated by the Chinese semicolon; empty parts dropped."""
    return "；".join(p for p in parts if p)
