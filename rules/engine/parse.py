"""Project facts from the contract's input JSON: validated in one pass, every error collected.

``parse_facts`` either returns complete :class:`Facts` or raises :class:`InvalidFacts` naming
every bad field by path (``energy.1.quantity``, ``products.0.product``, ``region`` ...), each
with a Chinese message and its English alternative. Never partial.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from rules.engine.energy import HEAT_VALUE_BASE_UNITS, equivalent_and_kwh
from rules.engine.fields import (  # noqa: F401  (the limits and InvalidFacts are public here too)
    MAX_DESCRIPTION,
    MAX_LINES,
    MAX_NUMBER,
    MAX_TEXT,
    Collector,
    InvalidFacts,
    is_object,
    read_boolean,
    read_list,
    read_number,
    read_string,
)
from rules.engine.policy import earliest_effective_date
from rules.engine.reference import ELECTRICITY, Reference
from rules.engine.types import (
    CONSTRUCTION_TYPES,
    EnergyLine,
    Facts,
    PolicyVersion,
    ProductLine,
    SubstitutionSource,
)

NON_FIELD_ERRORS: Final = "non_field_errors"

_REGION = re.compile(r"[0-9]{6}")
_INDUSTRY = re.compile(r"[0-9]{4}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _energy_lines(
    data: Mapping[str, Any], key: str, reference: Reference, errors: Collector
) -> tuple[list[EnergyLine], bool]:
    """The lines of ``energy`` or ``baseline_energy`` and whether every electricity line parsed."""
    lines: list[EnergyLine] = []
    electricity_complete = True
    for path, item in read_list(data, key, errors):
        if not is_object(item):
            errors.add(path, "not_object")
            continue
        type_code = read_string(item, "type", f"{path}.type", errors, required=True)
        energy_type = None
        if type_code is not None:
            energy_type = reference.energy_types.get(type_code)
            if energy_type is None:
                errors.add(f"{path}.type", "energy_type_unknown", value=type_code)
        quantity = read_number(item, "quantity", f"{path}.quantity", errors)
        unit_label = read_string(item, "unit", f"{path}.unit", errors, required=True)
        unit = None
        if unit_label is not None:
            unit = reference.unit_for(unit_label.strip())
            if unit is None:
                errors.add(f"{path}.unit", "unit_unknown", value=unit_label)
            elif energy_type is not None and unit.base_unit != energy_type.base_unit:
                errors.add(
                    f"{path}.unit", "unit_mismatch", value=unit_label, base=energy_type.base_unit
                )
                unit = None
        heat_path = f"{path}.low_heat_value_kj"
        heat = read_number(
            item, "low_heat_value_kj", heat_path, errors, minimum="positive", default=None
        )
        if (
            heat is not None
            and energy_type is not None
            and energy_type.base_unit not in HEAT_VALUE_BASE_UNITS
        ):
            errors.add(heat_path, "low_heat_not_applicable")
            heat = None
        if energy_type is None or quantity is None or unit is None or errors.has_under(path):
            if type_code == ELECTRICITY or energy_type is None:
                electricity_complete = False
            continue
        lines.append(EnergyLine(energy_type.type, quantity, unit.unit, heat))
    return lines, electricity_complete


def _products(
    data: Mapping[str, Any], reference: Reference, errors: Collector
) -> list[ProductLine]:
    out: list[ProductLine] = []
    for path, item in read_list(data, "products", errors):
        if not is_object(item):
            errors.add(path, "not_object")
            continue
        product = read_string(item, "product", f"{path}.product", errors, required=True)
        if product is not None and product not in reference.benchmark_editions:
            errors.add(f"{path}.product", "product_unknown", value=product)
            product = None
        output = read_number(item, "annual_output", f"{path}.annual_output", errors, default=0.0)
        unit_energy = read_number(item, "unit_energy", f"{path}.unit_energy", errors, minimum="any")
        if product is not None and output is not None and unit_energy is not None:
            out.append(ProductLine(product, output, unit_energy))
    return out


def _sources(data: Mapping[str, Any], errors: Collector) -> list[SubstitutionSource]:
    out: list[SubstitutionSource] = []
    for path, item in read_list(data, "substitution_sources", errors):
        if not is_object(item):
            errors.add(path, "not_object")
            continue
        description = read_string(
            item,
            "description",
            f"{path}.description",
            errors,
            required=False,
            limit=MAX_DESCRIPTION,
        )
        saved = read_number(item, "saved_tce", f"{path}.saved_tce", errors)
        if saved is not None and not errors.has_under(path):
            out.append(SubstitutionSource(description or "", saved))
    return out


def _submitted_on(
    data: Mapping[str, Any],
    today: date,
    versions: Sequence[PolicyVersion],
    errors: Collector,
) -> date | None:
    value = data.get("submitted_on")
    if value is None:
        day = today
    elif isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            errors.add("submitted_on", "date_format")
            return None
    else:
        errors.add("submitted_on", "date_format")
        return None
    first = earliest_effective_date(versions)
    if first is not None and day < first:
        errors.add("submitted_on", "date_before_policy", first=first.isoformat())
        return None
    return day


def parse_facts(
    payload: Mapping[str, Any],
    *,
    reference: Reference,
    today: date,
    policy_versions: Sequence[PolicyVersion] | None = None,
) -> Facts:
    """Validate the contract's input JSON into :class:`Facts` or raise :class:`InvalidFacts`.

    ``today`` is the default ``submitted_on``; ``policy_versions`` (default: the reference's)
    bound it below: a date before the first version is an error.
    """
    errors = Collector()
    if not is_object(payload):
        errors.add(NON_FIELD_ERRORS, "not_object")
        raise InvalidFacts(errors.errors)
    versions = reference.policy_versions if policy_versions is None else policy_versions

    project_code = read_string(payload, "project_code", "project_code", errors, required=False)
    name = read_string(payload, "name", "name", errors, required=False)

    region = read_string(payload, "region", "region", errors, required=True)
    if region is not None:
        region = region.strip()
        if not _REGION.fullmatch(region):
            errors.add("region", "region_format")
            region = None
        elif region in reference.abolished_regions and region not in reference.regions:
            errors.add(
                "region", "region_abolished", value=region, name=reference.region_name(region)
            )
            region = None
        elif region not in reference.regions:
            errors.add("region", "region_unknown", value=region)
            region = None

    industry = read_string(payload, "industry", "industry", errors, required=True)
    if industry is not None:
        industry = industry.strip()
        if not _INDUSTRY.fullmatch(industry):
            errors.add("industry", "industry_format")
            industry = None
        elif industry not in reference.industries:
            errors.add("industry", "industry_unknown", value=industry)
            industry = None

    construction_type = read_string(
        payload, "construction_type", "construction_type", errors, required=True
    )
    if construction_type is not None and construction_type not in CONSTRUCTION_TYPES:
        errors.add("construction_type", "construction_type")
        construction_type = None

    project_type = read_string(payload, "project_type", "project_type", errors, required=False)
    project_type = (project_type or "").strip()
    if project_type and project_type not in reference.exempt_project_types:
        errors.add("project_type", "project_type_unknown", value=project_type)

    unchanged = read_boolean(payload, "unchanged_site_process_equipment", errors)

    # 方案（六）: a national major project's relief is the share its State Council filing grants.
    national_major = read_boolean(payload, "national_major_project", errors)
    document = ""
    share = 0.0
    if national_major:
        document = (
            read_string(
                payload,
                "national_major_document",
                "national_major_document",
                errors,
                required=False,
            )
            or ""
        ).strip()
        if not document and "national_major_document" not in errors.errors:
            errors.add("national_major_document", "document_required")
        share_value = read_number(
            payload,
            "national_major_relief_share",
            "national_major_relief_share",
            errors,
            minimum="any",
            default=0.0,
        )
        if share_value is not None:
            if not 0.0 < share_value <= 1.0:
                errors.add("national_major_relief_share", "relief_share_range")
            else:
                share = share_value

    submitted_on = _submitted_on(payload, today, versions, errors)

    energy, electricity_complete = _energy_lines(payload, "energy", reference, errors)
    exported, _ = _energy_lines(payload, "exported_energy", reference, errors)
    baseline, _ = _energy_lines(payload, "baseline_energy", reference, errors)
    energy_complete = not errors.has_under("energy")
    exported_complete = not errors.has_under("exported_energy")

    renewable = read_number(
        payload, "renewable_electricity_kwh", "renewable_electricity_kwh", errors, default=0.0
    )
    # The renewable electricity cannot exceed the electricity listed; compared only when every
    # electricity line could be read.
    electricity_complete = electricity_complete and "energy" not in errors.errors
    consumed_tce, listed_kwh = equivalent_and_kwh(energy, reference)
    if renewable is not None and renewable > 0 and electricity_complete and renewable > listed_kwh:
        errors.add(
            "renewable_electricity_kwh", "renewable_exceeds", value=renewable, limit=listed_kwh
        )
    # GB/T 2589-2020: exported energy is netted out of what the project consumes.
    exported_tce, _ = equivalent_and_kwh(exported, reference)
    if energy_complete and exported_complete and exported_tce > consumed_tce:
        errors.add("exported_energy", "exported_exceeds", value=exported_tce, limit=consumed_tce)
    feedstock = read_number(payload, "feedstock_tce", "feedstock_tce", errors, default=0.0)
    equivalent = consumed_tce - exported_tce
    if (
        feedstock is not None
        and feedstock > 0
        and energy_complete
        and exported_complete
        and feedstock > equivalent
    ):
        errors.add(
            "feedstock_tce", "feedstock_exceeds", value=feedstock, limit=max(0.0, equivalent)
        )

    products = _products(payload, reference, errors)
    sources = _sources(payload, errors)

    if (
        errors.errors
        or region is None
        or industry is None
        or construction_type is None
        or submitted_on is None
        or renewable is None
        or feedstock is None
    ):
        raise InvalidFacts(errors.errors)
    return Facts(
        region=region,
        industry=industry,
        construction_type=construction_type,
        submitted_on=submitted_on,
        project_code=project_code or "",
        name=name or "",
        project_type=project_type,
        unchanged_site_process_equipment=unchanged,
        national_major_project=national_major,
        national_major_document=document,
        national_major_relief_share=share,
        energy=tuple(energy),
        exported_energy=tuple(exported),
        baseline_energy=tuple(baseline),
        renewable_electricity_kwh=renewable,
        feedstock_tce=feedstock,
        products=tuple(products),
        substitution_sources=tuple(sources),
    )


def _line_payload(line: EnergyLine) -> dict[str, Any]:
    out: dict[str, Any] = {"type": line.type, "quantity": line.quantity, "unit": line.unit}
    if line.low_heat_value_kj is not None:
        out["low_heat_value_kj"] = line.low_heat_value_kj
    return out


def facts_to_payload(facts: Facts) -> dict[str, Any]:
    """The input JSON of ``facts`` (canonical unit codes), for freezing with a submission.

    ``parse_facts(facts_to_payload(f), ...) == f``.
    """
    return {
        "project_code": facts.project_code,
        "name": facts.name,
        "region": facts.region,
        "industry": facts.industry,
        "construction_type": facts.construction_type,
        "project_type": facts.project_type,
        "unchanged_site_process_equipment": facts.unchanged_site_process_equipment,
        "national_major_project": facts.national_major_project,
        "national_major_document": facts.national_major_document,
        "national_major_relief_share": facts.national_major_relief_share,
        "submitted_on": facts.submitted_on.isoformat(),
        "energy": [_line_payload(line) for line in facts.energy],
        "exported_energy": [_line_payload(line) for line in facts.exported_energy],
        "baseline_energy": [_line_payload(line) for line in facts.baseline_energy],
        "renewable_electricity_kwh": facts.renewable_electricity_kwh,
        "feedstock_tce": facts.feedstock_tce,
        "products": [
            {"product": p.product, "annual_output": p.annual_output, "unit_energy": p.unit_energy}
            for p in facts.products
        ],
        "substitution_sources": [
            {"description": s.description, "saved_tce": s.saved_tce}
            for s in facts.substitution_sources
        ],
    }
