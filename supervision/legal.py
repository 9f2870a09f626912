"""Legal bases a penalty or rectification cites: the 2023《办法》 by full name and number.

Data, not ``if`` statements: each basis names the document, the article and what it provides.
``verified`` says whether the article number was checked against the gazette text in this
repository's reference material (/work/shared/domain/policy-reference.md and the 办法's text);
unverified numbers are to be confirmed by the authority's legal staff before first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MEASURES_2023: Final = "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）"


@dataclass(frozen=True)
class LegalBasis:
    key: str
    article: str
    summary: str
    verified: bool = False

    @property
    def citation(self) -> str:
        return f"{MEASURES_2023}{self.article}：{self.summary}"


_BASES: Final = (
    LegalBasis(
        "m2023_a11_split",
        "第十一条",
        "建设单位不得以拆分或合并项目等不正当手段逃避节能审查",
        verified=True,
    ),
    LegalBasis(
        "m2023_unreviewed",
        "第二十七条",
        "未经节能审查或审查未通过擅自开工建设、投入生产使用的，责令停止建设或停止生产使用、"
        "限期整改，通报批评，视情节处10万元以下罚款",
    ),
    LegalBasis(
        "m2023_fraud",
        "第二十八条",
        "以拆分项目、提供虚假材料等不正当手段通过节能审查的，撤销节能审查意见",
    ),
    LegalBasis(
        "m2023_conditions",
        "第二十九条",
        "未落实节能审查意见要求的，责令限期整改；不能整改或逾期不整改的依法处罚",
    ),
    LegalBasis(
        "m2023_acceptance",
        "第三十条",
        "未按规定进行节能验收或验收弄虚作假的，责令限期整改，依法处罚",
    ),
)

PENALTY_BASES: Final[dict[str, LegalBasis]] = {b.key: b for b in _BASES}


def citation(key: str) -> str:
    basis = PENALTY_BASES.get(key)
    return basis.citation if basis else key
