"""Everything a document prints, as display strings, from the frozen submission and the draft.

Figures and names come from the case's frozen submission (facts, assessment, details) only, never
from live project or organization rows: a document re-rendered after the organization is renamed
prints the name it was submitted under. The editable text comes from the draft's `sections`.
"""

from __future__ import annotations

import base64
import functools
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings

from documents.layout import texts
from documents.layout.energy import energy_section
from documents.layout.filing import filing_section
from documents.layout.numerals import (
    chinese_date,
    chinese_numeral_date,
    chinese_ordinal,
    items,
    merge_items,
    num,
    quantity,
)
from documents.layout.seal import seal_data_uri
from documents.numbering import Issuer, issuer_for

VALIDITY_YEARS = 2


@dataclass(slots=True)
class DocumentInput:
    """What one rendering needs besides the case's frozen record."""

    case: Any
    kind: str
    sections: dict[str, Any]
    number: str
    issued_on: date
    token: str
    draft: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def valid_until(issued_on: date) -> date:
    try:
        return issued_on.replace(year=issued_on.year + VALIDITY_YEARS)
    except ValueError:
        return issued_on.replace(year=issued_on.year + VALIDITY_YEARS, day=28)


def verify_url(token: Any) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{token}"


class DocumentBuilder:
    def __init__(self, data: DocumentInput, *, issuer: Issuer | None = None) -> None:
        from rules import engine

        self.engine = engine
        self.reference = engine.load_reference()
        self.data = data
        self.case = data.case
        self.submission = self.case.submission
        self.facts: dict[str, Any] = dict(self.submission.facts or {})
        self.assessment: dict[str, Any] = dict(self.submission.assessment or {})
        self.details: dict[str, Any] = dict(getattr(self.submission, "details", None) or {})
        self.kind = data.kind
        self.sections = data.sections or {}
        self.issuer = issuer or issuer_for(self.case)
        self.edition = (self.assessment.get("policy") or {}).get("measures_edition") or (
            "2016" if str(self.assessment.get("policy_version", "")) < "2023" else "2023"
        )

    # -- frozen names ---------------------------------------------------------------------------
    def organization(self) -> dict[str, str]:
        frozen = self.details.get("organization") or {}
        if frozen.get("name"):
            return {"name": frozen["name"], "credit_code": frozen.get("credit_code") or "—"}
        org = self.case.project.organization  # records older than the frozen details
        return {"name": org.name, "credit_code": org.credit_code}

    def build(self) -> dict[str, Any]:
        data = self.data
        name = self.facts.get("name") or self.case.project.name
        url = verify_url(data.token)
        org = self.organization()
        energy = energy_section(
            assessment=self.assessment,
            facts=self.facts,
            reference=self.reference,
            issued_on=data.issued_on,
            edition=self.edition,
            counted_fallback=self.case.counted_tce,
        )
        return {
            "kind": self.kind,
            "draft": data.draft,
            "authority": self.issuer.name,
            "number": data.number or "〔签发时编号〕",
            "title": f"{self.issuer.name_short}关于{name}{texts.TITLE_SUFFIX[self.kind]}",
            "issued_on_zh": chinese_numeral_date(data.issued_on),
            "issued_on": chinese_date(data.issued_on),
            "addressee": org["name"],
            "measures": texts.measures(self.edition),
            "plan": texts.PLAN,
            "policy_version": self.assessment.get("policy_version")
            or self.submission.policy_version,
            "project": self._project(name, org),
            "energy": energy,
            "two_high": self._two_high(),
            "high_energy": bool(self.assessment.get("high_energy")),
            "route": texts.ROUTE_LABELS.get(self.assessment.get("route", ""), self.case.route),
            "review_level": texts.REVIEW_LEVEL_LABELS.get(
                self.assessment.get("review_level", ""), self.case.review_level
            ),
            "efficiency": self._efficiency(),
            "substitution": self._substitution(),
            "national_major": bool(self.facts.get("national_major_project")),
            "history": self._history(),
            "decision": self._decision(energy),
            "validity": {
                "years_zh": "两",
                "until_zh": chinese_date(valid_until(data.issued_on)),
            },
            "verify": {"url": url, "token": str(data.token), "qr": _qr(url)},
            "seal": "" if data.draft else seal_data_uri(self.issuer.name),
            "copy_to": self._copy_to(),
            "printer": f"{self.issuer.name}办公室",
            "cited_plan": {s: texts.plan(s) for s in ("六", "七", "八", "十一", "十二")},
            "remedies": texts.REMEDIES,
            "extra": data.extra,
            "answer_by": self._answer_by(),
            "filing": filing_section(self.case) if self.kind == "filing" else {},
        }

    def _answer_by(self) -> str:
        """The 补正 answer-by date frozen in the draft (`2027年1月15日`), or "" (drafts opened
        before it was frozen)."""
        raw = self.data.extra.get("answer_by")
        try:
            return chinese_date(date.fromisoformat(str(raw))) if raw else ""
        except ValueError:
            return ""

    def _project(self, name: str, org: dict[str, str]) -> dict[str, Any]:
        project = self.case.project
        region = self.facts.get("region") or project.region
        industry = self.facts.get("industry") or project.industry
        construction = self.facts.get("construction_type") or project.construction_type
        investment = self.details.get("total_investment_wan", project.total_investment_wan)
        description = self.details.get("description", project.description) or ""
        scale = self.facts.get("scale") or self.details.get("scale") or ""
        if not scale:
            scale = "；".join(
                f"{p['name']}年产{quantity(p['output'])}{p['unit']}" for p in self._products()
            )
        from projects.models import ConstructionType

        return {
            "name": name,
            "code": self.facts.get("project_code") or project.project_code or "—",
            "organization": org["name"],
            "credit_code": org["credit_code"],
            "location": f"{self.region_name(region)}（{region}）" if region else "—",
            "industry": f"{industry} {self.reference.industries.get(industry, '')}".strip(),
            "construction_type": dict(ConstructionType.choices).get(construction, construction),
            "investment": f"{float(investment):,.2f}万元" if investment not in (None, "") else "—",
            "scale": scale or "—",
            "description": description or "—",
            "measures": self._saving_measures(),
        }

    def _products(self) -> list[dict[str, Any]]:
        rows = []
        for p in self.facts.get("products") or []:
            benchmark = self.reference.benchmarks.get(p.get("product", ""))
            rows.append(
                {
                    "name": benchmark.name_zh.replace("单位产品综合能耗", "")
                    if benchmark
                    else p.get("product", ""),
                    "output": p.get("annual_output"),
                    "unit": "吨",
                }
            )
        return rows

    def _saving_measures(self) -> list[str]:
        """主要节能措施: as the draft states them, else as the application listed them."""
        edited = self.sections.get("measures")
        if edited:
            return [str(m) for m in edited]
        return frozen_saving_measures(self.facts, self.details)

    def region_name(self, code: str) -> str:
        regions = self.reference.regions
        parts: list[str] = []
        for prefix in (code[:2] + "0000", code[:4] + "00", code):
            label = regions.get(prefix)
            if label and label not in parts and label not in ("市辖区", "县", "省直辖县级行政区划"):
                parts.append(label)
        return "".join(parts) or code

    def _copy_to(self) -> str:
        """The city and county authorities of the project's location (from the authorities
        table, else named after GB/T 2260), and the provincial energy-conservation inspectorate."""
        region = self.facts.get("region") or self.case.project.region or ""
        regions = self.reference.regions
        names: list[str] = []
        for level, code in (("city", region[:4] + "00"), ("county", region)):
            if len(region) != 6 or (level == "county" and region[4:] == "00"):
                continue
            found = self._local_authority(region, level)
            label = regions.get(code, "")
            if found:
                names.append(found)
            elif label and label not in ("市辖区", "县", "省直辖县级行政区划"):
                names.append(f"{label}发展和改革{'委员会' if level == 'city' else '局'}")
        names.append(f"{self.issuer.province_name}节能监察中心")
        return "，".join(dict.fromkeys(n for n in names if n != self.issuer.name))

    def _local_authority(self, region: str, level: str) -> str:
        from authorities.models import Authority

        covering = [
            a
            for a in Authority.objects.filter(province=region[:2], level=level, is_active=True)
            if a.covers(region)
        ]
        return max(covering, key=lambda a: len(a.code)).name if covering else ""

    def _two_high(self) -> dict[str, Any]:
        label = self.engine.messages.label
        two_high = self.assessment.get("two_high") or {}
        inventory = two_high.get("inventory")
        return {
            "is_two_high": bool(two_high.get("is_two_high", self.case.two_high)),
            "sector": label("sector", two_high.get("sector")) or "—",
            "basis": "、".join(
                texts.TWO_HIGH_BASIS_LABELS.get(b, b) for b in two_high.get("basis", [])
            ),
            "inventory": (
                f"{label('status', inventory.get('status'))}，"
                f"处置意见：{label('disposal', inventory.get('disposal'))}"
                if inventory
                else ""
            ),
        }

    def _efficiency(self) -> list[dict[str, str]]:
        label = self.engine.messages.label
        rows = []
        for item in self.assessment.get("efficiency") or []:
            benchmark = self.reference.benchmarks.get(item.get("product", ""))
            edition = str(item.get("edition") or getattr(benchmark, "edition", "") or "2021")
            rows.append(
                {
                    "name": item.get("name_zh")
                    or (benchmark.name_zh if benchmark else "")
                    or item.get("product", ""),
                    "unit": item.get("unit") or (benchmark.unit if benchmark else ""),
                    "unit_energy": quantity(item.get("unit_energy")),
                    "benchmark": quantity(item.get("benchmark")),
                    "baseline": quantity(item.get("baseline")),
                    "level": label("level", item.get("level")),
                    "edition": texts.BENCHMARKS.get(edition[:4], texts.BENCHMARKS["2021"]),
                    "mandatory": bool(item.get("mandatory")),
                }
            )
        return rows

    def _substitution(self) -> dict[str, Any]:
        sub = self.assessment.get("substitution") or {}
        ratio = sub.get("ratio")
        shortfall = float(sub.get("shortfall_tce") or 0)
        return {
            "required": bool(sub.get("required")),
            "ratio": f"{ratio:g}" if ratio else "1",
            "kind": "减量" if ratio and ratio > 1 else "等量",
            "required_tce": num(sub.get("required_tce")),
            "provided_tce": num(sub.get("provided_tce")),
            "shortfall": shortfall > 0,
            "shortfall_tce": num(shortfall),
            "sources": [
                {"description": s.get("description", ""), "saved_tce": num(s.get("saved_tce"))}
                for s in self.facts.get("substitution_sources") or []
            ],
        }

    def _history(self) -> dict[str, Any]:
        case = self.case
        evaluations = []
        if case.pk:
            for e in case.evaluations.all():
                day = (
                    getattr(e, "evaluated_on", None)
                    or getattr(e, "received_on", None)
                    or getattr(e, "commissioned_on", None)
                )
                evaluations.append(
                    {
                        "by": e.evaluator,
                        "on": chinese_date(day) if day else "",
                        "conclusion": (e.conclusion or "").strip()[:600] or "评审中",
                    }
                )
        guidance = ""
        if case.guidance_outcome:
            guidance = texts.GUIDANCE_LABELS.get(case.guidance_outcome, case.guidance_outcome)
        return {
            "submitted": chinese_date(case.submitted_at.date()) if case.submitted_at else "",
            "accepted": chinese_date(case.accepted_at.date()) if case.accepted_at else "",
            "evaluations": evaluations,
            "guidance": guidance,
            "guidance_notes": case.guidance_notes.strip()[:600],
            "window_guidance": case.route == "national_window_guidance",
            "without_guidance": (case.without_guidance_justification or "").strip()[:600],
        }

    def _cited(self) -> list[dict[str, str]]:
        findings = [f for f in self.assessment.get("findings") or [] if isinstance(f, dict)]
        chosen: list[dict[str, Any]] = []
        for item in self.case.cited_findings or []:
            if isinstance(item, dict):
                chosen.append(item)
                continue
            matches = [f for f in findings if f.get("code") == item]
            chosen.extend(matches or [{"code": str(item), "message": str(item), "basis": ""}])
        if not chosen and self.kind in ("rejection", "deferral"):
            chosen = [f for f in findings if f.get("severity") == "blocking"]
        return [
            {
                "ordinal": chinese_ordinal(i),
                "code": str(f.get("code", "")),
                "message": str(f.get("message", "")),
                "basis": str(f.get("basis", "")) or "—",
            }
            for i, f in enumerate(chosen, start=1)
        ]

    def _decision(self, energy: dict[str, Any]) -> dict[str, Any]:
        s = self.sections
        conditions = [str(c) for c in s.get("conditions") or []]
        requirements = [str(c) for c in s.get("requirements") or []]
        if self.kind == "approval":
            auto = []
            sub = self.assessment.get("substitution") or {}
            if sub.get("required"):
                auto.append(
                    f"落实能耗替代量{num(sub.get('required_tce'))}吨标准煤，"
                    f"替代来源应在项目投入生产、使用前完成核实（{texts.plan('十二')}）。"
                )
            merged = merge_items(conditions, auto, requirements)
        else:
            merged = merge_items(conditions, requirements)
        return {
            "paragraphs": [str(p) for p in s.get("paragraphs") or []],
            "cited": self._cited(),
            "conditions": items(merged),
            "items": items([str(i) for i in s.get("items") or []]),
            "lift": items([str(i) for i in s.get("lift") or []]),
        }


def frozen_saving_measures(facts: dict[str, Any], details: dict[str, Any]) -> list[str]:
    """The main energy-saving measures the application listed (facts or details), if any."""
    raw = facts.get("saving_measures") or details.get("saving_measures") or []
    if isinstance(raw, str):
        raw = raw.splitlines()
    return [str(m).strip()[:300] for m in raw if str(m).strip()][:20]


@functools.lru_cache(maxsize=256)
def _qr(url: str) -> str:
    """The verification QR code as a PNG data URI of one pixel per module, which the layout
    scales up without smoothing (`image-rendering: pixelated`): crisp at any size, and a few
    hundred bytes that WeasyPrint embeds as they are, where an SVG path of every module costs
    it tens of milliseconds to parse and draw. A fixed mask spares segno scoring all eight
    (a third of the content's cost); any mask is a valid code."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False, mask=0).save(buffer, kind="png", scale=1, border=0)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def document_context(data: DocumentInput) -> dict[str, Any]:
    return DocumentBuilder(data).build()
