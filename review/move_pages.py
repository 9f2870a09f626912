"""The move pages as data: for each action a reviewer makes from a form page, the form that
cleans the input, the service call that makes the move, and the message shown once it is made
(``danger`` marks the pages of adverse decisions). ``review.views.case_action`` serves them all.

Split from ``review.views``, which re-exports these names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from . import forms, permissions, services
from .models import ReviewCase
from .workflow import Action


@dataclass(frozen=True)
class MovePage:
    form: type[forms.CaseActionForm]
    run: Callable[[ReviewCase, Any, dict[str, Any]], Any]
    done: str
    danger: bool = False


def _v(data: dict[str, Any]) -> int:
    return data["version"]


MOVE_PAGES: dict[Action, MovePage] = {
    Action.ACCEPT: MovePage(
        forms.AcceptForm,
        lambda c, u, d: services.case_accept(
            case=c,
            by=u,
            note=d["note"],
            assign_to=u if d["take"] and permissions.can_be_assignee(u, c) else None,
            expected_version=_v(d),
        ),
        gettext_lazy("已受理，审查期限开始计算。"),
    ),
    Action.RETURN_FOR_CORRECTION: MovePage(
        forms.ReturnForm,
        lambda c, u, d: services.case_return_for_correction(
            case=c,
            by=u,
            items=d["items"],
            reason=d["reason"],
            answer_by=d.get("answer_by"),
            expected_version=_v(d),
        ),
        gettext_lazy("已退回补正，等待申请人补正期间暂停计时。"),
    ),
    Action.NOT_ACCEPT: MovePage(
        forms.NotAcceptForm,
        lambda c, u, d: services.case_not_accept(
            case=c, by=u, reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("已作出不予受理决定。"),
        danger=True,
    ),
    Action.ASSIGN: MovePage(
        forms.AssignForm,
        lambda c, u, d: services.case_assign(
            case=c, by=u, assignee=d["assignee"], expected_version=_v(d)
        ),
        gettext_lazy("已分派承办人。"),
    ),
    Action.CLAIM: MovePage(
        forms.ClaimForm,
        lambda c, u, d: services.case_claim(case=c, by=u, expected_version=_v(d)),
        gettext_lazy("您已认领该案件。"),
    ),
    Action.REASSIGN: MovePage(
        forms.ReassignForm,
        lambda c, u, d: services.case_reassign(
            case=c, by=u, assignee=d["assignee"], reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("已改派。"),
    ),
    Action.COMMISSION_EVALUATION: MovePage(
        forms.CommissionEvaluationForm,
        lambda c, u, d: services.case_commission_evaluation(
            case=c, by=u, body=d["body"], due_on=d["due_on"], note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("已委托评审并书面告知申请人；评审期间暂停计时。"),
    ),
    Action.RECORD_EVALUATION: MovePage(
        forms.EvaluationForm,
        lambda c, u, d: services.case_record_evaluation(
            case=c,
            by=u,
            received_on=d["received_on"],
            conclusion=d["conclusion"],
            expert_opinions=d["expert_opinions"],
            report=d.get("report"),
            expected_version=_v(d),
        ),
        gettext_lazy("已登记评审报告，审查恢复计时。"),
    ),
    Action.REQUEST_GUIDANCE: MovePage(
        forms.RequestGuidanceForm,
        lambda c, u, d: services.case_request_guidance(
            case=c, by=u, reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("已报请国家窗口指导；窗口指导期间审查期限照常计算。"),
    ),
    Action.ANSWER_GUIDANCE: MovePage(
        forms.GuidanceAnswerForm,
        lambda c, u, d: services.case_answer_guidance(
            case=c, by=u, outcome=d["outcome"], notes=d["notes"], expected_version=_v(d)
        ),
        gettext_lazy("窗口指导意见已出具，案件回到审查中。"),
    ),
    Action.APPROVE: MovePage(
        forms.ApproveForm,
        lambda c, u, d: services.case_approve(
            case=c,
            by=u,
            reason=d["reason"],
            conditions=d["conditions"],
            justification=d["justification"],
            without_guidance_justification=d.get("without_guidance_justification", ""),
            expected_version=_v(d),
        ),
        gettext_lazy("已作出审查通过决定，节能审查意见正在生成。"),
    ),
    Action.REJECT: MovePage(
        forms.RejectForm,
        lambda c, u, d: services.case_reject(
            case=c,
            by=u,
            reason=d["reason"],
            cited_findings=d["cited_findings"],
            justification=d["justification"],
            without_guidance_justification=d.get("without_guidance_justification", ""),
            expected_version=_v(d),
        ),
        gettext_lazy("已作出不予通过决定，通知书正在生成。"),
        danger=True,
    ),
    Action.DEFER: MovePage(
        forms.DeferForm,
        lambda c, u, d: services.case_defer(
            case=c,
            by=u,
            reason=d["reason"],
            deferral_lift=d["deferral_lift"],
            justification=d["justification"],
            without_guidance_justification=d.get("without_guidance_justification", ""),
            expected_version=_v(d),
        ),
        gettext_lazy("已作出缓批决定，通知书正在生成；审查期限终止，解除缓批后重新计算。"),
    ),
    Action.REQUEST_EXTENSION: MovePage(
        forms.RequestExtensionForm,
        lambda c, u, d: services.case_request_extension(
            case=c, by=u, reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("已提交延长申请，待本机关负责人批准后生效。"),
    ),
    Action.APPROVE_EXTENSION: MovePage(
        forms.ApproveExtensionForm,
        lambda c, u, d: services.case_approve_extension(
            case=c, by=u, note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("已批准延长审查期限10个工作日，并书面告知申请人。"),
    ),
    Action.REFUSE_EXTENSION: MovePage(
        forms.RefuseExtensionForm,
        lambda c, u, d: services.case_refuse_extension(
            case=c, by=u, note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("已不批准延长审查期限。"),
        danger=True,
    ),
    Action.LIFT_DEFERRAL: MovePage(
        forms.ReasonForm,
        lambda c, u, d: services.case_lift_deferral(
            case=c, by=u, reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("已解除缓批，重新计算20个工作日审查期限。"),
    ),
    Action.CONSENT_CHANGE: MovePage(
        forms.ReasonForm,
        lambda c, u, d: services.case_consent_change(
            case=c, by=u, reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("已同意变更。"),
    ),
    Action.RECORD_CONSTRUCTION_START: MovePage(
        forms.ConstructionStartForm,
        lambda c, u, d: services.case_record_construction_start(
            case=c,
            by=u,
            started_on=d["started_on"],
            evidence=d.get("evidence"),
            expected_version=_v(d),
        ),
        gettext_lazy("已登记开工日期。"),
    ),
}
