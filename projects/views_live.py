"""The live assessment beside the form (the engine run on the draft with the step's unsaved
inputs), and the region/industry code lookup used by its fields.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from rules import engine
from rules.services import assessment_as_dict

from . import labels, selectors, services
from .forms import STEP_BY_NUMBER, StepForms
from .models import Project
from .views_common import _error_items, _lang, applicant_required


# --------------------------------------------------------------------------------------------
# Live assessment (the panel beside the form)
# --------------------------------------------------------------------------------------------
def _live(request: HttpRequest, project: Project | None) -> JsonResponse:
    try:
        step = int(request.POST.get("step", "1"))
    except ValueError:
        step = 1
    if step not in STEP_BY_NUMBER:
        step = 1
    forms = StepForms(step, project, request.POST)
    changes = forms.changes(raw=True)
    payload = services.payload_with_changes(project=project, data=changes)
    lang = _lang()
    try:
        assessment = assessment_as_dict(payload, lang=lang)
    except engine.InvalidFacts as exc:
        missing = [
            path
            for path, msgs in exc.errors.items()
            if path in services.DRAFT_MAY_LACK and all(m.code == "required" for m in msgs)
        ]
        errors = {p: m for p, m in exc.as_dict(lang)["errors"].items() if p not in missing}
        field_errors = {}
        elsewhere = {}
        for path, msgs in errors.items():
            name = forms.html_name(path)
            if name:
                field_errors[name] = msgs
            else:
                elsewhere[path] = msgs
        html = render_to_string(
            "projects/_assessment_panel.html",
            {
                "assessment": None,
                "missing": [labels.path_label(p) for p in missing],
                "panel_errors": _error_items(errors),
            },
            request=request,
        )
        return JsonResponse(
            {
                "errors": errors,
                "field_errors": field_errors,
                "missing": missing,
                "html": html,
            },
            status=400,
        )
    html = render_to_string(
        "projects/_assessment_panel.html",
        {"assessment": assessment, "products": payload.get("products") or []},
        request=request,
    )
    return JsonResponse({"assessment": assessment, "field_errors": {}, "html": html})


@applicant_required
@require_POST
def assess_live(request: HttpRequest, pk: int) -> JsonResponse:
    """The engine's assessment of the draft with the step's unsaved inputs laid over it."""
    project = selectors.project_get_for_member(pk=pk, user=request.user)
    return _live(request, project)


@applicant_required
@require_POST
def assess_live_new(request: HttpRequest) -> JsonResponse:
    """The same for step 1 of a project not yet saved."""
    return _live(request, None)


@login_required
@require_GET
def lookup(request: HttpRequest, kind: str) -> JsonResponse:
    """Region (GB/T 2260) or industry (GB/T 4754-2017) codes matching `q`, at most 20."""
    ref = engine.load_reference()
    q = request.GET.get("q", "").strip()
    if kind == "region":
        table = ref.regions
        label = labels.region_label
    elif kind == "industry":
        table = ref.industries
        label = labels.industry_label
    else:
        raise Http404
    results: list[dict[str, str]] = []
    if q:
        for code, name in table.items():
            if code.startswith(q) or q in name:
                if kind == "region" and code.endswith("00") and not code.startswith(q):
                    continue  # by name, offer counties and districts, where projects are built
                results.append({"code": code, "name": label(code)})
                if len(results) == 20:
                    break
    return JsonResponse({"results": results})
