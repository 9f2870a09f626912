"""Writes for projects: drafts and their lines, files, submission and the correction round.

Every function here validates first and writes after, inside one transaction, so a bad input
leaves nothing behind. Validation of the facts is the engine's (`rules.services.assessment_run`):
a draft may lack its region, industry or construction type, but whatever it states must be
valid. Web forms and the API both call these functions; neither writes by itself.

Drafts, their lines and the organization are written here; files are in
`projects.services_files`, submission and the correction round in
`projects.services_submission`, both re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rules import engine

from . import checks, organization_rules, permissions, selectors
from .checks import (
    DRAFT_MAY_LACK,
    LIST_FIELDS,
    ProjectError,
    ProjectInvalid,
    ProjectNotEditable,
    payload_with_changes,
)
from .models import (
    EnergyLine,
    Organization,
    ProductLine,
    Project,
    ProjectStatus,
    SubstitutionSource,
)
from .services_files import (
    attachment_add,
    attachment_delete,
    delete_files,
    project_lock,
    stored_name,
)
from .services_submission import (
    frozen_assessment,
    project_check,
    project_mark_for_correction,
    project_submit,
)

__all__ = [
    "DRAFT_MAY_LACK",
    "ProjectError",
    "ProjectInvalid",
    "ProjectNotEditable",
    "attachment_add",
    "attachment_delete",
    "organization_update",
    "payload_with_changes",
    "project_check",
    "project_create",
    "project_delete",
    "project_draft_assessment_refresh",
    "project_line_add",
    "project_line_delete",
    "project_mark_for_correction",
    "project_submit",
    "project_update",
]


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def _number(value: Any, default: float = 0.0) -> float:
    """A number the engine has already accepted (numbers or numeric strings)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return float(value) + 0.0


def _optional_number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(value)


def _unit_code(label: str) -> str:
    unit = engine.load_reference().unit_for(str(label).strip())
    return unit.unit if unit is not None else str(label).strip()


def _apply_scalars(project: Project, data: Mapping[str, Any]) -> None:
    for key in ("project_code", "name", "region", "industry", "construction_type"):
        if key in data:
            value = data[key]
            setattr(project, key, str(value).strip() if value is not None else "")
    if not project.construction_type:
        project.construction_type = "new"
    if "national_major_project" in data:
        project.national_major_project = bool(data["national_major_project"])
    if "unchanged_site_process_equipment" in data:
        project.unchanged_site_process_equipment = bool(data["unchanged_site_process_equipment"])
    for key in ("project_type", "national_major_document"):
        if key in data:
            value = data[key]
            setattr(project, key, str(value).strip() if value is not None else "")
    if "national_major_relief_share" in data:
        project.national_major_relief_share = _number(data["national_major_relief_share"])
    for key in ("renewable_electricity_kwh", "feedstock_tce"):
        if key in data:
            setattr(project, key, _number(data[key]))
    for key in ("planned_start", "planned_completion", "total_investment_wan"):
        if key in data:
            setattr(project, key, data[key])
    if "description" in data:
        project.description = data["description"] or ""


# The energy lists of the contract and the EnergyLine kind that stores each.
ENERGY_KINDS = {
    "energy": EnergyLine.Kind.ENERGY,
    "baseline_energy": EnergyLine.Kind.BASELINE,
    "exported_energy": EnergyLine.Kind.EXPORTED,
}


def _replace_energy(project: Project, kind: str, rows: Sequence[Mapping[str, Any]]) -> None:
    EnergyLine.objects.filter(project=project, kind=kind).delete()
    EnergyLine.objects.bulk_create(
        EnergyLine(
            project=project,
            kind=kind,
            energy_type=str(row["type"]).strip(),
            quantity=_number(row["quantity"]),
            unit=_unit_code(row["unit"]),
            low_heat_value_kj=_optional_number(row.get("low_heat_value_kj")),
            position=position,
        )
        for position, row in enumerate(rows)
    )


def _replace_products(project: Project, rows: Sequence[Mapping[str, Any]]) -> None:
    ProductLine.objects.filter(project=project).delete()
    ProductLine.objects.bulk_create(
        ProductLine(
            project=project,
            product=str(row["product"]).strip(),
            annual_output=_number(row.get("annual_output")),
            unit_energy=_number(row["unit_energy"]),
            position=position,
        )
        for position, row in enumerate(rows)
    )


def _sync_sources(project: Project, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Update sources by id (keeping their evidence), create new ones, delete the rest.

    Returns the storage names of evidence files written, for clean-up if the transaction fails.
    """
    existing = {s.pk: s for s in SubstitutionSource.objects.filter(project=project)}
    kept: set[int] = set()
    written: list[str] = []
    for position, row in enumerate(rows):
        row_id = row.get("id")
        source = existing.get(int(row_id)) if row_id not in (None, "") else None
        if source is None:
            source = SubstitutionSource(project=project)
        source.description = str(row.get("description") or "").strip()
        source.saved_tce = _number(row["saved_tce"])
        source.position = position
        upload = row.get("evidence")
        if upload:
            source.evidence.save(stored_name(upload), upload, save=False)
            written.append(source.evidence.name)
        source.save()
        kept.add(source.pk)
    SubstitutionSource.objects.filter(project=project).exclude(pk__in=kept).delete()
    return written


def _apply(project: Project, data: Mapping[str, Any], assessment: engine.Assessment | None) -> None:
    _apply_scalars(project, data)
    project.draft_assessment = frozen_assessment(assessment) if assessment is not None else None
    project.save()
    if "energy" in data:
        _replace_energy(project, EnergyLine.Kind.ENERGY, data["energy"] or [])
    if "baseline_energy" in data:
        _replace_energy(project, EnergyLine.Kind.BASELINE, data["baseline_energy"] or [])
    if "exported_energy" in data:
        _replace_energy(project, EnergyLine.Kind.EXPORTED, data["exported_energy"] or [])
    if "products" in data:
        _replace_products(project, data["products"] or [])


def project_create(*, organization: Organization, by: Any, data: Mapping[str, Any]) -> Project:
    """Create a draft for `organization` from `data` (any subset of the project's fields).

    `name` is required; every other field stated must be valid (ProjectInvalid otherwise, and
    nothing is created).
    """
    data = {"name": data.get("name", ""), **data}
    _payload, assessment = checks.validate_change(None, data)
    written: list[str] = []
    try:
        with transaction.atomic():
            project = Project(organization=organization, created_by=by, status=ProjectStatus.DRAFT)
            _apply(project, data, assessment)
            if "substitution_sources" in data:
                written = _sync_sources(project, data["substitution_sources"] or [])
    except Exception:
        delete_files(written)
        raise
    return project


def project_update(*, project: Project, by: Any, data: Mapping[str, Any]) -> Project:
    """Change a draft (or a project in a correction round): the keys of `data` replace the
    stored values; list keys (`energy`, `products` ...) replace the whole list.

    Preconditions: `by` may edit the project (permissions.can_edit_project; callers check).
    Raises ProjectNotEditable when the project is not editable and ProjectInvalid naming every
    bad field; on either, nothing changes. Stores the draft's assessment when it is complete.
    """
    if not permissions.project_is_editable(project):
        raise ProjectNotEditable(project)
    _payload, assessment = checks.validate_change(project, data)
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = project_lock(project.pk)
            if not permissions.project_is_editable(locked):
                raise ProjectNotEditable(locked)
            _apply(locked, data, assessment)
            if "substitution_sources" in data:
                written = _sync_sources(locked, data["substitution_sources"] or [])
    except Exception:
        delete_files(written)
        raise
    return locked


def project_line_add(*, project: Project, by: Any, collection: str, row: Mapping[str, Any]) -> Any:
    """Append one row to `collection` (`energy`, `baseline_energy`, `products`,
    `substitution_sources`); returns the new line. Errors name the row's new index."""
    if collection not in LIST_FIELDS:
        raise ProjectInvalid({"collection": [_("未知的明细类别。")]})
    rows = selectors.project_payload(project)[collection]
    if collection == "substitution_sources":
        ids = [s.pk for s in project.substitution_sources.all()]
        rows = [{**r, "id": pk} for r, pk in zip(rows, ids, strict=True)]
    updated = project_update(project=project, by=by, data={collection: [*rows, dict(row)]})
    if collection in ENERGY_KINDS:
        kind = ENERGY_KINDS[collection]
        return updated.energy_lines.filter(kind=kind).order_by("-position", "-id").first()
    if collection == "products":
        return updated.product_lines.order_by("-position", "-id").first()
    return updated.substitution_sources.order_by("-position", "-id").first()


def project_line_delete(*, project: Project, by: Any, collection: str, line_id: int) -> None:
    """Remove one line of a draft; ProjectInvalid when it is not one of the project's."""
    if not permissions.project_is_editable(project):
        raise ProjectNotEditable(project)
    model, extra = {
        "energy": (EnergyLine, {"kind": EnergyLine.Kind.ENERGY}),
        "baseline_energy": (EnergyLine, {"kind": EnergyLine.Kind.BASELINE}),
        "exported_energy": (EnergyLine, {"kind": EnergyLine.Kind.EXPORTED}),
        "products": (ProductLine, {}),
        "substitution_sources": (SubstitutionSource, {}),
    }.get(collection, (None, {}))
    if model is None:
        raise ProjectInvalid({"collection": [_("未知的明细类别。")]})
    with transaction.atomic():
        locked = project_lock(project.pk)
        if not permissions.project_is_editable(locked):
            raise ProjectNotEditable(locked)
        deleted, _rows = model.objects.filter(project=locked, pk=line_id, **extra).delete()
        if not deleted:
            raise ProjectInvalid({"id": [_("未找到该明细。")]})
        project_draft_assessment_refresh(project=locked)


def project_draft_assessment_refresh(*, project: Project) -> Project:
    """Recompute and store the draft's assessment (None while the draft is incomplete)."""
    fresh = Project.objects.prefetch_related(*selectors.LINE_PREFETCHES).get(pk=project.pk)
    _errors, _facts, assessment = checks.engine_errors(selectors.project_payload(fresh))
    fresh.draft_assessment = frozen_assessment(assessment) if assessment is not None else None
    Project.objects.filter(pk=project.pk).update(
        draft_assessment=fresh.draft_assessment, updated_at=timezone.now()
    )
    return fresh


def project_delete(*, project: Project, by: Any) -> None:
    """Delete a draft that was never submitted (with its lines and files)."""
    if project.status != ProjectStatus.DRAFT or project.submissions.exists():
        raise ProjectNotEditable(project)
    names = [a.file.name for a in project.attachments.all()]
    names += [s.evidence.name for s in project.substitution_sources.all() if s.evidence]
    with transaction.atomic():
        project_lock(project.pk).delete()
        transaction.on_commit(lambda: delete_files(names))


# --------------------------------------------------------------------------------------------
# Organization
# --------------------------------------------------------------------------------------------
@transaction.atomic
def organization_update(
    *, organization: Organization, by: Any, data: Mapping[str, Any]
) -> Organization:
    """Change the organization's name, credit code or contact details.

    Preconditions: `data` is cleaned (forms.OrganizationForm / the API serializer check the
    credit code's GB 32100 check character and uniqueness); `by` belongs to the organization.
    """
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    frozen = organization_rules.frozen_field_errors(locked, data)
    if frozen:
        raise ValidationError(frozen)
    for field in (
        "name",
        "credit_code",
        "contact_name",
        "contact_phone",
        "contact_email",
        "address",
    ):
        if field in data:
            setattr(locked, field, data[field])
    locked.full_clean()
    locked.save()
    return locked
