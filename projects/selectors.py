"""Reads of projects, scoped to what the user may see, shaped for pages, the API and the engine."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from accounts import roles
from review.correction_models import CorrectionItem
from review.models import CaseState, Opinion, ReviewCase

from . import permissions
from .models import Attachment, EnergyLine, Project, SubstitutionSource

NO_CASE = "none"

# The related rows every page and API answer about one project needs, loaded in fixed queries.
LINE_PREFETCHES = ("energy_lines", "product_lines", "substitution_sources", "attachments")


def _cases_prefetch() -> Prefetch:
    """Cases newest first, each with its issued (ready) opinions, newest version first."""
    opinions = Opinion.objects.filter(state=Opinion.State.READY).order_by("-issued_on", "-version")
    return Prefetch(
        "cases",
        queryset=ReviewCase.objects.order_by("-created_at", "-id").prefetch_related(
            Prefetch("opinions", queryset=opinions)
        ),
    )


def _latest_case_subquery(field: str) -> Subquery:
    return Subquery(
        ReviewCase.objects.filter(project=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )


def project_list_for_user(
    *, user: Any, q: str = "", status: str = "", case_state: str = ""
) -> QuerySet[Project]:
    """The projects `user` may read (permissions.project_scope), newest change first.

    `q` matches name or project code; `status` the project status; `case_state` the state of the
    latest review case (`none`: never submitted to review). Annotates `case_state` and
    `case_deadline`; prefetches cases with their ready opinions, so a page of any length costs
    the same number of queries.
    """
    qs = (
        Project.objects.filter(permissions.project_scope(user))
        .select_related("organization")
        .annotate(
            case_state=_latest_case_subquery("state"),
            case_deadline=_latest_case_subquery("deadline"),
        )
        .prefetch_related(_cases_prefetch())
    )
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(project_code__icontains=term))
    if status:
        qs = qs.filter(status=status)
    if case_state == NO_CASE:
        qs = qs.filter(case_state__isnull=True)
    elif case_state:
        qs = qs.filter(case_state=case_state)
    return qs.order_by("-updated_at", "-id")


def _with_lines(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.select_related("organization").prefetch_related(*LINE_PREFETCHES, _cases_prefetch())


def project_get_for_member(*, pk: int, user: Any) -> Project:
    """One project of the user's own organization with its lines; 404 for anyone else's."""
    if not permissions.is_applicant_member(user):
        raise Http404
    try:
        return _with_lines(Project.objects.filter(organization_id=roles.organization_id(user))).get(
            pk=pk
        )
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def project_get_for_user(*, pk: int, user: Any) -> Project:
    """One project `user` may read (members, reviewers in jurisdiction, admins); else 404."""
    try:
        return _with_lines(Project.objects.filter(permissions.project_scope(user))).get(pk=pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def attachment_get_for_user(*, project_pk: int, pk: int, user: Any) -> Attachment:
    """An attachment `user` may download (permissions.can_download_attachment); else 404."""
    attachment = (
        Attachment.objects.select_related("project").filter(project_id=project_pk, pk=pk).first()
    )
    if attachment is None or not permissions.can_download_attachment(user, attachment):
        raise Http404
    return attachment


def evidence_get_for_user(*, project_pk: int, pk: int, user: Any) -> SubstitutionSource:
    """A substitution source whose evidence `user` may download; else 404."""
    source = (
        SubstitutionSource.objects.select_related("project")
        .filter(project_id=project_pk, pk=pk)
        .first()
    )
    if source is None or not permissions.can_download_evidence(user, source):
        raise Http404
    return source


def correction_item_of(*, project: Project, pk: int) -> CorrectionItem:
    """A 补正 item of one of ``project``'s cases, with its round; else 404."""
    item = (
        CorrectionItem.objects.select_related("round")
        .filter(pk=pk, round__case__project=project)
        .first()
    )
    if item is None:
        raise Http404
    return item


def latest_case(project: Project) -> ReviewCase | None:
    return permissions.latest_case(project)


def cases_of(project: Project) -> list[ReviewCase]:
    """The project's cases newest first (prefetched by the selectors above)."""
    return list(project.cases.all())


def energy_lines_of(project: Project, kind: str) -> list[EnergyLine]:
    return [line for line in project.energy_lines.all() if line.kind == kind]


def _line_payload(line: EnergyLine) -> dict[str, Any]:
    out: dict[str, Any] = {"type": line.energy_type, "quantity": line.quantity, "unit": line.unit}
    if line.low_heat_value_kj is not None:
        out["low_heat_value_kj"] = line.low_heat_value_kj
    return out


def project_payload(project: Project, *, submitted_on: date | None = None) -> dict[str, Any]:
    """The project's current facts as the assessment contract's input JSON.

    Blank region, industry or construction type are left out (a draft may lack them), so the
    engine reports them as required rather than malformed.
    """
    payload: dict[str, Any] = {
        "project_code": project.project_code,
        "name": project.name,
        "national_major_project": project.national_major_project,
        "energy": [_line_payload(x) for x in energy_lines_of(project, EnergyLine.Kind.ENERGY)],
        "baseline_energy": [
            _line_payload(x) for x in energy_lines_of(project, EnergyLine.Kind.BASELINE)
        ],
        "exported_energy": [
            _line_payload(x) for x in energy_lines_of(project, EnergyLine.Kind.EXPORTED)
        ],
        "unchanged_site_process_equipment": project.unchanged_site_process_equipment,
        "national_major_document": project.national_major_document,
        "national_major_relief_share": project.national_major_relief_share,
        "renewable_electricity_kwh": project.renewable_electricity_kwh,
        "feedstock_tce": project.feedstock_tce,
        "products": [
            {"product": p.product, "annual_output": p.annual_output, "unit_energy": p.unit_energy}
            for p in project.product_lines.all()
        ],
        "substitution_sources": [
            {"description": s.description, "saved_tce": s.saved_tce}
            for s in project.substitution_sources.all()
        ],
    }
    for key in ("region", "industry", "construction_type", "project_type"):
        value = getattr(project, key)
        if value:
            payload[key] = value
    if submitted_on is not None:
        payload["submitted_on"] = submitted_on.isoformat()
    return payload


def project_details(project: Project) -> dict[str, Any]:
    """What a submission records beside the contract's facts: dates, investment, applicant."""
    return {
        "organization": {
            "name": project.organization.name,
            "credit_code": project.organization.credit_code,
        },
        "planned_start": project.planned_start.isoformat() if project.planned_start else None,
        "planned_completion": project.planned_completion.isoformat()
        if project.planned_completion
        else None,
        "total_investment_wan": str(project.total_investment_wan)
        if project.total_investment_wan is not None
        else None,
        "description": project.description,
    }


def active_case_states() -> frozenset[str]:
    """States in which the authority's clock runs (a deadline shown as overdue when passed)."""
    return frozenset(
        {
            CaseState.SUBMITTED,
            CaseState.ACCEPTED,
            CaseState.UNDER_REVIEW,
            CaseState.AWAITING_GUIDANCE,
            CaseState.CHANGE_REQUESTED,
        }
    )
