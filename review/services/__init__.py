"""Every move of a review case: the only code that changes a ReviewCase, by stage.

``core`` (lock, check, clock, record, notify), ``routing`` (the authority from the facts),
``intake``, ``assignment``, ``evaluation``, ``guidance``, ``extensions``, ``decisions``,
``changes``, ``lapse``, ``reminders``. Callers import from ``review.services``. The review app
never calls back into the applicant side: it announces returns through ``review.signals``.
"""

from __future__ import annotations

from ..workflow import TransitionNotAllowed, WorkflowError
from .assignment import case_assign, case_claim, case_reassign
from .changes import case_consent_change, case_request_change, change_triggers_found
from .core import CaseConflict, case_lock, finding_codes, main_energy_type
from .corrections import (
    correction_answer,
    date_words,
    default_answer_by,
    open_round,
    unanswered_message,
)
from .decisions import (
    DECISION_DOCUMENT,
    case_approve,
    case_defer,
    case_lift_deferral,
    case_reject,
)
from .evaluation import case_commission_evaluation, case_record_evaluation, evaluation_on_file
from .extensions import (
    case_approve_extension,
    case_refuse_extension,
    case_request_extension,
    pending_extension,
)
from .guidance import case_answer_guidance, case_request_guidance
from .intake import (
    DEEMED_ACCEPTED_TEXT,
    case_accept,
    case_not_accept,
    case_open,
    case_resubmit,
    case_return_for_correction,
    correction_items_clean,
    intake_deem_accepted,
)
from .lapse import approval_lapses_on, case_expire_stale, case_record_construction_start
from .reminders import REMIND_WITHIN_WORKING_DAYS, deadline_reminders_send, notices_mark_read
from .routing import authority_route, case_reroute

__all__ = [
    "DECISION_DOCUMENT",
    "DEEMED_ACCEPTED_TEXT",
    "REMIND_WITHIN_WORKING_DAYS",
    "CaseConflict",
    "TransitionNotAllowed",
    "WorkflowError",
    "approval_lapses_on",
    "authority_route",
    "case_accept",
    "case_answer_guidance",
    "case_approve",
    "case_approve_extension",
    "case_assign",
    "case_claim",
    "case_commission_evaluation",
    "case_consent_change",
    "case_defer",
    "case_expire_stale",
    "case_lift_deferral",
    "case_lock",
    "case_not_accept",
    "case_open",
    "case_reassign",
    "case_record_construction_start",
    "case_record_evaluation",
    "case_refuse_extension",
    "case_reject",
    "case_request_change",
    "case_request_extension",
    "case_request_guidance",
    "case_reroute",
    "case_resubmit",
    "case_return_for_correction",
    "change_triggers_found",
    "correction_answer",
    "correction_items_clean",
    "date_words",
    "default_answer_by",
    "deadline_reminders_send",
    "evaluation_on_file",
    "finding_codes",
    "intake_deem_accepted",
    "main_energy_type",
    "notices_mark_read",
    "open_round",
    "pending_extension",
    "unanswered_message",
]
