"""What a draft's document says: no self-contradiction (a substitution shortfall needs its
condition), merged duplicate conditions, the frozen organization name, the saving measures, the
energy figures of version 1 and 2 assessments, the review history, copy-to, and a re-rendered
version printing the signed-off text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from documents import services
from documents.models import Draft, DraftState
from review.documents import opinion_issue
from review.models import Opinion
from rules.models import RegionStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reuse_rendered_pdf")]


# --- no self-contradiction -------------------------------------------------------------------
@pytest.fixture
def shortfall_case(make_case):
    """Jiangsu behind its target (ratio 1.5): 25,000 tce of sources against 36,741.23 owed."""
    RegionStatus.objects.create(
        province="32", year=2026, behind_basic_target=True, substitution_ratio=1.5
    )
    return make_case


def test_an_approval_with_a_substitution_shortfall_is_refused_naming_the_finding(shortfall_case):
    case = shortfall_case()
    sub = case.submission.assessment["substitution"]
    assert sub["shortfall_tce"] > 0
    with pytest.raises(ValidationError) as excinfo:
        opinion_issue(case=case, kind="approval")
    message = " ".join(excinfo.value.message_dict["conditions"])
    assert "SUBSTITUTION_SHORTFALL" in message
    assert "否决性问题" in message
    assert not Draft.objects.exists()


def test_a_condition_addressing_the_shortfall_lets_the_approval_through(shortfall_case, bob):
    case = shortfall_case(conditions="项目投产前落实其余能耗替代量并报我委核实。")
    draft = opinion_issue(case=case, kind="approval")
    services.draft_edit(draft=draft, by=bob, sections={"conditions": []})
    with pytest.raises(ValidationError) as excinfo:  # removing the condition is refused at sending
        services.draft_submit(draft=draft, by=bob)
    assert "SUBSTITUTION_SHORTFALL" in " ".join(excinfo.value.message_dict["conditions"])
    draft.refresh_from_db()
    assert draft.state == DraftState.DRAFTING


def test_duplicate_conditions_are_merged(make_case):
    from documents.layout.content import DocumentInput, document_context

    case = make_case()
    requirement = "项目投入生产、使用前应按规定开展节能验收。"
    sections = {
        "conditions": ["余热发电系统与熟料线同步建成投运。", "余热发电系统与熟料线同步建成投运"],
        "requirements": [requirement, requirement.replace("。", "；")],
    }
    doc = document_context(
        DocumentInput(
            case=case,
            kind="approval",
            sections=sections,
            number="",
            issued_on=case.submitted_at.date(),
            token="t",
        )
    )
    texts = [c["text"] for c in doc["decision"]["conditions"]]
    assert texts == ["余热发电系统与熟料线同步建成投运。", requirement]


def test_a_renamed_organization_prints_the_frozen_name(make_case):
    from documents.layout.content import DocumentInput, document_context

    case = make_case()
    frozen = case.submission.details["organization"]["name"]
    org = case.project.organization
    org.name = "改名后的公司"
    org.save()
    doc = document_context(
        DocumentInput(
            case=case,
            kind="approval",
            sections={},
            number="",
            issued_on=case.submitted_at.date(),
            token="t",
        )
    )
    assert doc["addressee"] == frozen
    assert doc["project"]["organization"] == frozen


# --- content ---------------------------------------------------------------------------------
def _context(case, kind: str = "approval", sections: dict | None = None) -> dict:
    from documents.layout.content import DocumentInput, document_context

    return document_context(
        DocumentInput(
            case=case,
            kind=kind,
            sections=sections or {},
            number="",
            issued_on=case.submitted_at.date(),
            token="t",
        )
    )


def test_saving_measures_come_from_the_application_or_the_draft(make_case, bob):
    case = make_case()
    submission = case.submission
    submission.details = {**submission.details, "saving_measures": ["余热发电", "变频调速"]}
    submission.save(update_fields=["details"])
    draft = opinion_issue(case=case, kind="approval")
    assert draft.sections["measures"] == ["余热发电", "变频调速"]
    services.draft_edit(draft=draft, by=bob, sections={"measures": ["高效篦冷机"]})
    draft.refresh_from_db()
    assert _context(case, sections=draft.sections)["project"]["measures"] == ["高效篦冷机"]


def test_a_version_1_assessment_prints_its_totals_with_the_rules(make_case):
    case = make_case()
    energy = case.submission.assessment["energy"]
    case.submission.assessment["energy"] = {
        "equivalent_tce": energy["equivalent_tce"],
        "equal_value_tce": energy["equal_value_tce"],
        "counted_tce": energy["counted_tce"],
        "renewable_deduction_tce": 120.5,
        "electricity_kwh": energy["electricity_kwh"],
    }
    case.submission.save(update_fields=["assessment"])
    doc = _context(case)["energy"]
    assert doc["v2"] is False
    assert [f["label"] for f in doc["figures"]] == [
        "年综合能源消费量（当量值）",
        "计入能耗双控的能源消费量",
    ]
    assert doc["renewable_tce"] == "120.50"
    assert doc["electricity_wan_kwh"] == f"{energy['electricity_kwh'] / 10000:,.2f}"


def test_a_version_2_assessment_names_the_rule_each_figure_serves(make_case):
    doc = _context(make_case())["energy"]
    assert doc["v2"] is True
    rules = {f["label"]: f["rule"] for f in doc["figures"]}
    assert "审查层级" in rules["年综合能源消费量（当量值）"]
    assert "窗口指导" in rules["新增能耗"]
    assert "替代" in rules["计入能耗双控的能源消费量"]
    assert doc["fossil_tce"] != "0.00"


def test_the_review_history_names_acceptance_evaluation_and_guidance(make_case, bob):
    from datetime import date

    from django.utils import timezone

    from review.models import ExpertEvaluation

    case = make_case(
        "deferral",
        accepted_at=timezone.now(),
        guidance_outcome="supported_with_conditions",
        guidance_notes="同意建设，须落实煤炭减量替代。",
    )
    ExpertEvaluation.objects.create(
        case=case,
        evaluator="江苏省节能技术评审中心",
        evaluated_on=date(2026, 4, 2),
        conclusion="节能报告基本可行。",
        recorded_by=bob,
    )
    history = _context(case, "deferral")["history"]
    assert history["accepted"]
    assert history["evaluations"] == [
        {"by": "江苏省节能技术评审中心", "on": "2026年4月2日", "conclusion": "节能报告基本可行。"}
    ]
    assert history["guidance"] == "附条件同意"
    assert history["window_guidance"] is True


def test_the_history_gives_the_reason_for_deciding_without_guidance(make_case):
    reason = "窗口指导请求已逾预计答复日期，先行作出缓批决定。"
    case = make_case("deferral", without_guidance_justification=reason)
    history = _context(case, "deferral")["history"]
    assert history["window_guidance"] is True
    assert history["guidance"] == ""
    assert history["without_guidance"] == reason
    answered = make_case("deferral", guidance_outcome="supported")
    assert _context(answered, "deferral")["history"]["without_guidance"] == ""


def test_copy_to_names_the_city_and_county_authorities_of_the_location(make_case):
    doc = _context(make_case())
    assert doc["copy_to"].startswith("苏州市发展和改革委员会，虎丘区发展和改革局")
    assert "江苏省发展和改革委员会" not in doc["copy_to"]  # the issuer does not copy itself


def test_a_rerendered_version_prints_the_signed_off_text(draft, bob, helen, dana):
    from review.documents import opinion_html, opinion_rerender

    services.draft_edit(draft=draft, by=bob, sections={"paragraphs": ["核稿后确定的段落。"]})
    services.draft_submit(draft=draft, by=bob)
    signed = services.draft_sign(draft=draft, by=helen)
    Opinion.objects.filter(pk=signed.opinion_id).update(state=Opinion.State.READY)
    second = opinion_rerender(opinion=Opinion.objects.get(pk=signed.opinion_id), by=dana)
    assert second.version == 2
    assert "核稿后确定的段落。" in opinion_html(opinion=second)
