"""Fixed wording of the documents: citations in full, standard requirements, labels."""

from __future__ import annotations

MEASURES = {
    "2016": "《固定资产投资项目节能审查办法》（国家发展改革委令2016年第44号）",
    "2023": "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）",
}
PLAN = "《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）"
BENCHMARKS = {
    "2021": "《高耗能行业重点领域能效标杆水平和基准水平（2021年版）》（发改产业〔2021〕1609号）",
    "2023": "《工业重点领域能效标杆水平和基准水平（2023年版）》（发改产业〔2023〕723号）",
}
RENEWABLE = (
    "《关于进一步做好新增可再生能源消费不纳入能源消费总量控制有关工作的通知》"
    "（发改运行〔2022〕1258号）"
)
FEEDSTOCK = (
    "《关于进一步做好原料用能不纳入能源消费总量控制有关工作的通知》（发改环资〔2022〕803号）"
)
LICENSING = "《中华人民共和国行政许可法》"
REVIEW_ACT = "《中华人民共和国行政复议法》"
LITIGATION_ACT = "《中华人民共和国行政诉讼法》"
GB2589 = "《综合能耗计算通则》（GB/T 2589-2020）"


def plan(section: str) -> str:
    """`PLAN第（七）条`: a section of the dual-control plan, cited in full."""
    return f"{PLAN}第（{section}）项"


def measures(edition: str, article: str = "") -> str:
    text = MEASURES.get(edition, MEASURES["2023"])
    return f"{text}{article}"


TITLE_SUFFIX = {
    "approval": "节能报告的审查意见",
    "rejection": "节能审查不予通过的决定",
    "deferral": "节能审查缓批的决定",
    "correction": "节能报告补正材料的通知",
    "change": "同意变更的复函",
    "receipt": "节能审查申请受理回执",
    "filing": "节能验收备案的回执",
}


def approval_requirements(edition: str) -> list[str]:
    m = measures(edition)
    return [
        "严格落实节能报告提出的各项节能措施，项目建成后的年综合能源消费量和能效水平应符合本意见核定的要求。",
        f"项目投入生产、使用前应按规定开展节能验收；未经验收或验收不合格的，不得投入生产、使用（{m}）。",
        "项目建设地点、建设规模、建设内容、主要能源品种发生变化，或年综合能源消费量增加10%及以上的，"
        f"应向我委提出变更申请（{m}）。",
        f"我委将依法对本意见的落实情况开展事中事后监管（{plan('十二')}）。",
    ]


def rejection_requirements(edition: str) -> list[str]:
    return [
        f"节能审查未通过的项目不得开工建设；已经建成的，不得投入生产、使用（{measures(edition)}）。",
        "项目调整后满足节能审查要求的，可重新编制节能报告报送审查。",
    ]


def deferral_requirements(edition: str) -> list[str]:
    return [
        f"缓批期间，项目不得开工建设（{measures(edition)}）。",
        "解除缓批的条件满足后，请通过节能审查服务平台提交说明及证明材料，我委将恢复审查并依法作出决定。",
    ]


def change_requirements(edition: str) -> list[str]:
    return [
        "变更后的项目应严格落实原审查意见及本复函提出的各项要求。",
        f"本复函与原审查意见一并作为项目节能验收和事中事后监管的依据（{measures(edition)}）。",
    ]


REMEDIES = (
    f"你单位如对本决定不服，可自收到本决定之日起六十日内依照{REVIEW_ACT}申请行政复议，"
    f"或者自收到本决定之日起六个月内依照{LITIGATION_ACT}向人民法院提起行政诉讼。"
)

ROUTE_LABELS = {
    "exempt": "无需单独审查",
    "standard": "常规审查",
    "local_two_high": "省级严格管理",
    "national_window_guidance": "报国家发展改革委窗口指导",
}
REVIEW_LEVEL_LABELS = {
    "none": "无需单独审查",
    "delegated": "省级节能审查机关确定的层级（委托审查）",
    "provincial": "省级节能审查",
}
TWO_HIGH_BASIS_LABELS = {"catalogue": "“两高”行业范围", "inventory": "“两高”项目清单"}
GUIDANCE_LABELS = {
    "supported": "同意",
    "supported_with_conditions": "附条件同意",
    "not_supported": "不同意",
}
NON_FOSSIL_TYPES = frozenset({"electricity", "heat", "steam", "other_tce"})

# What each blocking finding needs a condition to say before an approval may be issued.
ADDRESSED_BY = {
    "SUBSTITUTION_SHORTFALL": ("替代",),
    "NATIONAL_WINDOW_GUIDANCE": ("窗口指导",),
    "EFFICIENCY_BELOW_BASELINE": ("基准", "能效"),
    "EFFICIENCY_BENCHMARK_REQUIRED": ("标杆",),
    "REGION_TWO_HIGH_SUSPENDED": ("暂停",),
    "INVENTORY_DISPOSAL_STOP": ("停建",),
}
