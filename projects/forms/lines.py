"""The line formsets and `StepForms`: the formsets of the table steps, the payload list each
one fills, and the binder that turns one step's forms into the services' partial payload,
keeps uploads across a failed validation and puts the services' errors back on the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.files.storage import default_storage

from common.numbers import normalize_number

from .. import limits
from ..models import Project
from .fields import _fmt
from .pending import pending_upload_keep, pending_upload_open, pending_upload_read
from .step_forms import (
    BasicsForm,
    EnergyLineForm,
    EnergyTotalsForm,
    ProductLineForm,
    SubstitutionSourceForm,
)


def _formset(form: type[forms.Form], limit: int) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form,
        extra=0,
        can_delete=True,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )


EnergyFormSet = _formset(EnergyLineForm, limits.ENERGY_LINES_MAX)
ProductFormSet = _formset(ProductLineForm, limits.PRODUCTS_MAX)
SourceFormSet = _formset(SubstitutionSourceForm, limits.SOURCES_MAX)

# payload list key -> (formset prefix, formset class, contract fields of a row)
LISTS: dict[str, tuple[str, type[forms.BaseFormSet], tuple[str, ...]]] = {
    "energy": ("energy", EnergyFormSet, ("type", "quantity", "unit", "low_heat_value_kj")),
    "baseline_energy": (
        "baseline",
        EnergyFormSet,
        ("type", "quantity", "unit", "low_heat_value_kj"),
    ),
    "exported_energy": (
        "exported",
        EnergyFormSet,
        ("type", "quantity", "unit", "low_heat_value_kj"),
    ),
    "products": ("products", ProductFormSet, ("product", "annual_output", "unit_energy")),
    "substitution_sources": ("sources", SourceFormSet, ("description", "saved_tce")),
}
STEP_LISTS = {
    2: ("energy", "baseline_energy", "exported_energy"),
    3: ("products",),
    4: ("substitution_sources",),
}
# Lists a step may be posted without (added with contract v2).
OPTIONAL_LISTS = frozenset({"exported_energy"})
ENERGY_LIST_KINDS = {
    "energy": "energy",
    "baseline_energy": "baseline",
    "exported_energy": "exported",
}


# The typed number inputs of the rows and totals (read with common.numbers).
NUMBER_FIELDS = frozenset(
    {
        "quantity",
        "low_heat_value_kj",
        "annual_output",
        "unit_energy",
        "saved_tce",
        "renewable_electricity_kwh",
        "feedstock_tce",
    }
)


def _list_initial(project: Project | None, key: str) -> list[dict[str, Any]]:
    if project is None:
        return []
    if key in ENERGY_LIST_KINDS:
        kind = ENERGY_LIST_KINDS[key]
        return [
            {
                "type": line.energy_type,
                "quantity": _fmt(line.quantity),
                "unit": line.unit,
                "low_heat_value_kj": _fmt(line.low_heat_value_kj),
            }
            for line in project.energy_lines.all()
            if line.kind == kind
        ]
    if key == "products":
        return [
            {
                "product": p.product,
                "annual_output": _fmt(p.annual_output),
                "unit_energy": _fmt(p.unit_energy),
            }
            for p in project.product_lines.all()
        ]
    return [
        {"id": s.pk, "description": s.description, "saved_tce": _fmt(s.saved_tce)}
        for s in project.substitution_sources.all()
    ]


class StepForms:
    """The bound (or unbound) forms of one step, their payload and their error placement."""

    def __init__(
        self,
        step: int,
        project: Project | None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
    ) -> None:
        self.step = step
        self.project = project
        if data is not None and hasattr(data, "copy"):
            # Mutable: a file chosen before a validation error is kept by a token (keep_uploads).
            data = data.copy()
        self.data = data
        self.basics: BasicsForm | None = None
        self.totals: EnergyTotalsForm | None = None
        self.formsets: dict[str, forms.BaseFormSet] = {}
        # payload path of a row -> formset form index, filled by `changes()`
        self._row_forms: dict[str, list[int]] = {}
        if step == 1:
            self.basics = BasicsForm(data, initial=BasicsForm.initial_for(project))
        if step == 2:
            initial = (
                {
                    "renewable_electricity_kwh": _fmt(project.renewable_electricity_kwh),
                    "feedstock_tce": _fmt(project.feedstock_tce),
                }
                if project is not None
                else {}
            )
            self.totals = EnergyTotalsForm(data, initial=initial)
        for key in STEP_LISTS.get(step, ()):
            prefix, formset_class, _fields = LISTS[key]
            if key in OPTIONAL_LISTS and data is not None and f"{prefix}-TOTAL_FORMS" not in data:
                # A post without this list (an older page or client) leaves it unchanged.
                continue
            extra: dict[str, Any] = {}
            if key == "products":
                # The benchmark rows admins maintain, read once for every row of the step.
                from rules.reference_data import reference_for_input

                extra["form_kwargs"] = {"reference": reference_for_input()}
            self.formsets[key] = formset_class(
                data, files, prefix=prefix, initial=_list_initial(project, key), **extra
            )

    # -- validation ------------------------------------------------------------------------
    def forms(self) -> list[forms.Form]:
        out: list[forms.Form] = [f for f in (self.basics, self.totals) if f is not None]
        for formset in self.formsets.values():
            out.extend(formset.forms)
        return out

    def is_valid(self) -> bool:
        parts = [f.is_valid() for f in (self.basics, self.totals) if f is not None]
        parts += [formset.is_valid() for formset in self.formsets.values()]
        return all(parts)

    def _rows(self, key: str, raw: bool) -> list[dict[str, Any]]:
        _prefix, _cls, fields = LISTS[key]
        formset = self.formsets[key]
        rows: list[dict[str, Any]] = []
        indexes: list[int] = []
        for index, form in enumerate(formset.forms):
            deleted = (
                form[forms.formsets.DELETION_FIELD_NAME].value() if formset.can_delete else False
            )
            if deleted in (True, "on", "true", "1"):
                continue
            if form.empty_permitted and not form.has_changed():
                continue
            row: dict[str, Any] = {}
            for name in fields:
                value = form[name].value()
                row[name] = value.strip() if isinstance(value, str) else value
                if name in NUMBER_FIELDS:
                    row[name] = normalize_number(row[name])
                if row[name] == "" and name in ("low_heat_value_kj", "annual_output"):
                    row[name] = None
            if key == "substitution_sources":
                row["id"] = form["id"].value() or None
                if not raw:
                    row["evidence"] = form.cleaned_data.get("evidence") or pending_upload_open(
                        form.cleaned_data.get("evidence_pending")
                    )
            rows.append(row)
            indexes.append(index)
        self._row_forms[key] = indexes
        return rows

    def changes(self, *, raw: bool = False) -> dict[str, Any]:
        """The step's partial payload for the services (after `is_valid()`, or `raw=True` for
        the live panel: the typed text as it stands, whatever it is)."""
        out: dict[str, Any] = {}
        if self.basics is not None:
            form = self.basics
            if raw:
                for name in form.fields:
                    value = form[name].value()
                    out[name] = value.strip() if isinstance(value, str) else value
                out["national_major_project"] = bool(form["national_major_project"].value())
                out["unchanged_site_process_equipment"] = bool(
                    form["unchanged_site_process_equipment"].value()
                )
                for name in ("planned_start", "planned_completion", "total_investment_wan"):
                    out.pop(name, None)  # details the engine does not read
            else:
                out.update(form.cleaned_data)
            share = out.get("national_major_relief_share")
            if isinstance(share, str):
                out["national_major_relief_share"] = normalize_number(share)
        if self.totals is not None:
            for name in self.totals.fields:
                value = self.totals[name].value()
                out[name] = normalize_number(value.strip() if isinstance(value, str) else value)
        for key in self.formsets:
            out[key] = self._rows(key, raw)
        return out

    # -- uploads -----------------------------------------------------------------------------
    def keep_uploads(self) -> None:
        """Keep the files chosen on a page that failed validation: the browser forgets them,
        so the page carries a token instead and the next save uses the kept file."""
        formset = self.formsets.get("substitution_sources")
        if formset is None or self.data is None or not formset.is_bound:
            return
        for form in formset.forms:
            upload = form.files.get(form.add_prefix("evidence")) if form.files else None
            if upload is None:
                continue
            self.data[form.add_prefix("evidence_pending")] = pending_upload_keep(upload)

    def discard_kept_uploads(self) -> None:
        """Delete the kept files once the rows they belong to are saved."""
        if self.data is None:
            return
        for key, token in self.data.items():
            if key.endswith("-evidence_pending"):
                kept = pending_upload_read(token)
                if kept is not None:
                    default_storage.delete(kept[0])

    # -- errors ----------------------------------------------------------------------------
    def _locate(self, path: str) -> tuple[forms.Form | None, str | None]:
        """The form and field of an error path on this step, if it is shown here."""
        parts = path.split(".")
        head = parts[0]
        if self.basics is not None and head in self.basics.fields:
            return self.basics, head
        if self.totals is not None and head in self.totals.fields:
            return self.totals, head
        if head in self.formsets:
            formset = self.formsets[head]
            if len(parts) == 1:
                return None, None
            indexes = self._row_forms.get(head, [])
            position = int(parts[1]) if parts[1].isdigit() else -1
            if not 0 <= position < len(indexes):
                return None, None
            form = formset.forms[indexes[position]]
            field = parts[2] if len(parts) > 2 and parts[2] in form.fields else None
            return form, field
        return None, None

    def html_name(self, path: str) -> str | None:
        """The input name (`energy-3-quantity`) an error path points to on this page."""
        form, field = self._locate(path)
        if form is None or field is None:
            return None
        return form.add_prefix(field)

    def add_errors(self, errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """Put each error on its input; return those that have no input on this step."""
        elsewhere: dict[str, list[str]] = {}
        for path, messages in errors.items():
            form, field = self._locate(path)
            if form is None:
                elsewhere[path] = list(messages)
                continue
            for message in messages:
                form.add_error(field, message)
        return elsewhere
