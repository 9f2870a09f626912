"""Feeds the pure engine from the database: policy versions, regional status, the inventory.

Every caller that needs an assessment (the API, `manage.py assess`, the applicant form, submit,
re-assessment) goes through `assessment_run` (or, for many projects at once, `assessment_run_with`
with the same context preloaded), so they all give the same answer.

Also here: provinces, the two-high inventory's edits (who, why, and the review cases they flag),
bulk writes, and the storage of re-assessments (`manage.py reassess_projects`).
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from projects.models import Submission
from review.models import CaseState, Notice, ReviewCase
from rules import engine
from rules.engine.citations import fangan
from rules.models import Disposal, PolicyVersion, Reassessment, RegionStatus, TwoHighEntry
from rules.reference_data import MaintainedReference, engine_make, maintained

# The inventory's section of the 2021 方案, cited in full on flagged cases.
FANGAN_7: Final = fangan("七")

# A case that is decided or closed is not flagged again by policy-data changes.
CLOSED_CASE_STATES: Final = (
    CaseState.APPROVED,
    CaseState.REJECTED,
    CaseState.NOT_ACCEPTED,
    CaseState.EXPIRED,
)


def policy_version_to_engine(row: PolicyVersion) -> engine.PolicyVersion:
    return engine_make(
        engine.PolicyVersion,
        version=row.version,
        effective_from=row.effective_from,
        provincial_threshold_tce=row.provincial_threshold_tce,
        exempt_below_tce=row.exempt_below_tce,
        exempt_below_kwh=row.exempt_below_kwh,
        two_high_window_guidance_tce=row.two_high_window_guidance_tce,
        substitution_rules=row.substitution_rules,
        equal_value_kgce_per_kwh=row.equal_value_kgce_per_kwh,
        measures_edition=row.measures_edition,
        basis=row.basis,
        increment_basis=row.increment_basis,
        regional_deducts_renewable=row.regional_deducts_renewable,
        regional_deducts_feedstock=row.regional_deducts_feedstock,
    )


def policy_versions_published() -> list[engine.PolicyVersion]:
    """The published versions from the database, oldest first."""
    rows = PolicyVersion.objects.filter(published=True).order_by("effective_from")
    return [policy_version_to_engine(row) for row in rows]


def region_status_to_engine(row: RegionStatus) -> engine.RegionStatus:
    return engine_make(
        engine.RegionStatus,
        province=row.province,
        year=row.year,
        basic_target_pct=row.basic_target_pct,
        incentive_target_pct=row.incentive_target_pct,
        progress_pct=row.progress_pct,
        behind_basic_target=row.behind_basic_target,
        substitution_ratio=row.substitution_ratio,
        warning_level=row.warning_level,
        two_high_suspended=row.two_high_suspended,
    )


def inventory_entry_to_engine(row: TwoHighEntry) -> engine.InventoryEntry:
    return engine.InventoryEntry(
        project_code=row.project_code,
        project_name=row.project_name,
        region=row.region,
        industry=row.industry,
        status=row.status,
        disposal=row.disposal,
        annual_tce=row.annual_tce,
    )


def assessment_context_for(*, facts: engine.Facts) -> engine.Context:
    """The regional status (submission year, else latest earlier) and the inventory entry."""
    status_row = (
        RegionStatus.objects.filter(province=facts.province, year__lte=facts.submitted_on.year)
        .order_by("-year")
        .first()
    )
    inventory_row = (
        TwoHighEntry.objects.filter(project_code=facts.project_code).first()
        if facts.project_code
        else None
    )
    return engine.Context(
        region_status=region_status_to_engine(status_row) if status_row else None,
        inventory=inventory_entry_to_engine(inventory_row) if inventory_row else None,
    )


def assessment_run(
    payload: Mapping[str, Any],
    *,
    today: date | None = None,
    policy_versions: Sequence[engine.PolicyVersion] | None = None,
    policy: engine.PolicyVersion | None = None,
) -> tuple[engine.Facts, engine.Assessment]:
    """Parse and assess project facts against the stored policy data.

    Uses the published version in force on `submitted_on` unless `policy` is given (a preview of
    an unpublished version). Raises `engine.InvalidFacts` naming every bad field; stores nothing.
    """
    rows = maintained()
    versions = list(policy_versions) if policy_versions is not None else policy_versions_published()
    facts = engine.parse_facts(
        payload,
        reference=rows.on(None),
        today=today or timezone.localdate(),
        policy_versions=versions,
    )
    chosen = policy or engine.policy_in_force(versions, facts.submitted_on)
    context = assessment_context_for(facts=facts)
    reference = rows.on(facts.submitted_on)
    return facts, engine.assess(facts, policy=chosen, context=context, reference=reference)


def assessment_as_dict(payload: Mapping[str, Any], *, lang: str = "zh") -> dict[str, Any]:
    """The contract's JSON for `payload`; raises `engine.InvalidFacts`."""
    _, assessment = assessment_run(payload)
    return assessment.as_dict(lang=lang)


def language_of(accept_language: str | None) -> str:
    """`en` when the client prefers English, else Chinese (the default)."""
    if not accept_language:
        return "zh"
    first = accept_language.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


def assessment_unreadable(*, detail: str = "", lang: str = "zh") -> dict[str, dict[str, list[str]]]:
    """The contract's error shape for a body that is not JSON at all."""
    text = "请求内容不是有效的JSON。" if lang != "en" else "The input is not valid JSON."
    if detail:
        text = f"{text}（{detail}）" if lang != "en" else f"{text} ({detail})"
    return {"errors": {"non_field_errors": [text]}}


# --------------------------------------------------------------------------------------------
# Batch assessment (re-assessment, previews): the same engine calls with the context preloaded
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PolicyData:
    """Everything `assessment_run` reads besides the inventory, loaded once for many projects."""

    reference: engine.Reference
    versions: tuple[engine.PolicyVersion, ...]
    region_statuses: Mapping[str, tuple[engine.RegionStatus, ...]]
    # Admin-maintained benchmarks, exempt lists and coal regions (`reference` parses input).
    maintained: MaintainedReference | None = None

    def reference_on(self, day: date) -> engine.Reference:
        """The reference the rules use for a submission dated `day`."""
        return self.maintained.on(day) if self.maintained is not None else self.reference

    def region_status(self, province: str, year: int) -> engine.RegionStatus | None:
        """The row for `year`, else the latest earlier one (as `assessment_context_for`)."""
        return engine.select_region_status(self.region_statuses.get(province, ()), province, year)


def policy_data_load() -> PolicyData:
    """Published policy versions and every regional status row (31 provinces × years)."""
    statuses: dict[str, list[engine.RegionStatus]] = {}
    for row in RegionStatus.objects.all():
        statuses.setdefault(row.province, []).append(region_status_to_engine(row))
    rows = maintained()
    return PolicyData(
        reference=rows.on(None),
        versions=tuple(policy_versions_published()),
        region_statuses={k: tuple(v) for k, v in statuses.items()},
        maintained=rows,
    )


def inventory_for_codes(codes: Iterable[str]) -> dict[str, engine.InventoryEntry]:
    """Inventory entries of these project codes, in one query per 900 codes."""
    wanted = sorted({c for c in codes if c})
    found: dict[str, engine.InventoryEntry] = {}
    for start in range(0, len(wanted), 900):
        for row in TwoHighEntry.objects.filter(project_code__in=wanted[start : start + 900]):
            found[row.project_code] = inventory_entry_to_engine(row)
    return found


def assessment_run_with(
    payload: Mapping[str, Any],
    *,
    data: PolicyData,
    inventory: Mapping[str, engine.InventoryEntry],
    policy: engine.PolicyVersion | None = None,
    today: date,
) -> engine.Assessment:
    """`assessment_run` without database reads: the context comes from `data` and `inventory`.

    Pure given its arguments (safe in a worker process). Raises `engine.InvalidFacts`.
    """
    facts = engine.parse_facts(
        payload, reference=data.reference, today=today, policy_versions=data.versions
    )
    chosen = policy or engine.policy_in_force(data.versions, facts.submitted_on)
    context = engine.Context(
        region_status=data.region_status(facts.province, facts.submitted_on.year),
        inventory=inventory.get(facts.project_code) if facts.project_code else None,
    )
    return engine.assess(
        facts, policy=chosen, context=context, reference=data.reference_on(facts.submitted_on)
    )


def assessment_run_many(
    payloads: Sequence[Mapping[str, Any]],
    *,
    data: PolicyData | None = None,
    policy: engine.PolicyVersion | None = None,
    today: date | None = None,
) -> list[engine.Assessment | engine.InvalidFacts]:
    """Assess many payloads with one inventory query; each result is an assessment or the
    `InvalidFacts` of that payload. Gives the same answers as `assessment_run`."""
    data = data or policy_data_load()
    day = today or timezone.localdate()
    inventory = inventory_for_codes(
        str(p.get("project_code") or "").strip() for p in payloads if isinstance(p, Mapping)
    )
    results: list[engine.Assessment | engine.InvalidFacts] = []
    for payload in payloads:
        try:
            results.append(
                assessment_run_with(
                    payload, data=data, inventory=inventory, policy=policy, today=day
                )
            )
        except engine.InvalidFacts as exc:
            results.append(exc)
    return results


def policy_version_get(*, version: str) -> engine.PolicyVersion:
    """A stored version by name, published or not (a preview may use a draft version).

    Raises `PolicyVersion.DoesNotExist`.
    """
    return policy_version_to_engine(PolicyVersion.objects.get(version=version))


# --------------------------------------------------------------------------------------------
# Provinces (rules/data/provinces.csv)
# --------------------------------------------------------------------------------------------
_PROVINCE_SUFFIX = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)$")


@functools.cache
def _province_rows() -> tuple[dict[str, str], ...]:
    path = Path(engine.reference.DATA_DIR) / "provinces.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(csv.DictReader(fh))


@functools.cache
def mainland_provinces() -> dict[str, str]:
    """Code -> name of the 31 provinces with an energy-conservation review authority."""
    return {row["code"]: row["name"] for row in _province_rows() if row["authority"]}


@functools.cache
def _province_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for code, name in mainland_provinces().items():
        short = next(r["short"] for r in _province_rows() if r["code"] == code)
        for label in (code, f"{code}0000", name, _PROVINCE_SUFFIX.sub("", name), short):
            labels[label] = code
    return labels


def province_by_label(label: str) -> str | None:
    """`32`, `320000`, `江苏省`, `江苏` or `苏` -> `32`; None for anything else."""
    return _province_labels().get(label.strip())


def province_name(code: str) -> str:
    return mainland_provinces().get(code, code)


# --------------------------------------------------------------------------------------------
# Bulk writes
# --------------------------------------------------------------------------------------------
def bulk_update_values(
    model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]
) -> int:
    """Write `fields` of `objs` back by primary key, without signals or history (the caller
    records history itself).

    PostgreSQL: one `UPDATE … FROM (VALUES …)` per 2,000 rows. Elsewhere (SQLite): one prepared
    `UPDATE … WHERE pk = %s` run with `executemany`. Django's `bulk_update` builds a CASE per
    field and row and is tens of times slower on both for thousands of rows.
    """
    if not objs:
        return 0
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name

    def values(obj: models.Model) -> list[Any]:
        return [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]

    updated = 0
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{qn(f.column)} = %s" for f in columns)
            cursor.executemany(
                f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(pk.column)} = %s",
                [[*values(obj), obj.pk] for obj in objs],
            )
            return len(objs)
        casts = [f"%s::{pk.db_type(connection)}"] + [
            f"%s::{f.db_type(connection)}" for f in columns
        ]
        row_sql = "(" + ", ".join(casts) + ")"
        assignments = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in columns)
        alias = ", ".join([qn(pk.column), *(qn(f.column) for f in columns)])
        for start in range(0, len(objs), 2000):
            chunk = objs[start : start + 2000]
            params: list[Any] = []
            for obj in chunk:
                params.append(obj.pk)
                params.extend(values(obj))
            cursor.execute(
                f"UPDATE {qn(meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v({alias}) "
                f"WHERE t.{qn(pk.column)} = v.{qn(pk.column)}",
                params,
            )
            updated += cursor.rowcount
    return updated


# --------------------------------------------------------------------------------------------
# The two-high inventory (方案（七）): admin edits, with who and why, flagging affected cases
# --------------------------------------------------------------------------------------------
TWO_HIGH_FIELDS: Final = (
    "project_code",
    "project_name",
    "region",
    "industry",
    "status",
    "annual_tce",
    "disposal",
    "note",
)


def _disposal_label(value: str | None) -> str:
    return Disposal(value).label if value else "未列入清单"


def two_high_disposal_changes_flag(
    *, changes: Mapping[str, tuple[str | None, str | None]], by: Any, reason: str
) -> int:
    """Flag the open review cases of projects whose inventory disposal changed.

    `changes`: project code -> (old disposal or None when newly listed, new disposal or None
    when removed). Sets `flagged` and appends to `flag_reason` on each open case, and sends a
    `Notice` to its assignee when it has one. Returns the number of cases flagged.
    """
    if not changes:
        return 0
    who = _user_label(by)
    cases = list(
        ReviewCase.objects.filter(project__project_code__in=list(changes))
        .exclude(state__in=CLOSED_CASE_STATES)
        .select_related("project")
        .order_by("pk")
    )
    notices: list[Notice] = []
    for case in cases:
        old, new = changes[case.project.project_code]
        text = (
            f"两高项目清单（{FANGAN_7}）中项目{case.project.project_code}的分类处置意见"
            f"由“{_disposal_label(old)}”改为“{_disposal_label(new)}”"
            f"（{who}，{timezone.localdate().isoformat()}；理由：{reason or '未说明'}），请复核。"
        )
        case.flagged = True
        case.flag_reason = f"{case.flag_reason}\n{text}".strip() if case.flag_reason else text
        case.save(update_fields=["flagged", "flag_reason", "updated_at"])
        if case.assignee_id:
            notices.append(Notice(user_id=case.assignee_id, case=case, message=text[:500]))
    Notice.objects.bulk_create(notices)
    return len(cases)


def _user_label(user: Any) -> str:
    if user is None:
        return "系统"
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile and profile.display_name else None) or str(user)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"change_reason": "请填写修改理由。"})
    return reason


@transaction.atomic
def two_high_entry_create(*, data: Mapping[str, Any], by: Any, reason: str) -> TwoHighEntry:
    """Add a project to the inventory. `data`: the `TWO_HIGH_FIELDS`, already validated.

    Records `by` and `reason` in the change history; the project's open cases are flagged.
    """
    reason = _require_reason(reason)
    entry = TwoHighEntry(**{k: data[k] for k in TWO_HIGH_FIELDS if k in data})
    entry.province = entry.region[:2]
    entry._history_user = by  # type: ignore[attr-defined]
    entry._change_reason = reason  # type: ignore[attr-defined]
    entry.save()
    two_high_disposal_changes_flag(
        changes={entry.project_code: (None, entry.disposal)}, by=by, reason=reason
    )
    return entry


@transaction.atomic
def two_high_entry_update(
    *, entry: TwoHighEntry, data: Mapping[str, Any], by: Any, reason: str
) -> TwoHighEntry:
    """Change an inventory entry (the project code is its key and stays).

    Preconditions: `data` holds validated values of `TWO_HIGH_FIELDS`; `reason` is not blank
    (else `ValidationError`). Locks the row. Side effects: a history record with `by` and
    `reason`; when the disposal (分类处置) changes, the project's open review cases are flagged
    and their assignees notified. Saves nothing when no value differs.
    """
    reason = _require_reason(reason)
    locked = TwoHighEntry.objects.select_for_update().get(pk=entry.pk)
    old_disposal = locked.disposal
    changed = False
    for name in TWO_HIGH_FIELDS:
        if name == "project_code" or name not in data:
            continue
        if getattr(locked, name) != data[name]:
            setattr(locked, name, data[name])
            changed = True
    locked.province = locked.region[:2]
    if not changed:
        return locked
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = reason  # type: ignore[attr-defined]
    locked.save()
    if locked.disposal != old_disposal:
        two_high_disposal_changes_flag(
            changes={locked.project_code: (old_disposal, locked.disposal)}, by=by, reason=reason
        )
    return locked


@transaction.atomic
def two_high_entry_delete(*, entry: TwoHighEntry, by: Any, reason: str = "") -> None:
    """Remove a project from the inventory; its open cases are flagged (no longer listed)."""
    reason = reason or "从两高项目清单中移除"
    entry._history_user = by  # type: ignore[attr-defined]
    entry._change_reason = reason  # type: ignore[attr-defined]
    code, disposal = entry.project_code, entry.disposal
    entry.delete()
    two_high_disposal_changes_flag(changes={code: (disposal, None)}, by=by, reason=reason)


# --------------------------------------------------------------------------------------------
# Re-assessment of stored submissions (`manage.py reassess_projects`)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReassessmentRow:
    """One result ready to store; `assessment_json` is the serialised contract JSON."""

    submission_id: int
    version: str
    assessment_json: str
    route: str
    review_level: str
    recommendation: str
    counted_tce: float


def _submissions_latest() -> models.QuerySet[Submission]:
    newer = Submission.objects.filter(
        project_id=OuterRef("project_id"), number__gt=OuterRef("number")
    )
    return Submission.objects.filter(~Exists(newer))


def submissions_latest_ranges(*, chunk_size: int = 2000) -> Iterator[tuple[int, int]]:
    """`(first id, last id)` of consecutive chunks of every project's latest submission, in id
    order (keyset pagination over ids only: constant memory, no long-held cursor)."""
    latest = _submissions_latest().order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(latest.filter(pk__gt=last)[:chunk_size])
        if not ids:
            return
        yield ids[0], ids[-1]
        last = ids[-1]


def submissions_latest_between(*, first: int, last: int) -> list[tuple[int, Any]]:
    """`(submission id, facts)` of the latest submissions with ids in `[first, last]`."""
    return list(
        _submissions_latest()
        .filter(pk__gte=first, pk__lte=last)
        .order_by("pk")
        .values_list("pk", "facts")
    )


def reassessments_store(*, rows: Sequence[ReassessmentRow], at: datetime | None = None) -> None:
    """Create or replace the `Reassessment` of each (submission, version), in one transaction.

    On PostgreSQL: one `UPDATE … FROM (VALUES …)` for the rows already stored and one
    multi-row `INSERT` for the new ones; elsewhere `bulk_update`/`bulk_create`.
    """
    if not rows:
        return
    at = at or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _reassessments_store_pg(rows, at)
        else:
            _reassessments_store_orm(rows, at)


_REASSESSMENT_COLUMNS: Final = (
    "submission_id",
    "version",
    "assessment",
    "route",
    "review_level",
    "recommendation",
    "counted_tce",
)


def _pg_text(value: str) -> str:
    """A PostgreSQL string literal (standard_conforming_strings is on: checked by the caller).

    Literals rather than parameters: a 2,000-row statement with 14,000 placeholders spends more
    time in the driver's placeholder handling than in the server.
    """
    if "\x00" in value:
        raise ValueError("NUL in text")
    return "'" + value.replace("'", "''") + "'"


def _pg_values(row: ReassessmentRow) -> str:
    counted = float(row.counted_tce)
    if not math.isfinite(counted):
        raise ValueError("counted_tce is not finite")
    return (
        f"({int(row.submission_id)}, {_pg_text(row.version)}, "
        f"{_pg_text(row.assessment_json)}::jsonb, {_pg_text(row.route)}, "
        f"{_pg_text(row.review_level)}, {_pg_text(row.recommendation)}, {counted!r}::float8)"
    )


def _reassessments_store_pg(rows: Sequence[ReassessmentRow], at: datetime) -> None:
    table = connection.ops.quote_name(Reassessment._meta.db_table)
    columns = ", ".join(_REASSESSMENT_COLUMNS)
    stamp = f"{_pg_text(at.isoformat())}::timestamptz"
    # No parameters below: the literals may contain "%", which a driver would read as one.
    with connection.cursor() as cursor:
        # Re-assessments are derived data (recomputed by running the command again): a crash
        # may lose the last chunks, so the commit need not wait for the WAL flush.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SHOW standard_conforming_strings")
        if cursor.fetchone()[0] != "on":
            raise RuntimeError("standard_conforming_strings must be on")
        cursor.execute(
            f"SELECT submission_id, version FROM {table} WHERE submission_id = ANY(%s)",
            [[r.submission_id for r in rows]],
        )
        stored = set(cursor.fetchall())
        old = [r for r in rows if (r.submission_id, r.version) in stored]
        new = [r for r in rows if (r.submission_id, r.version) not in stored]
        if old:
            cursor.execute(
                f"UPDATE {table} AS t SET assessment = v.assessment, route = v.route, "
                "review_level = v.review_level, recommendation = v.recommendation, "
                f"counted_tce = v.counted_tce, assessed_at = {stamp} "
                f"FROM (VALUES {', '.join(map(_pg_values, old))}) AS v({columns}) "
                "WHERE t.submission_id = v.submission_id AND t.version = v.version"
            )
        if new:
            cursor.execute(
                f"INSERT INTO {table} ({columns}, created_at, assessed_at) "
                f"SELECT *, {stamp}, {stamp} FROM (VALUES {', '.join(map(_pg_values, new))}) AS v"
            )


def _reassessments_store_orm(rows: Sequence[ReassessmentRow], at: datetime) -> None:
    stored = {
        (obj.submission_id, obj.version): obj
        for obj in Reassessment.objects.filter(submission_id__in=[r.submission_id for r in rows])
    }
    old, new = [], []
    for r in rows:
        values = {
            "assessment": json.loads(r.assessment_json),
            "route": r.route,
            "review_level": r.review_level,
            "recommendation": r.recommendation,
            "counted_tce": r.counted_tce,
            "assessed_at": at,
        }
        obj = stored.get((r.submission_id, r.version))
        if obj is None:
            new.append(Reassessment(submission_id=r.submission_id, version=r.version, **values))
        else:
            for name, value in values.items():
                setattr(obj, name, value)
            old.append(obj)
    Reassessment.objects.bulk_update(
        old,
        ["assessment", "route", "review_level", "recommendation", "counted_tce", "assessed_at"],
        batch_size=500,
    )
    Reassessment.objects.bulk_create(new, batch_size=500)
