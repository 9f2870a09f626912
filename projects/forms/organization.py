"""The forms around the steps: an attachment upload and the submission pledge (step 5), the
applicant's organization and the dashboard's filter.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import CaseState

from .. import organization_rules
from ..models import Attachment, Organization, ProjectStatus


# --------------------------------------------------------------------------------------------
# Step 5, the organization
# --------------------------------------------------------------------------------------------
class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("材料类别"), choices=Attachment.Kind.choices, initial=Attachment.Kind.ENERGY_REPORT
    )
    file = forms.FileField(
        label=_("PDF文件"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class SubmitForm(forms.Form):
    """Since 2023 the 节能报告 carries the applicant's pledge of truthfulness (《办法》(2023))."""

    pledge = forms.BooleanField(
        label=_(
            "本单位承诺：所填报的项目信息和上传的材料真实、准确、完整，如有不实，愿承担相应责任。"
        ),
        error_messages={"required": _("提交前须勾选承诺。")},
    )
    # 变更 (2023《办法》): an approved project's new submission states which changes apply.
    change_triggers = forms.MultipleChoiceField(
        label=_("变更事项（已通过审查的项目申请变更时勾选）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("site", _("建设地点变更")),
            ("content", _("建设内容或建设规模变更")),
            ("efficiency", _("能效水平变更")),
            ("energy", _("年综合能耗超过审查意见确定水平10%及以上")),
        ],
    )


class OrganizationForm(forms.ModelForm):
    """The applicant's organization; the credit code is checked with its GB 32100 check
    character (projects.validators.validate_uscc, on the model field)."""

    class Meta:
        model = Organization
        fields = [
            "name",
            "credit_code",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
        ]
        # Generic: never tell one tenant that another organization registered the code.
        error_messages = {"credit_code": {"unique": organization_rules.CREDIT_CODE_UNAVAILABLE}}

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is not None:
            frozen = organization_rules.frozen_field_errors(self.instance, cleaned)
            for field, messages in frozen.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    status = forms.ChoiceField(label=_("项目状态"), required=False)
    case_state = forms.ChoiceField(label=_("审查状态"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("项目名称或项目代码")
        self.fields["status"].choices = [("", _("全部状态")), *ProjectStatus.choices]
        self.fields["case_state"].choices = [
            ("", _("全部")),
            ("none", _("未进入审查")),
            *CaseState.choices,
        ]
