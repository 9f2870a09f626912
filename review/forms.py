"""Forms of the reviewer pages: they only clean input; ``review.services`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rules.selectors import ROUTE_LABELS

from .models import CaseState, ReviewCase
from .selectors import QueueFilters


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *CaseState.choices]
    )
    route = forms.ChoiceField(
        label=_("审查路径"),
        required=False,
        choices=[("", _("全部路径")), *((k, v) for k, v in ROUTE_LABELS.items())],
    )
    two_high = forms.ChoiceField(
        label=_("两高项目"),
        required=False,
        choices=[("", _("全部")), ("yes", _("是")), ("no", _("否"))],
    )
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False)
    mine = forms.BooleanField(label=_("仅看我承办的"), required=False)
    q = forms.CharField(label=_("项目名称/代码/单位"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("deadline", _("期限由近到远")),
            ("-deadline", _("期限由远到近")),
            ("-submitted", _("最新提交在前")),
            ("submitted", _("最早提交在前")),
        ],
    )

    def filters(self) -> QueueFilters:
        """The cleaned filters (an invalid form filters nothing)."""
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        two_high = {"yes": True, "no": False}.get(data.get("two_high") or "")
        return QueueFilters(
            state=data.get("state") or "",
            route=data.get("route") or "",
            two_high=two_high,
            overdue=bool(data.get("overdue")),
            mine=bool(data.get("mine")),
            q=data.get("q") or "",
            sort=data.get("sort") or "deadline",
        )


class CaseActionForm(forms.Form):
    """Every move's form carries the case version the reviewer saw (optimistic check)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        self.case = case
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", case.version)
        super().__init__(*args, **kwargs)


class AcceptForm(CaseActionForm):
    note = forms.CharField(
        max_length=5000,
        label=_("受理意见（可选）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    take = forms.BooleanField(label=_("受理后由我承办"), required=False, initial=True)


class ReturnForm(CaseActionForm):
    items = forms.CharField(
        label=_("补正事项（每行一项：所缺材料或内容｜具体要求，一次性列明）"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "《行政许可法》第三十二条：一次告知申请人需要补正的全部内容。"
            "例：能源计量器具配备情况｜补充主要用能设备的计量器具一览表"
        ),
    )
    reason = forms.CharField(
        label=_("致申请人的说明（可选）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    answer_by = forms.DateField(
        label=_("补正期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("申请人须在此日期前逐项答复并提交补正材料；不填则为退回之日起%(n)s天。"),
    )

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        from django.conf import settings
        from django.utils import timezone

        from .services import default_answer_by

        super().__init__(*args, case=case, **kwargs)
        field = self.fields["answer_by"]
        field.help_text = field.help_text % {"n": settings.CORRECTION_ANSWER_DAYS}
        field.initial = default_answer_by(timezone.localdate())

    def clean_items(self) -> list[dict[str, str]]:
        from django.core.exceptions import ValidationError

        from .services import correction_items_clean

        try:
            return correction_items_clean(_lines(self.cleaned_data["items"]))
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["items"]) from exc


class NotAcceptForm(CaseActionForm):
    reason = forms.CharField(
        max_length=5000, label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 4})
    )


class AssignForm(CaseActionForm):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        from .selectors import assignee_choices

        field = self.fields["assignee"]
        field.queryset = assignee_choices(case=case)  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{getattr(getattr(u, 'profile', None), 'display_name', '') or u.username}"
            f"（{u.username}）"
        )


class ReassignForm(AssignForm):
    reason = forms.CharField(
        max_length=5000, label=_("改派理由"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimForm(CaseActionForm):
    pass


class CommissionEvaluationForm(CaseActionForm):
    body = forms.ModelChoiceField(label=_("评审机构"), queryset=None)  # type: ignore[arg-type]
    due_on = forms.DateField(
        label=_("约定完成日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("委托说明（可选）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("评审时间不计入审查期限（《行政许可法》第四十五条），将书面告知申请人。"),
    )

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        from .models import EvaluationBody

        self.fields["body"].queryset = EvaluationBody.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["body"].label_from_instance = lambda b: (  # type: ignore[attr-defined]
            f"{b.name}（{b.contact}）" if b.contact else b.name
        )


class EvaluationForm(CaseActionForm):
    received_on = forms.DateField(
        label=_("收到评审报告日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    conclusion = forms.CharField(
        label=_("评审结论"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    expert_opinions = forms.CharField(
        label=_("专家意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    report = forms.FileField(label=_("评审报告（PDF）"))


class RequestGuidanceForm(CaseActionForm):
    reason = forms.CharField(
        label=_("省级初步意见"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("窗口指导期间审查期限照常计算（《行政许可法》第四十五条）。"),
    )


class GuidanceAnswerForm(CaseActionForm):
    outcome = forms.ChoiceField(
        label=_("窗口指导意见"),
        choices=[
            ("supported", _("支持")),
            ("supported_with_conditions", _("有条件支持")),
            ("not_supported", _("不支持")),
        ],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        max_length=5000,
        label=_("指导说明（能效水平、环保要求、产业政策、相关规划）"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class _DecisionForm(CaseActionForm):
    reason = forms.CharField(
        max_length=5000, label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 4})
    )
    justification = forms.CharField(
        label=_("与系统建议不一致的理由说明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("决定与评估系统的建议不一致时必填。"),
    )
    without_guidance_justification = forms.CharField(
        label=_("未待窗口指导意见即作出决定的理由"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "国家窗口指导意见尚未答复时必填（方案（七））；也可先申请延长审查期限，等待答复。"
        ),
    )

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if not case.guidance_pending:  # asked only while a guidance request is unanswered
            del self.fields["without_guidance_justification"]


class ApproveForm(_DecisionForm):
    conditions = forms.CharField(
        label=_("审查意见条件（每行一项，可选）"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例如：投产前完成能耗等量减量替代（方案（十二））。"),
    )

    def clean_conditions(self) -> list[str]:
        return _lines(self.cleaned_data.get("conditions", ""))


class RejectForm(_DecisionForm):
    cited_findings = forms.MultipleChoiceField(
        label=_("所依据的评估发现"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        findings = (case.submission.assessment or {}).get("findings", [])
        seen: dict[str, str] = {}
        for f in findings:
            code = f.get("code", "")
            if code and code not in seen:
                seen[code] = f"{code}：{f.get('message', '')}（{f.get('basis', '')}）"
        self.fields["cited_findings"].choices = list(seen.items())  # type: ignore[attr-defined]


class DeferForm(_DecisionForm):
    deferral_lift = forms.CharField(
        max_length=5000,
        label=_("解除缓批的条件（需补充的材料或需满足的条件）"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequestExtensionForm(CaseActionForm):
    reason = forms.CharField(
        label=_("延长理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("经本机关负责人批准后生效，延长10个工作日，并告知申请人（第四十二条）。"),
    )


class ApproveExtensionForm(CaseActionForm):
    note = forms.CharField(
        label=_("审批意见（可选）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseExtensionForm(CaseActionForm):
    note = forms.CharField(
        label=_("不批准理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(CaseActionForm):
    reason = forms.CharField(
        label=_("理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConstructionStartForm(CaseActionForm):
    started_on = forms.DateField(
        label=_("开工日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(label=_("开工证明材料（施工许可证、开工报告等）"), required=False)
