"""The allowed moves as data (review/workflow.py): pure Python, no database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from review import decision_rules, workflow
from review.workflow import Action, Party, State, TransitionNotAllowed

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["workflow.py", "decision_rules.py", "change_review.py"])
def test_workflow_module_imports_no_django(module):
    # the moves table and the rules split out of it are plain Python
    tree = ast.parse((ROOT / "review" / module).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "django" not in imported


def test_states_match_the_model_choices():
    from review.models import CaseState

    assert {s.value for s in State} == set(CaseState.values)
    assert {State(k): v for k, v in CaseState.choices} == dict(workflow.STATE_LABELS)


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        (None, Action.OPEN, State.SUBMITTED),
        (State.SUBMITTED, Action.ACCEPT, State.ACCEPTED),
        (State.SUBMITTED, Action.RETURN_FOR_CORRECTION, State.RETURNED),
        (State.SUBMITTED, Action.NOT_ACCEPT, State.NOT_ACCEPTED),
        (State.RETURNED, Action.RESUBMIT, State.SUBMITTED),
        (State.ACCEPTED, Action.ASSIGN, State.UNDER_REVIEW),
        (State.ACCEPTED, Action.CLAIM, State.UNDER_REVIEW),
        (State.UNDER_REVIEW, Action.REASSIGN, State.UNDER_REVIEW),
        (State.SUBMITTED, Action.DEEM_ACCEPT, State.ACCEPTED),
        (State.UNDER_REVIEW, Action.COMMISSION_EVALUATION, State.UNDER_EVALUATION),
        (State.UNDER_EVALUATION, Action.RECORD_EVALUATION, State.UNDER_REVIEW),
        (State.UNDER_REVIEW, Action.REQUEST_EXTENSION, State.UNDER_REVIEW),
        (State.AWAITING_GUIDANCE, Action.APPROVE_EXTENSION, State.AWAITING_GUIDANCE),
        (State.DEFERRED, Action.LIFT_DEFERRAL, State.UNDER_REVIEW),
        (State.CHANGE_REQUESTED, Action.CONSENT_CHANGE, State.APPROVED),
        (State.UNDER_REVIEW, Action.REQUEST_GUIDANCE, State.AWAITING_GUIDANCE),
        (State.AWAITING_GUIDANCE, Action.ANSWER_GUIDANCE, State.UNDER_REVIEW),
        # guidance sent before the evaluation: the evaluation goes on, the answer may come during
        # it or after its report; the reviewer may decide meanwhile (with a justification)
        (State.AWAITING_GUIDANCE, Action.COMMISSION_EVALUATION, State.UNDER_EVALUATION),
        (State.UNDER_EVALUATION, Action.ANSWER_GUIDANCE, State.UNDER_EVALUATION),
        (State.UNDER_REVIEW, Action.ANSWER_GUIDANCE, State.UNDER_REVIEW),
        (State.AWAITING_GUIDANCE, Action.APPROVE, State.APPROVED),
        (State.AWAITING_GUIDANCE, Action.REJECT, State.REJECTED),
        (State.AWAITING_GUIDANCE, Action.DEFER, State.DEFERRED),
        (State.UNDER_REVIEW, Action.APPROVE, State.APPROVED),
        (State.UNDER_REVIEW, Action.REJECT, State.REJECTED),
        (State.UNDER_REVIEW, Action.DEFER, State.DEFERRED),
        (State.DEFERRED, Action.RESUBMIT, State.UNDER_REVIEW),
        (State.APPROVED, Action.REQUEST_CHANGE, State.CHANGE_REQUESTED),
        (State.CHANGE_REQUESTED, Action.CLAIM, State.UNDER_REVIEW),
        (State.APPROVED, Action.EXPIRE, State.EXPIRED),
    ],
)
def test_allowed_moves_reach_their_target(state, action, target):
    assert workflow.check_transition(state, action).target == target


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.SUBMITTED, Action.APPROVE),  # no decision before acceptance
        (State.ACCEPTED, Action.APPROVE),  # nor before someone handles it
        (State.APPROVED, Action.APPROVE),  # the second of two concurrent decisions
        (State.REJECTED, Action.RESUBMIT),
        (State.NOT_ACCEPTED, Action.ACCEPT),
        (State.EXPIRED, Action.REQUEST_CHANGE),
        (State.APPROVED, Action.ANSWER_GUIDANCE),  # a late answer reopens nothing
        (State.DEFERRED, Action.ANSWER_GUIDANCE),
        (State.UNDER_EVALUATION, Action.APPROVE),  # not before the report is received
        (State.APPROVED, Action.APPROVE_EXTENSION),
        (State.SUBMITTED, "no_such_action"),
    ],
)
def test_other_moves_raise_transition_not_allowed(state, action):
    with pytest.raises(TransitionNotAllowed) as info:
        workflow.check_transition(state, action)
    assert "不能执行" in info.value.message


def test_every_state_is_reachable_from_open():
    reached = {State.SUBMITTED}
    frontier = [State.SUBMITTED]
    while frontier:
        state = frontier.pop()
        for move in workflow.moves_from(state):
            if move.target not in reached:
                reached.add(move.target)
                frontier.append(move.target)
    assert reached == set(State)


def test_closed_states_have_no_way_out_and_approved_only_change_or_expiry():
    for state in workflow.CLOSED:
        assert workflow.moves_from(state) == ()
    targets = {m.target for m in workflow.moves_from(State.APPROVED)}
    assert targets == {State.CHANGE_REQUESTED, State.EXPIRED, State.APPROVED}


def test_decisions_are_the_reviewers_and_guidance_the_national_reviewers():
    assert {Action.APPROVE, Action.REJECT, Action.DEFER} == workflow.DECISIONS
    for move in workflow.MOVES:
        if move.decision:
            assert move.party == Party.REVIEWER
    assert workflow.check_transition(State.AWAITING_GUIDANCE, Action.ANSWER_GUIDANCE).party == (
        Party.NATIONAL
    )
    assert workflow.check_transition(State.RETURNED, Action.RESUBMIT).party == Party.APPLICANT
    for move in workflow.MOVES:
        if move.action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
            assert move.party == Party.HEAD
        if move.action == Action.REQUEST_EXTENSION:
            assert move.party == Party.REVIEWER
            assert move.clock == workflow.Clock.NONE


def test_only_the_commissioned_evaluation_pauses_the_clock():
    C = workflow.Clock
    assert workflow.check_transition(State.UNDER_REVIEW, Action.COMMISSION_EVALUATION).clock == (
        C.PAUSE
    )
    assert workflow.check_transition(State.UNDER_EVALUATION, Action.RECORD_EVALUATION).clock == (
        C.RESUME
    )
    # window guidance does not stop the clock (第四十五条)
    assert workflow.check_transition(State.UNDER_REVIEW, Action.REQUEST_GUIDANCE).clock == C.NONE
    assert workflow.check_transition(State.AWAITING_GUIDANCE, Action.ANSWER_GUIDANCE).clock == (
        C.NONE
    )
    # 缓批 ends the clock; lifting it or new material starts a new 20-day clock
    assert workflow.check_transition(State.UNDER_REVIEW, Action.DEFER).clock == C.STOP
    assert workflow.check_transition(State.DEFERRED, Action.LIFT_DEFERRAL).clock == (
        C.START_DECISION
    )
    assert workflow.check_transition(State.DEFERRED, Action.RESUBMIT).clock == C.START_DECISION
    # 补正 ends the intake clock; the corrected material is a new receipt
    assert workflow.check_transition(State.SUBMITTED, Action.RETURN_FOR_CORRECTION).clock == (
        C.STOP
    )
    assert workflow.check_transition(State.RETURNED, Action.RESUBMIT).clock == C.START_INTAKE
    pausing = {m.action for m in workflow.MOVES if m.clock == C.PAUSE}
    assert pausing == {Action.COMMISSION_EVALUATION}


def test_phases_follow_states():
    assert workflow.phase_of(State.SUBMITTED) == "intake"
    for state in (State.UNDER_REVIEW, State.AWAITING_GUIDANCE, State.ACCEPTED):
        assert workflow.phase_of(state) == "decision"
    assert workflow.phase_of(State.UNDER_EVALUATION) == "paused"
    for state in (
        State.APPROVED,
        State.REJECTED,
        State.NOT_ACCEPTED,
        State.EXPIRED,
        State.DEFERRED,
        State.RETURNED,
    ):
        assert workflow.phase_of(state) == ""


def _errors(action, **overrides):
    kwargs = {
        "reason": "符合要求",
        "justification": "",
        "recommendation": "approve",
        "finding_codes": ["TIER_PROVINCIAL"],
        "route": "standard",
        "guidance_outcome": "",
        "evaluation_on_file": True,
    }
    kwargs.update(overrides)
    return decision_rules.decision_errors(action, **kwargs)


def test_a_decision_agreeing_with_the_recommendation_and_reasoned_has_no_errors():
    assert _errors(Action.APPROVE) == {}


def test_no_decision_without_the_evaluation_report_on_file():
    for action in (Action.APPROVE, Action.REJECT, Action.DEFER):
        errors = _errors(
            action,
            evaluation_on_file=False,
            cited_findings=["TIER_PROVINCIAL"],
            deferral_lift="x",
            justification="x",
        )
        assert any("第十三条" in m for m in errors["__all__"])


def test_every_decision_needs_a_written_reason():
    assert "reason" in _errors(Action.APPROVE, reason="  ")
    assert "reason" in _errors(Action.DEFER, reason="", deferral_lift="补充替代方案")


def test_a_decision_differing_from_the_recommendation_needs_a_justification():
    errors = _errors(Action.APPROVE, recommendation="reject")
    assert "justification" in errors
    assert _errors(Action.APPROVE, recommendation="reject", justification="已整改") == {}


def test_a_rejection_cites_findings_that_exist_in_the_assessment():
    base = {"recommendation": "reject", "finding_codes": ["EFFICIENCY_BELOW_BASELINE"]}
    assert "cited_findings" in _errors(Action.REJECT, **base)
    errors = _errors(Action.REJECT, cited_findings=["SUBSTITUTION_SHORTFALL"], **base)
    assert "SUBSTITUTION_SHORTFALL" in errors["cited_findings"][0]
    assert _errors(Action.REJECT, cited_findings=["EFFICIENCY_BELOW_BASELINE"], **base) == {}


def test_a_deferral_states_what_lifts_it():
    assert "deferral_lift" in _errors(Action.DEFER, recommendation="defer")
    assert _errors(Action.DEFER, recommendation="defer", deferral_lift="落实替代") == {}


def test_window_guidance_cases_need_the_guidance_before_any_decision():
    wg = {
        "route": "national_window_guidance",
        "recommendation": "defer",
        "finding_codes": ["NATIONAL_WINDOW_GUIDANCE"],
    }
    for action in (Action.APPROVE, Action.REJECT, Action.DEFER):
        errors = _errors(action, cited_findings=["NATIONAL_WINDOW_GUIDANCE"], **wg)
        assert any("窗口指导" in m for m in errors["__all__"])
    # supported: the pending-guidance deferral becomes an approval, no justification needed
    assert _errors(Action.APPROVE, guidance_outcome="supported", **wg) == {}
    # not supported: no approval at all
    errors = _errors(Action.APPROVE, guidance_outcome="not_supported", justification="x", **wg)
    assert any("不支持" in m for m in errors["__all__"])


def test_effective_recommendation_keeps_other_deferrals():
    codes = ["NATIONAL_WINDOW_GUIDANCE", "SUBSTITUTION_SHORTFALL"]
    assert (
        decision_rules.effective_recommendation(
            recommendation="defer", finding_codes=codes, guidance_outcome="supported"
        )
        == "defer"
    )
    assert (
        decision_rules.effective_recommendation(
            recommendation="defer",
            finding_codes=["NATIONAL_WINDOW_GUIDANCE"],
            guidance_outcome="not_supported",
        )
        == "reject"
    )


@pytest.mark.parametrize(
    ("old", "new", "needs_application"),
    [
        (10000, 10999, False),
        (10000, 11000, True),  # ≥ 10% above the approved review figure (2023《办法》)
        (10000, 9000, False),
        (0, 10, True),
    ],
)
def test_energy_trigger_at_ten_percent_of_the_review_figure(old, new, needs_application):
    reasons = workflow.change_review_reasons(approved_tce=old, new_tce=new)
    assert bool(reasons) is needs_application


def test_change_triggers_are_found_from_the_facts_and_stated_in_words():
    found = dict(
        workflow.change_review_reasons(
            approved_tce=10000,
            new_tce=12000,
            approved_region="320505",
            new_region="320583",
            approved_levels={"cement_clinker": "benchmark"},
            new_levels={"cement_clinker": "baseline"},
            stated=["content"],
        )
    )
    assert list(found) == ["site", "content", "efficiency", "energy"]
    assert "20.0%" in found["energy"]
    assert "320583" in found["site"]
    assert found["content"] == "申请人申明：建设内容或建设规模变更"
    for text in found.values():  # reasons in words, never codes
        assert not any(code in text for code in ("site", "energy", "efficiency", "content"))


# --------------------------------------------------------------------------------------------
# Deciding while window guidance is pending (issue 10)
# --------------------------------------------------------------------------------------------
_WG = {
    "reason": "理由",
    "justification": "",
    "recommendation": "defer",
    "finding_codes": ["NATIONAL_WINDOW_GUIDANCE"],
    "route": workflow.ROUTE_WINDOW_GUIDANCE,
    "evaluation_on_file": True,
}


def test_a_decision_before_any_guidance_request_is_refused():
    errors = decision_rules.decision_errors(Action.DEFER, deferral_lift="x", **_WG)
    assert "须先报国家窗口指导" in " ".join(errors["__all__"])
    assert "without_guidance_justification" not in errors


def test_a_decision_while_guidance_is_pending_needs_its_own_justification():
    errors = decision_rules.decision_errors(
        Action.DEFER, deferral_lift="x", guidance_requested=True, **_WG
    )
    assert set(errors) == {"without_guidance_justification"}
    assert "尚未答复" in errors["without_guidance_justification"][0]
    assert not decision_rules.decision_errors(
        Action.DEFER,
        deferral_lift="x",
        guidance_requested=True,
        without_guidance_justification="  已逾预计答复日期，项目替代来源未落实  ",
        **_WG,
    )
    # approving against the "defer pending guidance" recommendation needs both texts
    only_waiver = decision_rules.decision_errors(
        Action.APPROVE, guidance_requested=True, without_guidance_justification="逾期", **_WG
    )
    assert set(only_waiver) == {"justification"}
    blank = decision_rules.decision_errors(
        Action.APPROVE, guidance_requested=True, without_guidance_justification="   ", **_WG
    )
    assert set(blank) == {"justification", "without_guidance_justification"}


def test_guidance_is_pending_only_while_requested_unanswered_and_open():
    base = {"route": workflow.ROUTE_WINDOW_GUIDANCE, "guidance_outcome": ""}
    for state in (State.AWAITING_GUIDANCE, State.UNDER_EVALUATION, State.UNDER_REVIEW):
        assert decision_rules.guidance_pending(state=state, guidance_requested=True, **base)
    assert not decision_rules.guidance_pending(
        state=State.UNDER_REVIEW, guidance_requested=False, **base
    )
    for state in (State.APPROVED, State.DEFERRED, State.REJECTED, State.CHANGE_REQUESTED):
        assert not decision_rules.guidance_pending(state=state, guidance_requested=True, **base)
    assert not decision_rules.guidance_pending(
        state=State.UNDER_REVIEW,
        guidance_requested=True,
        route=workflow.ROUTE_WINDOW_GUIDANCE,
        guidance_outcome="supported",
    )
    assert not decision_rules.guidance_pending(
        state=State.UNDER_REVIEW, guidance_requested=True, route="standard", guidance_outcome=""
    )


def test_record_only_timeline_rows_are_labelled_in_words() -> None:
    """Drafting and supervision rows are no workflow moves, but the timeline names them in
    Chinese, never by their stored action; an unknown action still shows as itself."""
    import re

    root = Path(__file__).resolve().parents[2]
    sources = [*root.joinpath("documents").glob("*.py")]
    sources += [*root.joinpath("supervision").rglob("*.py")]
    stored = set()
    for path in sources:
        stored |= set(re.findall(r'"((?:document|sv)_[a-z_]+)"', path.read_text()))
    stored.discard("document_kind")
    assert {"document_drafted", "document_signed", "sv_penalty"} <= stored
    for action in stored:
        label = workflow.label_for(None, action)
        assert label != action, action
        assert re.search(r"[\u4e00-\u9fff]", label), action
    assert workflow.label_for("approved", "something_else") == "something_else"
