"""The drafting workflow 拟稿 → 核稿 → 签发: the reviewer edits a draft's text (never its
figures), the authority's head returns it (versions kept) or signs it off, and only then is the
number taken. Through the services, the pages and the API, with permissions across authorities."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from authorities.models import Authority
from documents import services
from documents.models import Draft, DraftState, DraftVersion, NumberSequence
from review.documents import opinion_issue
from review.models import CaseEvent, Opinion
from rules.models import RegionStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reuse_rendered_pdf")]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(make_case) -> Draft:
    return opinion_issue(case=make_case(), kind="approval")


# --- services --------------------------------------------------------------------------------
def test_a_decision_opens_a_draft_with_the_cases_conditions_and_standard_requirements(draft):
    assert draft.state == DraftState.DRAFTING
    assert draft.sections["conditions"] == [
        "余热发电系统与熟料线同步建成投运。",
        "建立能源管理体系并接入重点用能单位能耗在线监测系统。",
    ]
    assert any("节能验收" in r for r in draft.sections["requirements"])
    assert list(draft.versions.values_list("action", flat=True)) == ["opened"]
    assert CaseEvent.objects.filter(case=draft.case, action="document_drafted").exists()


def test_edit_return_and_sign_off_keep_every_version_and_number_only_at_sign_off(draft, bob, helen):
    edited = services.draft_edit(
        draft=draft,
        by=bob,
        sections={"conditions": ["余热发电系统与熟料线同步建成投运。", "三年内完成能源审计。"]},
        expected_revision=1,
    )
    assert edited.revision == 2
    services.draft_submit(draft=edited, by=bob)
    returned = services.draft_return(draft=edited, by=helen, note="请补充能源审计的具体期限。")
    assert returned.state == DraftState.RETURNED
    assert returned.number == ""
    assert not Opinion.objects.exists()
    services.draft_edit(
        draft=returned,
        by=bob,
        sections={"conditions": ["余热发电系统与熟料线同步建成投运。", "2027年底前完成能源审计。"]},
    )
    services.draft_submit(draft=returned, by=bob)
    assert not NumberSequence.objects.exists()
    signed = services.draft_sign(draft=returned, by=helen)
    assert signed.state == DraftState.SIGNED
    assert signed.number == f"苏发改能审〔{signed.signed_at.year}〕1号"
    assert signed.opinion.number == signed.number
    assert signed.signed_by == helen
    actions = list(signed.versions.order_by("id").values_list("action", "revision"))
    assert actions == [
        ("opened", 1),
        ("edited", 2),
        ("submitted", 2),
        ("returned", 2),
        ("edited", 3),
        ("submitted", 3),
        ("signed", 3),
    ]
    from review.models import Notice

    assert Notice.objects.filter(user=helen, message__contains="待核稿签发").count() == 2
    returned_version = signed.versions.get(action="returned")
    assert returned_version.note == "请补充能源审计的具体期限。"
    assert returned_version.sections["conditions"][1] == "三年内完成能源审计。"
    events = set(CaseEvent.objects.filter(case=draft.case).values_list("action", flat=True))
    assert {
        "document_drafted",
        "document_edited",
        "document_submitted",
        "document_returned",
        "document_signed",
    } <= events


def test_figures_are_not_editable(draft, bob):
    with pytest.raises(ValidationError) as excinfo:
        services.draft_edit(draft=draft, by=bob, sections={"counted_tce": ["1"]})
    assert "sections" in excinfo.value.message_dict
    draft.refresh_from_db()
    assert draft.revision == 1


def test_limits_name_the_field_and_change_nothing(draft, bob):
    with pytest.raises(ValidationError) as excinfo:
        services.draft_edit(draft=draft, by=bob, sections={"conditions": ["长" * 501]})
    assert "conditions.1" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.draft_edit(draft=draft, by=bob, sections={"paragraphs": ["段"] * 31})
    assert "paragraphs" in excinfo.value.message_dict
    draft.refresh_from_db()
    assert draft.revision == 1
    assert draft.versions.count() == 1


def test_a_stale_revision_is_a_conflict(draft, bob):
    services.draft_edit(draft=draft, by=bob, sections={"paragraphs": ["一"]}, expected_revision=1)
    with pytest.raises(services.DraftConflict):
        services.draft_edit(
            draft=draft, by=bob, sections={"paragraphs": ["二"]}, expected_revision=1
        )


def test_only_the_head_signs_or_returns_and_a_signed_draft_is_frozen(draft, bob, helen, dana):
    services.draft_submit(draft=draft, by=bob)
    for user in (bob, dana):
        with pytest.raises(PermissionDenied):
            services.draft_sign(draft=draft, by=user)
        with pytest.raises(PermissionDenied):
            services.draft_return(draft=draft, by=user, note="不行")
    with pytest.raises(ValidationError):  # not editable while with the head
        services.draft_edit(draft=draft, by=bob, sections={"paragraphs": ["改"]})
    services.draft_sign(draft=draft, by=helen)
    with pytest.raises(ValidationError):
        services.draft_sign(draft=draft, by=helen)
    assert Opinion.objects.count() == 1


def test_the_head_of_another_authority_cannot_sign(make_case, bob, helen):
    suzhou = Authority.objects.get(code="3205")
    suzhou.reviewers.add(bob)
    draft = opinion_issue(case=make_case(authority=suzhou), kind="approval")
    services.draft_submit(draft=draft, by=bob)
    with pytest.raises(PermissionDenied):  # helen heads the province, not Suzhou
        services.draft_sign(draft=draft, by=helen)
    head = User.objects.create_user("suzhou_head")
    suzhou.heads.add(head)
    assert services.draft_sign(draft=draft, by=head).number.startswith("苏州发改能审〔")


def test_an_applicant_cannot_edit(draft, alice):
    with pytest.raises(PermissionDenied):
        services.draft_edit(draft=draft, by=alice, sections={"paragraphs": ["改"]})


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


# --- pages -----------------------------------------------------------------------------------
def test_pages_edit_send_return_and_sign(draft, bob, helen):
    bob_client, helen_client = _client(bob), _client(helen)
    url = reverse("documents:draft", kwargs={"pk": draft.pk})
    page = bob_client.get(url)
    assert page.status_code == 200
    assert "余热发电系统与熟料线同步建成投运。" in page.content.decode()
    response = bob_client.post(
        reverse("documents:draft_edit", kwargs={"pk": draft.pk}),
        {
            "revision": 1,
            "conditions": "余热发电系统与熟料线同步建成投运。\n加装能源计量器具。",
            "requirements": "严格落实节能措施。",
            "paragraphs": "项目能效达到标杆水平。",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.revision) == (DraftState.CHECKING, 2)
    assert draft.sections["conditions"][1] == "加装能源计量器具。"
    assert draft.sections["requirements"] == ["严格落实节能措施。"]
    assert "draft-sign" not in bob_client.get(url).content.decode()
    assert (
        bob_client.post(reverse("documents:draft_sign", kwargs={"pk": draft.pk})).status_code == 403
    )
    empty = helen_client.post(
        reverse("documents:draft_return", kwargs={"pk": draft.pk}), {"note": ""}
    )
    assert empty.status_code == 400
    assert "errorlist" in empty.content.decode()
    helen_client.post(
        reverse("documents:draft_return", kwargs={"pk": draft.pk}), {"note": "改期限"}
    )
    draft.refresh_from_db()
    assert draft.state == DraftState.RETURNED
    assert "改期限" in bob_client.get(url).content.decode()
    bob_client.post(reverse("documents:draft_submit", kwargs={"pk": draft.pk}))
    assert not Opinion.objects.exists()
    response = helen_client.post(reverse("documents:draft_sign", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.SIGNED
    assert draft.number.startswith("苏发改能审〔")


def test_a_bad_edit_shows_the_field_error_and_keeps_the_draft(draft, bob):
    response = _client(bob).post(
        reverse("documents:draft_edit", kwargs={"pk": draft.pk}),
        {"revision": 1, "conditions": "长" * 501, "requirements": "", "paragraphs": ""},
    )
    assert response.status_code == 400
    assert "超过500字" in response.content.decode()
    draft.refresh_from_db()
    assert draft.revision == 1


def test_drafts_are_internal_to_the_authority(draft, alice, carol, erin):
    for user in (alice, carol, erin):
        client = _client(user)
        assert client.get(reverse("documents:draft", kwargs={"pk": draft.pk})).status_code == 404
        assert (
            client.get(reverse("documents:draft_preview", kwargs={"pk": draft.pk})).status_code
            == 404
        )
        assert client.get(reverse("api-draft-detail", kwargs={"pk": draft.pk})).status_code == 404


def test_the_reviewer_of_another_authority_sees_no_draft(make_case, personas):
    """grace reviews for Suzhou: the provincial commission's drafts are not hers."""
    provincial = Authority.objects.get(code="32")
    draft = opinion_issue(case=make_case(authority=provincial), kind="approval")
    grace = _client(personas["grace"])
    assert grace.get(reverse("documents:draft", kwargs={"pk": draft.pk})).status_code == 404
    assert grace.get(reverse("api-draft-detail", kwargs={"pk": draft.pk})).status_code == 404
    assert grace.get(reverse("api-draft-list")).json() == []


def test_the_draft_list_is_one_query_per_page(make_case, bob, django_assert_num_queries):
    for _ in range(3):
        opinion_issue(case=make_case(), kind="approval")
    from documents.selectors import draft_list_for_user

    list(draft_list_for_user(user=bob))  # the user's roles and profile, cached on the user
    with django_assert_num_queries(1):
        drafts = list(draft_list_for_user(user=bob))
        assert {d.case.project.name for d in drafts}
    assert len(drafts) == 3
    page = _client(bob).get(reverse("documents:drafts"))
    assert page.content.decode().count("data-draft=") == 3


def test_the_preview_is_the_same_pdf_marked_draft(draft, bob):
    response = _client(bob).get(reverse("documents:draft_preview", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


# --- API -------------------------------------------------------------------------------------
def test_api_edit_return_and_sign(draft, bob, helen):
    bob_client, helen_client = _client(bob), _client(helen)
    url = reverse("api-draft-detail", kwargs={"pk": draft.pk})
    body = bob_client.get(url).json()
    assert body["state"] == "drafting"
    assert body["number"] == ""
    response = bob_client.patch(
        url,
        {"sections": {"paragraphs": ["能效达到标杆水平。"]}, "revision": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["revision"] == 2
    stale = bob_client.patch(
        url, {"sections": {"paragraphs": ["旧"]}, "revision": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    bad = bob_client.patch(url, {"sections": {"energy": ["1"]}}, content_type="application/json")
    assert bad.status_code == 400
    assert "sections" in bad.json()["errors"]
    assert bob_client.post(reverse("api-draft-submit", kwargs={"pk": draft.pk})).status_code == 200
    assert bob_client.post(reverse("api-draft-sign", kwargs={"pk": draft.pk})).status_code == 403
    returned = helen_client.post(
        reverse("api-draft-return", kwargs={"pk": draft.pk}),
        {"note": "请修改"},
        content_type="application/json",
    )
    assert returned.json()["state"] == "returned"
    bob_client.post(reverse("api-draft-submit", kwargs={"pk": draft.pk}))
    signed = helen_client.post(reverse("api-draft-sign", kwargs={"pk": draft.pk})).json()
    assert signed["state"] == "signed"
    assert signed["number"].startswith("苏发改能审〔")
    assert signed["opinion"]
    assert [v["action"] for v in signed["versions"]][:2] == ["signed", "submitted"]
    again = helen_client.post(reverse("api-draft-sign", kwargs={"pk": draft.pk}))
    assert again.status_code == 409
    assert DraftVersion.objects.filter(draft=draft).count() == 6


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


def test_a_correction_notice_needs_at_least_one_item(make_case, bob):
    draft = opinion_issue(case=make_case(), kind="correction")
    assert draft.sections["items"] == []
    with pytest.raises(ValidationError) as excinfo:
        services.draft_submit(draft=draft, by=bob)
    assert "items" in excinfo.value.message_dict
    services.draft_edit(draft=draft, by=bob, sections={"items": ["补充能源计量器具配备方案。"]})
    assert services.draft_submit(draft=draft, by=bob).state == DraftState.CHECKING


def test_admins_read_drafts_in_the_admin_without_changing_them(draft, dana, bob):
    dana_client = _client(dana)
    listing = dana_client.get("/admin/documents/draft/")
    assert listing.status_code == 200
    assert "节能审查意见" in listing.content.decode()
    page = dana_client.get(f"/admin/documents/draft/{draft.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only
    assert _client(bob).get("/admin/documents/draft/").status_code == 302


def test_the_case_page_links_its_drafts_for_the_authority_only(draft, bob, alice):
    url = reverse("review:case", args=[draft.case.pk])
    page = _client(bob).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="case-drafts"' in body
    assert reverse("documents:draft", args=[draft.pk]) in body
    alice_page = _client(alice).get(url)
    assert 'data-testid="case-drafts"' not in alice_page.content.decode()
