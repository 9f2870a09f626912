"""The review case's allowed moves, as data. Pure Python: no Django, no clock, no database.

A move is one row of :data:`MOVES`: from which state, by which action, to which state, whose
move it is, what it does to the statutory clock and what it must carry (a reason, items...).
``review.services`` performs the moves and ``review.permissions`` decides who may; both read
this table, so the vocabulary and the graph are defined once.

Beside the table: the rules a decision must meet and the window-guidance rules they rest on
(``review.decision_rules``, which reads this module), and the triggers of a change after approval
(``review.change_review``, re-exported here).

Statutory basis of the clock: 《行政许可法》第三十二条 (intake: all missing items at once,
within 5 days), 第四十二条 (decision within 20 days of acceptance, one extension of 10 days
with the head's approval), 第四十五条 (time for expert evaluation and the like is not counted),
第八十二条 (the limits are working days, statutory holidays excluded). Routing of two-high
projects: 方案（七）. Change and expiry after approval: 《办法》.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

# Changes after approval (2023《办法》), in a module of their own.
from .change_review import CHANGE_ENERGY_INCREASE as CHANGE_ENERGY_INCREASE
from .change_review import CHANGE_TRIGGER_LABELS as CHANGE_TRIGGER_LABELS
from .change_review import ChangeTrigger as ChangeTrigger
from .change_review import change_review_reasons as change_review_reasons


class State(StrEnum):
    """Case states; ``review.models.CaseState`` uses the same strings."""

    SUBMITTED = "submitted"
    RETURNED = "returned"
    NOT_ACCEPTED = "not_accepted"
    ACCEPTED = "accepted"
    UNDER_REVIEW = "under_review"
    UNDER_EVALUATION = "under_evaluation"
    AWAITING_GUIDANCE = "awaiting_guidance"
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    CHANGE_REQUESTED = "change_requested"
    EXPIRED = "expired"


class Action(StrEnum):
    OPEN = "open"
    ACCEPT = "accept"
    RETURN_FOR_CORRECTION = "return_for_correction"
    NOT_ACCEPT = "not_accept"
    RESUBMIT = "resubmit"
    ASSIGN = "assign"
    CLAIM = "claim"
    REASSIGN = "reassign"
    DEEM_ACCEPT = "deem_accept"
    COMMISSION_EVALUATION = "commission_evaluation"
    RECORD_EVALUATION = "record_evaluation"
    REQUEST_GUIDANCE = "request_guidance"
    ANSWER_GUIDANCE = "answer_guidance"
    APPROVE = "approve"
    REJECT = "reject"
    DEFER = "defer"
    EXTEND = "extend"  # kept for old timeline rows: an extension in force without approval
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    LIFT_DEFERRAL = "lift_deferral"
    CONSENT_CHANGE = "consent_change"
    MOVE_AUTHORITY = "move_authority"
    RECOMPUTE_DEADLINE = "recompute_deadline"
    REQUEST_CHANGE = "request_change"
    RECORD_CONSTRUCTION_START = "record_construction_start"
    EXPIRE = "expire"
    FLAG_OVERDUE = "flag_overdue"
    ANSWER_CORRECTION = "answer_correction"  # the applicant answers one 补正 item (no move)


class Party(StrEnum):
    """Whose move it is; ``review.permissions`` maps users to parties."""

    APPLICANT = "applicant"
    REVIEWER = "reviewer"  # a reviewer of the case's authority (bob, grace)
    HEAD = "head"  # the head of the case's authority (helen): approves extensions
    NATIONAL = "national"  # NDRC window guidance (erin)
    SYSTEM = "system"  # the scheduled tasks


class Clock(StrEnum):
    """What a move does to the statutory clock."""

    NONE = "none"
    START_INTAKE = "start_intake"  # 5 working days from submission (《行政许可法》第三十二条)
    START_DECISION = "start_decision"  # 20 working days from acceptance (第四十二条)
    PAUSE = "pause"  # waiting for the applicant or for guidance does not count
    RESUME = "resume"  # paused working days are added to the deadline
    EXTEND = "extend"  # one extension of 10 working days with a reason (第四十二条)
    STOP = "stop"


INTAKE_LIMIT_WORKING_DAYS: Final = 5
DECISION_LIMIT_WORKING_DAYS: Final = 20
EXTENSION_WORKING_DAYS: Final = 10
# 《办法》: the opinion is valid two years from issue; not started by then, it is reviewed again.
APPROVAL_VALID_YEARS: Final = 2

ROUTE_WINDOW_GUIDANCE: Final = "national_window_guidance"
GUIDANCE_OUTCOMES: Final = ("supported", "supported_with_conditions", "not_supported")
GUIDANCE_POSITIVE: Final = frozenset({"supported", "supported_with_conditions"})
# Finding codes that make the engine recommend ``defer`` (assessment contract).
DEFERRING_CODES: Final = frozenset({"SUBSTITUTION_SHORTFALL", "NATIONAL_WINDOW_GUIDANCE"})


@dataclass(frozen=True)
class Move:
    """One allowed move of the case graph."""

    action: Action
    source: State | None
    target: State
    party: Party
    label: str
    clock: Clock = Clock.NONE
    needs_reason: bool = False
    decision: bool = False


S, A, P, C = State, Action, Party, Clock

# States in which the decision clock runs (an extension may be asked for and approved there).
_DECISION_RUNNING = (S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_EVALUATION, S.AWAITING_GUIDANCE)
_HANDLED = (S.UNDER_REVIEW, S.UNDER_EVALUATION, S.AWAITING_GUIDANCE, S.DEFERRED)

MOVES: Final[tuple[Move, ...]] = (
    Move(A.OPEN, None, S.SUBMITTED, P.APPLICANT, "提交申请", C.START_INTAKE),
    # Intake (受理): 2023《办法》第十二条, 《行政许可法》第三十二条.
    Move(A.ASSIGN, S.SUBMITTED, S.SUBMITTED, P.REVIEWER, "分派受理人"),
    Move(A.CLAIM, S.SUBMITTED, S.SUBMITTED, P.REVIEWER, "认领受理"),
    Move(A.REASSIGN, S.SUBMITTED, S.SUBMITTED, P.REVIEWER, "改派", needs_reason=True),
    Move(A.ACCEPT, S.SUBMITTED, S.ACCEPTED, P.REVIEWER, "受理", C.START_DECISION),
    # Silence past 5 working days: accepted from the day of receipt (第三十二条).
    Move(
        A.DEEM_ACCEPT, S.SUBMITTED, S.ACCEPTED, P.SYSTEM, "逾期未告知，视为受理", C.START_DECISION
    ),
    Move(
        A.RETURN_FOR_CORRECTION,
        S.SUBMITTED,
        S.RETURNED,
        P.REVIEWER,
        "退回补正",
        C.STOP,
        needs_reason=True,
    ),
    Move(A.NOT_ACCEPT, S.SUBMITTED, S.NOT_ACCEPTED, P.REVIEWER, "不予受理", C.STOP, True),
    # The corrected material is a new receipt: the 5-day intake clock starts again.
    Move(A.RESUBMIT, S.RETURNED, S.SUBMITTED, P.APPLICANT, "补正后重新提交", C.START_INTAKE),
    # Review (审查).
    Move(A.ASSIGN, S.ACCEPTED, S.UNDER_REVIEW, P.REVIEWER, "分派承办人"),
    Move(A.CLAIM, S.ACCEPTED, S.UNDER_REVIEW, P.REVIEWER, "认领承办"),
    *(Move(A.REASSIGN, s, s, P.REVIEWER, "改派", needs_reason=True) for s in _HANDLED),
    Move(A.ASSIGN, S.CHANGE_REQUESTED, S.UNDER_REVIEW, P.REVIEWER, "分派承办人（变更重审）"),
    Move(A.CLAIM, S.CHANGE_REQUESTED, S.UNDER_REVIEW, P.REVIEWER, "认领承办（变更重审）"),
    # Commissioned evaluation (委托评审): 2023《办法》第十三条; its time does not count
    # (《行政许可法》第四十五条).
    # Also while window guidance is pending (guidance may be sent before the report exists).
    *(
        Move(A.COMMISSION_EVALUATION, s, S.UNDER_EVALUATION, P.REVIEWER, "委托评审", C.PAUSE)
        for s in (S.UNDER_REVIEW, S.AWAITING_GUIDANCE)
    ),
    Move(
        A.RECORD_EVALUATION,
        S.UNDER_EVALUATION,
        S.UNDER_REVIEW,
        P.REVIEWER,
        "登记评审报告",
        C.RESUME,
    ),
    # Extension (第四十二条): asked by the reviewer, in force once the authority's head approves.
    *(
        Move(A.REQUEST_EXTENSION, s, s, P.REVIEWER, "申请延长审查期限", needs_reason=True)
        for s in (*_DECISION_RUNNING, S.CHANGE_REQUESTED)
    ),
    *(
        Move(A.APPROVE_EXTENSION, s, s, P.HEAD, "批准延长审查期限", C.EXTEND)
        for s in (*_DECISION_RUNNING, S.CHANGE_REQUESTED)
    ),
    *(
        Move(A.REFUSE_EXTENSION, s, s, P.HEAD, "不批准延长审查期限", needs_reason=True)
        for s in (*_DECISION_RUNNING, S.CHANGE_REQUESTED)
    ),
    # Window guidance (窗口指导): 方案（七）; consulting does not stop the clock (第四十五条).
    Move(A.REQUEST_GUIDANCE, S.UNDER_REVIEW, S.AWAITING_GUIDANCE, P.REVIEWER, "报请国家窗口指导"),
    Move(
        A.ANSWER_GUIDANCE,
        S.AWAITING_GUIDANCE,
        S.UNDER_REVIEW,
        P.NATIONAL,
        "出具窗口指导意见",
        needs_reason=True,
    ),
    # The answer may also come while the evaluation runs or after its report came back (the
    # request is still pending: ``decision_rules.guidance_pending``); the case stays where it is.
    *(
        Move(A.ANSWER_GUIDANCE, s, s, P.NATIONAL, "出具窗口指导意见", needs_reason=True)
        for s in (S.UNDER_EVALUATION, S.UNDER_REVIEW)
    ),
    # Decisions (审查决定). While guidance is pending the reviewer may decide with a recorded
    # justification for not waiting (``decision_rules.decision_errors``), or ask for an extension.
    *(
        move
        for s in (S.UNDER_REVIEW, S.AWAITING_GUIDANCE)
        for move in (
            Move(A.APPROVE, s, S.APPROVED, P.REVIEWER, "审查通过", C.STOP, True, True),
            Move(A.REJECT, s, S.REJECTED, P.REVIEWER, "不予通过", C.STOP, True, True),
            # 缓批 is a written decision: it ends the clock; lifting it starts a new 20-day clock.
            Move(A.DEFER, s, S.DEFERRED, P.REVIEWER, "缓批", C.STOP, True, True),
        )
    ),
    Move(A.RESUBMIT, S.DEFERRED, S.UNDER_REVIEW, P.APPLICANT, "提交新材料", C.START_DECISION),
    Move(
        A.LIFT_DEFERRAL,
        S.DEFERRED,
        S.UNDER_REVIEW,
        P.REVIEWER,
        "解除缓批",
        C.START_DECISION,
        needs_reason=True,
    ),
    # After approval (2023《办法》): change, construction start, lapse.
    Move(
        A.REQUEST_CHANGE, S.APPROVED, S.CHANGE_REQUESTED, P.APPLICANT, "申请变更", C.START_DECISION
    ),
    Move(
        A.CONSENT_CHANGE,
        S.CHANGE_REQUESTED,
        S.APPROVED,
        P.REVIEWER,
        "同意变更",
        C.STOP,
        needs_reason=True,
    ),
    Move(A.RECORD_CONSTRUCTION_START, S.APPROVED, S.APPROVED, P.APPLICANT, "登记开工"),
    Move(A.EXPIRE, S.APPROVED, S.EXPIRED, P.SYSTEM, "逾期未开工，审查意见失效", C.STOP, True),
    # Overdue flag: recorded by the reminder task, no state change.
    *(
        Move(A.FLAG_OVERDUE, state, state, P.SYSTEM, "标记逾期")
        for state in (S.SUBMITTED, *_DECISION_RUNNING, S.CHANGE_REQUESTED)
    ),
)

# Moves made by the services themselves, never from a page: the case moves to the authority the
# new facts route to (recorded, with the reason).
MOVE_AUTHORITY_LABEL: Final = "移交其他审查机关"

TRANSITIONS: Final[Mapping[tuple[State | None, Action], Move]] = {
    (move.source, move.action): move for move in MOVES
}
assert len(TRANSITIONS) == len(MOVES), "two moves share a (source, action)"

# The clock's phase in each state: running (intake/decision), paused, or stopped (absent).
RUNNING: Final[Mapping[State, str]] = {
    S.SUBMITTED: "intake",
    S.ACCEPTED: "decision",
    S.UNDER_REVIEW: "decision",
    S.AWAITING_GUIDANCE: "decision",  # the clock keeps running (第四十五条)
    S.CHANGE_REQUESTED: "decision",
}
# Only the commissioned evaluation pauses the clock (第四十五条). Waiting for the applicant's
# correction ends the intake clock (a corrected submission is a new receipt); 缓批 ends it.
PAUSED: Final = frozenset({S.UNDER_EVALUATION})
# A project may open a new case only when its earlier cases are closed.
CLOSED: Final = frozenset({S.NOT_ACCEPTED, S.REJECTED, S.EXPIRED})
DECISIONS: Final = frozenset(move.action for move in MOVES if move.decision)
# Recommendation a decision agrees with (the engine's ``recommendation``).
AGREES_WITH: Final[Mapping[Action, frozenset[str]]] = {
    A.APPROVE: frozenset({"approve", "not_required"}),
    A.REJECT: frozenset({"reject"}),
    A.DEFER: frozenset({"defer"}),
}

LABELS: Final[Mapping[Action, str]] = {
    A.EXTEND: "延长审查期限",
    A.MOVE_AUTHORITY: MOVE_AUTHORITY_LABEL,
    A.RECOMPUTE_DEADLINE: "按官方节假日安排重新计算期限",
    A.ANSWER_CORRECTION: "答复补正事项",
    **{move.action: move.label for move in reversed(MOVES)},
}
STATE_LABELS: Final[Mapping[State, str]] = {
    S.SUBMITTED: "已提交待受理",
    S.RETURNED: "退回补正",
    S.NOT_ACCEPTED: "不予受理",
    S.ACCEPTED: "已受理",
    S.UNDER_REVIEW: "审查中",
    S.UNDER_EVALUATION: "委托评审中",
    S.AWAITING_GUIDANCE: "待国家窗口指导",
    S.APPROVED: "审查通过",
    S.REJECTED: "不予通过",
    S.DEFERRED: "缓批",
    S.CHANGE_REQUESTED: "变更申请",
    S.EXPIRED: "已失效",
}


class WorkflowError(Exception):
    """A rule of the workflow was broken; ``code`` is stable, ``message`` is Chinese."""

    code = "workflow_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(WorkflowError):
    """The action is not allowed from the case's current state."""

    code = "transition_not_allowed"

    def __init__(self, state: State | str | None, action: Action | str, message: str = "") -> None:
        self.state = state
        self.action = action
        label = LABELS.get(Action(action), str(action)) if action in set(Action) else str(action)
        shown = STATE_LABELS.get(State(state), state) if state in set(State) else "（新案件）"
        super().__init__(message or f"案件当前状态为“{shown}”，不能执行“{label}”。")


def check_transition(state: State | str | None, action: Action | str) -> Move:
    """The move for ``action`` from ``state``; raises TransitionNotAllowed if there is none."""
    try:
        key = (State(state) if state is not None else None, Action(action))
    except ValueError as exc:
        raise TransitionNotAllowed(state, action) from exc
    move = TRANSITIONS.get(key)
    if move is None:
        raise TransitionNotAllowed(state, action)
    return move


# Timeline rows that record work beside the procedure (drafting, supervision): no move, a label.
RECORD_LABELS: Final[Mapping[str, str]] = {
    "document_drafted": "公文拟稿",
    "document_edited": "修改公文草稿",
    "document_submitted": "公文送核稿",
    "document_returned": "公文退回修改",
    "document_signed": "公文签发",
    "document_revoked": "公文撤销",
    "sv_acceptance_filed": "提交节能验收备案",
    "sv_acceptance_overdue": "逾期未备案节能验收",
    "sv_acceptance_recorded": "节能验收核查",
    "sv_inspection_drawn": "抽取监督检查对象",
    "sv_inspection_recorded": "记录监督检查结果",
    "sv_inventory_status": "两高项目清单状态变更",
    "sv_monitoring_excess": "在线监测能耗超出批复",
    "sv_penalty": "记录行政处罚",
    "sv_rectification_closed": "整改完成",
    "sv_rectification_ordered": "责令整改",
    "sv_rectification_reported": "报告整改情况",
}


def label_for(state: State | str | None, action: Action | str) -> str:
    """The label of ``action`` made from ``state`` (an assignment of a submitted case is the
    intake handler's, of an accepted case the review handler's); record-only rows by
    ``RECORD_LABELS``."""
    try:
        key = (State(state) if state else None, Action(action))
    except ValueError:
        return RECORD_LABELS.get(str(action), str(action))
    move = TRANSITIONS.get(key)
    return move.label if move else LABELS.get(Action(action), str(action))


def moves_from(state: State | str) -> tuple[Move, ...]:
    """Every move that starts in ``state``, in table order."""
    return tuple(move for move in MOVES if move.source == State(state))


def phase_of(state: State | str) -> str:
    """``intake``, ``decision``, ``paused`` or ``""`` (clock stopped) for a state."""
    state = State(state)
    if state in RUNNING:
        return RUNNING[state]
    return "paused" if state in PAUSED else ""
