"""Legal bases a penalty or rectification cites: the 2023《办法》 by full name and number.

Data, not ``if`` statements: each basis names the document, the article and what it provides.
``verified`` says whether the article number and its subject were checked against a copy of the
published text; ``source`` says where. An unverified basis is never asserted: pages, events and
notices show it with ``UNVERIFIED_NOTE`` (the authority's legal staff confirm it before use).

Checked (December 2026) in the stored public copies the project can search (third-party
reproductions of the text, not the gazette; the two agree with each other):

- 第十一条 (the owner's written pledge, which includes not evading the review by splitting or
  merging projects): http://www.erictbenoitauthor.com/articledetail?article_id=520&pagenum=2
  (第三章 节能审查, 第十一条; its 第十二条 is the 5-day intake rule the review app cites) and
  https://www.dtdata.cn/index.php?c=show&id=766 (excerpts of the 2023 办法: 第十一条).
- 第二十三条 (built or operated without a passed review: stop, rectify, 通报批评, a fine of up to
  100,000 yuan; the first article of 第五章 法律责任): http://xwpjg.cn/page183?article_id=90
  (quotes 第五章 and 第二十三条 in full) and the dtdata.cn page above (第二十三条).
  An earlier version of this file cited it as 第二十七条, which was wrong.
- The chapter's other articles (splitting or false material, conditions not carried out,
  acceptance not done or falsified): no copy of them was found (nor of the 2016 令第44号's
  chapter on legal liability; the English translation at
  http://www.csrcare.com/Law/LawShowEn?id=229558 came back with chapter I only). They are
  numbered 第二十四条 to 第二十六条 by inference (the same order after 第二十三条 as the earlier
  version's 第二十七条 to 第三十条, which started four articles late) and stay unverified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext_lazy as _

MEASURES_2023: Final = "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）"
UNVERIFIED_NOTE: Final = _("（条款序号及内容尚未与公布的原文核对，须经法制审核确认后援引）")


@dataclass(frozen=True)
class LegalBasis:
    key: str
    article: str
    summary: str
    verified: bool = False
    source: str = ""  # where the article and its subject were checked (URL or repository/path)

    @property
    def citation(self) -> str:
        """The citation as the document would print it (full name, number, article)."""
        return f"{MEASURES_2023}{self.article}：{self.summary}"

    @property
    def label(self) -> str:
        """The citation as pages, events and notices show it: an unverified one says so."""
        return self.citation if self.verified else f"{self.citation}{UNVERIFIED_NOTE}"

    @property
    def article_label(self) -> str:
        """The article alone (notices), with the same note when unverified."""
        return self.article if self.verified else f"{self.article}{UNVERIFIED_NOTE}"


_BASES: Final = (
    LegalBasis(
        "m2023_a11_split",
        "第十一条",
        "建设单位不得以拆分或合并项目等不正当手段逃避节能审查",
        verified=True,
        source="http://www.erictbenoitauthor.com/articledetail?article_id=520&pagenum=2 ; "
        "https://www.dtdata.cn/index.php?c=show&id=766",
    ),
    LegalBasis(
        "m2023_unreviewed",
        "第二十三条",
        "未按本办法规定进行节能审查，或节能审查未获通过，擅自开工建设或擅自投入生产、使用的，"
        "责令停止建设或停止生产、使用，限期整改，通报批评，视情节处10万元以下罚款",
        verified=True,
        source="http://xwpjg.cn/page183?article_id=90 ; https://www.dtdata.cn/index.php?c=show&id=766",
    ),
    # Unverified: numbered by inference and summarised from memory (see the module docstring).
    LegalBasis(
        "m2023_fraud",
        "第二十四条",
        "以拆分项目、提供虚假材料等不正当手段通过节能审查的，撤销节能审查意见",
    ),
    LegalBasis(
        "m2023_conditions",
        "第二十五条",
        "未落实节能审查意见要求的，责令限期整改；不能整改或逾期不整改的依法处罚",
    ),
    LegalBasis(
        "m2023_acceptance",
        "第二十六条",
        "未按规定进行节能验收或验收弄虚作假的，责令限期整改，依法处罚",
    ),
)

PENALTY_BASES: Final[dict[str, LegalBasis]] = {b.key: b for b in _BASES}


def citation(key: str) -> str:
    """The shown citation of a basis key (with the note when unverified); the key if unknown."""
    basis = PENALTY_BASES.get(key)
    return basis.label if basis else key
