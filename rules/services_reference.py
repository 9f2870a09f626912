"""Reference data kept beside the engine: provinces, bulk writes and the two-high inventory.

The 31 mainland provinces and their labels (rules/data/provinces.csv), `bulk_update_values`
(a fast write-back by primary key), and the admin edits of the two-high inventory (方案（七）):
who changed an entry and why, and the flags and notices on the open review cases of the
projects whose disposal changed. Re-exported by `rules.services`.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from review.models import CaseState, Notice, ReviewCase
from rules import engine
from rules.engine.citations import fangan
from rules.models import Disposal, TwoHighEntry

# The inventory's section of the 2021 方案, cited in full on flagged cases.
FANGAN_7: Final = fangan("七")

# A case that is decided or closed is not flagged again by policy-data changes.
CLOSED_CASE_STATES: Final = (
    CaseState.APPROVED,
    CaseState.REJECTED,
    CaseState.NOT_ACCEPTED,
    CaseState.EXPIRED,
)


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
