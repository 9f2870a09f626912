"""Deciding while window guidance is pending (issue 10): the clock runs on, the reviewer may
decide with a recorded justification for not waiting; the request stays on the record as
unanswered and a late answer does not reopen the decision. Dates cross the 2026 National Day
holiday (1–7 Oct off; Saturday 10 Oct is a make-up working day)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from review import audit, clock, selectors, services
from review.models import CaseState, Notice, ReviewCase
from review.workflow import WorkflowError

from .conftest import evaluated, under_review

pytestmark = pytest.mark.django_db

MON_28_SEP = date(2026, 9, 28)
WAIVER = "窗口指导请求已逾预计答复日期，项目替代来源尚未落实，先行作出缓批决定。"
FIELD = "without_guidance_justification"


def _snapshot(case: ReviewCase) -> tuple:
    case = ReviewCase.objects.get(pk=case.pk)
    return (
        case.state,
        case.version,
        case.decision_reason,
        case.without_guidance_justification,
        case.events.count(),
    )


def _pending_before_evaluation(make_case, bob) -> ReviewCase:
    """Guidance sent at assignment (before any report), then the evaluation commissioned while
    it is pending and its report recorded: under review, guidance still unanswered."""
    case = make_case(route="national_window_guidance", opened_on=MON_28_SEP)
    case = under_review(case, by=bob, today=MON_28_SEP)
    assert case.state == CaseState.AWAITING_GUIDANCE  # sent automatically on assignment
    return evaluated(case, by=bob, commissioned=date(2026, 10, 9), received=date(2026, 10, 16))


def _pending_after_evaluation(make_case, bob, erin) -> ReviewCase:
    """The other order: answered once, evaluated, then sent again with the province's
    preliminary opinion on the report: awaiting guidance, the report on file."""
    case = make_case(route="national_window_guidance", opened_on=MON_28_SEP)
    case = under_review(case, by=bob, today=MON_28_SEP)
    case = services.case_answer_guidance(case=case, by=erin, outcome="supported", notes="支持")
    case = services.case_request_guidance(
        case=case, by=bob, reason="项目方案调整，再次报请", today=MON_28_SEP
    )
    case = evaluated(case, by=bob, commissioned=date(2026, 10, 9), received=date(2026, 10, 16))
    case = services.case_request_guidance(
        case=case, by=bob, reason="省级初步意见：评审通过，建议支持。", today=date(2026, 10, 16)
    )
    assert case.state == CaseState.AWAITING_GUIDANCE
    return case


@pytest.fixture(params=["guidance_first", "evaluation_first"])
def pending(request, make_case, bob, erin) -> ReviewCase:
    if request.param == "guidance_first":
        return _pending_before_evaluation(make_case, bob)
    return _pending_after_evaluation(make_case, bob, erin)


# --------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------
def test_the_evaluation_may_run_while_guidance_is_pending_and_only_it_pauses(make_case, bob):
    case = make_case(route="national_window_guidance", opened_on=MON_28_SEP)
    case = under_review(case, by=bob, today=MON_28_SEP)
    assert case.guidance_pending
    assert case.deadline == date(2026, 10, 30)
    # waiting for guidance does not pause: the clock runs in AWAITING_GUIDANCE
    view = selectors.case_clock(case, today=date(2026, 10, 9))
    assert (view.phase, case.paused_since) == ("decision", None)
    case = evaluated(case, by=bob, commissioned=date(2026, 10, 9), received=date(2026, 10, 16))
    assert case.state == CaseState.UNDER_REVIEW
    assert case.guidance_pending
    evaluation_days = clock.working_days_between(date(2026, 10, 9), date(2026, 10, 16))
    assert case.paused_working_days == evaluation_days  # the evaluation only
    assert case.deadline == clock.deadline_for(
        started_on=MON_28_SEP, limit=20, paused=evaluation_days
    )


def test_a_decision_while_guidance_is_pending_needs_the_justification(pending, bob):
    before = _snapshot(pending)
    with pytest.raises(ValidationError) as info:
        services.case_defer(case=pending, by=bob, reason="替代来源未落实", deferral_lift="落实替代")
    assert set(info.value.message_dict) == {FIELD}
    assert "窗口指导" in info.value.message_dict[FIELD][0]
    with pytest.raises(ValidationError) as info:  # blank is not a justification
        services.case_defer(
            case=pending,
            by=bob,
            reason="替代来源未落实",
            deferral_lift="落实替代",
            without_guidance_justification="   ",
        )
    assert set(info.value.message_dict) == {FIELD}
    assert _snapshot(pending) == before  # nothing saved


def test_a_decision_with_the_justification_is_recorded(pending, bob, erin, alice):
    deadline = ReviewCase.objects.get(pk=pending.pk).deadline
    requested_on = pending.guidance_requested_on
    case = services.case_defer(
        case=pending,
        by=bob,
        reason="替代来源未落实",
        deferral_lift="落实能耗等量替代来源",
        without_guidance_justification=f"  {WAIVER}  ",
        today=date(2026, 10, 20),
    )
    case.refresh_from_db()
    assert case.state == CaseState.DEFERRED
    assert case.without_guidance_justification == WAIVER
    assert case.decision_justification == ""  # deferral agrees with the recommendation
    # the guidance request stays on the record as unanswered
    assert (case.guidance_requested_on, case.guidance_outcome) == (requested_on, "")
    assert not case.guidance_pending
    assert selectors.guidance_waiting_days(case, today=date(2026, 10, 20)) is None
    assert case.deadline == deadline  # never moved for the guidance
    event = case.events.get(action="defer")
    assert event.data[FIELD] == WAIVER
    assert event.data["guidance_requested_on"] == requested_on.isoformat()
    assert event.from_state == pending.state
    assert audit.verify_events(case.pk, list(case.events.order_by("pk"))).ok
    details = selectors._event_details(event)
    assert any(WAIVER in line and "未待窗口指导意见" in line for line in details)
    # the national reviewer is told the request needs no answer any more
    assert Notice.objects.filter(user=erin, case=case, message__contains="不再需要答复").exists()
    assert not Notice.objects.filter(user=alice, message__contains=WAIVER).exists()


def test_approval_against_the_recommendation_records_both_justifications(make_case, bob):
    case = _pending_before_evaluation(make_case, bob)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, reason="符合要求")
    assert set(info.value.message_dict) == {"justification", FIELD}
    both = {
        "reason": "符合要求",
        "justification": "能效达到标杆水平，替代来源已落实",
        "without_guidance_justification": WAIVER,
    }
    # the approval's conditions must still address the missing guidance (documents consistency)
    before = _snapshot(case)
    with pytest.raises(ValidationError) as info:
        services.case_approve(case=case, by=bob, **both)
    assert "NATIONAL_WINDOW_GUIDANCE" in info.value.message_dict["conditions"][0]
    assert _snapshot(case) == before
    case = services.case_approve(
        case=case, by=bob, conditions=["取得国家发展改革委窗口指导意见前不得开工建设"], **both
    )
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.decision_justification == "能效达到标杆水平，替代来源已落实"
    assert case.without_guidance_justification == WAIVER
    data = case.events.get(action="approve").data
    assert (data["justification"], data[FIELD]) == (
        "能效达到标杆水平，替代来源已落实",
        WAIVER,
    )


def test_no_justification_is_kept_when_nothing_is_pending(make_case, bob, erin):
    case = make_case(route="national_window_guidance")
    case = under_review(case, by=bob)
    case = services.case_answer_guidance(case=case, by=erin, outcome="supported", notes="支持")
    case = evaluated(case, by=bob)
    case = services.case_approve(
        case=case, by=bob, reason="窗口指导支持", without_guidance_justification="多余的说明"
    )
    assert case.without_guidance_justification == ""
    assert "without_guidance_justification" not in case.events.get(action="approve").data


def test_a_case_never_sent_for_guidance_is_still_refused(make_case, bob):
    case = make_case(route="national_window_guidance")
    case = under_review(case, by=bob)
    # a row left from before auto-routing: under review, guidance needed but never requested
    ReviewCase.objects.filter(pk=case.pk).update(
        state=CaseState.UNDER_REVIEW, guidance_requested_on=None
    )
    case = evaluated(ReviewCase.objects.get(pk=case.pk), by=bob)
    with pytest.raises(ValidationError) as info:
        services.case_defer(
            case=case, by=bob, reason="x", deferral_lift="y", without_guidance_justification="z"
        )
    assert "须先报国家窗口指导" in " ".join(info.value.message_dict["__all__"])


def test_a_late_answer_is_refused_and_reopens_nothing(pending, bob, erin):
    case = services.case_defer(
        case=pending, by=bob, reason="x", deferral_lift="y", without_guidance_justification=WAIVER
    )
    before = _snapshot(case)
    with pytest.raises(WorkflowError) as info:
        services.case_answer_guidance(case=case, by=erin, outcome="supported", notes="支持")
    assert "未获窗口指导意见" in info.value.message
    assert "不再登记" in info.value.message
    assert _snapshot(case) == before
    assert ReviewCase.objects.get(pk=case.pk).guidance_outcome == ""


def test_the_answer_may_come_during_the_evaluation(make_case, bob, erin, evaluation_body):
    case = under_review(
        make_case(route="national_window_guidance", opened_on=MON_28_SEP), by=bob, today=MON_28_SEP
    )
    services.case_commission_evaluation(
        case=case, by=bob, body=evaluation_body, due_on=date(2026, 10, 30), today=date(2026, 10, 9)
    )
    case = services.case_answer_guidance(
        case=case, by=erin, outcome="supported", notes="支持", today=date(2026, 10, 12)
    )
    assert (case.state, case.guidance_outcome) == (CaseState.UNDER_EVALUATION, "supported")
    assert case.paused_since == date(2026, 10, 9)  # still paused for the evaluation only
    with pytest.raises(WorkflowError, match="没有待答复"):  # answered once is enough
        services.case_answer_guidance(case=case, by=erin, outcome="not_supported", notes="否")


def test_only_the_cases_authority_reviewer_decides(pending, grace, helen, erin, frank):
    for user in (grace, helen, erin, frank):
        with pytest.raises(PermissionDenied):
            services.case_defer(
                case=pending,
                by=user,
                reason="x",
                deferral_lift="y",
                without_guidance_justification=WAIVER,
            )
    assert ReviewCase.objects.get(pk=pending.pk).state == pending.state


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------
def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_decision_form_asks_for_the_justification_and_records_it(
    make_case, bob, helen, erin, bob_client
):
    case = _pending_before_evaluation(make_case, bob)
    url = reverse("review:case_action", args=[case.pk, "defer"])
    page = bob_client.get(url).content.decode()
    assert f'name="{FIELD}"' in page
    assert 'data-testid="guidance-pending"' in page
    data = {"version": case.version, "reason": "替代来源未落实", "deferral_lift": "落实替代"}
    response = bob_client.post(url, data)
    assert response.status_code == 200
    assert "须记录不待指导意见即作出决定的理由" in response.content.decode()
    assert response.context["form"].errors[FIELD]
    assert ReviewCase.objects.get(pk=case.pk).state == case.state  # nothing saved
    response = bob_client.post(url, {**data, FIELD: WAIVER})
    assert response.status_code == 302
    assert ReviewCase.objects.get(pk=case.pk).without_guidance_justification == WAIVER
    # shown to the reviewer and to the head of the authority; unanswered for the NDRC
    for user in (bob, helen, erin):
        html = _client(user).get(reverse("review:case", args=[case.pk])).content.decode()
        assert 'data-testid="without-guidance-justification"' in html
        assert WAIVER in html
        assert "未答复（已在未获窗口指导意见的情况下作出决定）" in html
    erin_page = _client(erin).get(reverse("review:case", args=[case.pk]))
    assert "answer_guidance" not in [str(m.action) for m in erin_page.context["moves"]]
    # a late answer through the page: a clear message, nothing recorded
    response = _client(erin).post(
        reverse("review:case_action", args=[case.pk, "answer_guidance"]),
        {
            "version": ReviewCase.objects.get(pk=case.pk).version,
            "outcome": "supported",
            "notes": "支持",
        },
        follow=True,
    )
    assert "不再登记" in response.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).guidance_outcome == ""


def test_the_form_has_no_such_field_when_nothing_is_pending(make_case, bob, bob_client):
    case = evaluated(under_review(make_case(), by=bob), by=bob)
    page = bob_client.get(reverse("review:case_action", args=[case.pk, "approve"]))
    assert FIELD not in page.content.decode()


def test_erin_can_still_answer_while_the_case_is_under_review(make_case, bob, erin):
    case = _pending_before_evaluation(make_case, bob)
    page = _client(erin).get(reverse("review:case", args=[case.pk]))
    assert [str(m.action) for m in page.context["moves"]] == ["answer_guidance"]
    assert 'data-testid="guidance-pending"' in page.content.decode()


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------
def test_the_decision_api_takes_and_returns_the_justification(make_case, bob, erin, grace):
    case = _pending_before_evaluation(make_case, bob)
    api = _client(bob)
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["guidance_pending"] is True
    assert detail[FIELD] == ""
    assert {"approve", "reject", "defer"} <= set(detail["allowed_actions"])
    body = {"reason": "替代来源未落实", "deferral_lift": "落实替代", "version": case.version}
    # another authority's reviewer: not even visible
    assert (
        _client(grace)
        .post(f"/api/v1/cases/{case.pk}/defer/", body, content_type="application/json")
        .status_code
        == 404
    )
    # the national reviewer sees it but may not decide
    assert (
        _client(erin)
        .post(f"/api/v1/cases/{case.pk}/defer/", body, content_type="application/json")
        .status_code
        == 403
    )
    response = api.post(f"/api/v1/cases/{case.pk}/defer/", body, content_type="application/json")
    assert response.status_code == 400
    assert FIELD in response.json()["errors"]
    response = api.post(
        f"/api/v1/cases/{case.pk}/defer/", {**body, FIELD: WAIVER}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["state"], result[FIELD], result["guidance_pending"]) == (
        "deferred",
        WAIVER,
        False,
    )
    assert result["guidance_requested_on"] == case.guidance_requested_on.isoformat()
    events = api.get(f"/api/v1/cases/{case.pk}/events/").json()
    rows = events["results"] if isinstance(events, dict) else events
    assert any(e["data"].get(FIELD) == WAIVER for e in rows)
    # the late answer through the API: 409 with the message
    late = _client(erin).post(
        f"/api/v1/cases/{case.pk}/guidance/",
        {"outcome": "supported", "notes": "支持"},
        content_type="application/json",
    )
    assert late.status_code == 409
    assert "不再登记" in late.json()["message"]
