"""The applicant answers the 补正 items one by one, on the project page where he reads them.

``correction_context`` is what the project page (and the form's steps) show about a returned
case: the date by which to answer (请于 YYYY年M月D日 前提交补正材料), the reviewer's note, each
item with its answer form, and the earlier rounds as they were answered. ``correction_answer``
saves one answer (``review.services.correction_answer``); a refused answer comes back on the
page with the text as typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from review import services as review_services
from review.correction_models import ANSWER_MAX, ChangedPart, CorrectionItem
from review.correction_selectors import correction_due, rounds_of_project
from review.workflow import WorkflowError

from . import selectors
from .views import applicant_required, detail_context


class CorrectionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("答复"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("说明如何补正（不超过%(n)s字）。") % {"n": ANSWER_MAX},
        error_messages={"required": gettext_lazy("请填写对该补正事项的答复。")},
    )
    changed = forms.ChoiceField(
        label=gettext_lazy("修改之处（可选）"),
        required=False,
        choices=[("", gettext_lazy("—— 请选择 ——")), *ChangedPart.choices],
    )

    def __init__(self, *args: Any, item: CorrectionItem, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"item{item.pk}")
        kwargs.setdefault("initial", {"answer": item.answer, "changed": item.changed})
        super().__init__(*args, **kwargs)
        self.item = item


def correction_context(
    project: Any, case: Any, *, bound: CorrectionAnswerForm | None = None
) -> dict[str, Any]:
    """The returned case's open round with a form per item, and the project's earlier rounds."""
    due = correction_due(case, today=timezone.localdate())
    items = []
    if due is not None:
        for item in due.round.items.all():
            form = bound if bound is not None and bound.item.pk == item.pk else None
            items.append((item, form or CorrectionAnswerForm(item=item)))
    earlier = [r for r in rounds_of_project(project) if due is None or r.pk != due.round.pk]
    return {
        "correction_due": due,
        "correction_answer_by": review_services.date_words(due.answer_by) if due else "",
        "correction_forms": items,
        "earlier_rounds": earlier,
    }


@applicant_required
@require_POST
def correction_answer(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Save the answer to one item; back to the project page at that item. Another
    organization's project or item: 404; other roles: 403 (``applicant_required``)."""
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    item = selectors.correction_item_of(project=project, pk=item_pk)
    form = CorrectionAnswerForm(request.POST, item=item)
    if form.is_valid():
        try:
            review_services.correction_answer(
                item=item,
                by=request.user,
                answer=form.cleaned_data["answer"],
                changed=form.cleaned_data["changed"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect("projects:detail", pk=project.pk)
        else:
            messages.success(request, _("已保存对第%(n)s项补正事项的答复。") % {"n": item.position})
            url = reverse("projects:detail", kwargs={"pk": project.pk})
            return redirect(f"{url}#correction-item-{item.position}")
    context = detail_context(request, project, bound=form)
    return render(request, "projects/project_detail.html", context, status=400)
