"""双随机抽查: a seeded random draw from the authority's supervised projects, recorded with its
seed and population so that anyone can redraw it and see that it was fair; inspectors,
findings, rectification orders and penalties with their legal basis. Every step is an audit
event on the case (2023《办法》, 事中事后监管; 方案（十二））.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles

from .. import permissions
from ..legal import PENALTY_BASES
from ..models import Inspection, InspectionTarget, Penalty, TargetState
from . import common

MAX_SAMPLE = 500
# 2023《办法》第二十三条: 视情节处10万元以下罚款 (checked, supervision/legal.py).
UNREVIEWED_FINE_CAP = Decimal("100000")


def draw_sample(population: Sequence[int], *, size: int, seed: int) -> list[int]:
    """The reproducible draw: ``size`` ids from the sorted population with ``random.Random(seed)``
    (Mersenne Twister; the same seed and population always give the same sample)."""
    ordered = sorted(population)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def inspection_verify(inspection: Inspection) -> bool:
    """Redraw from the recorded seed and population: does it give the recorded sample?"""
    return (
        draw_sample(inspection.population, size=inspection.sample_size, seed=inspection.seed)
        == inspection.sample
    )


def _authority_of(user: Any) -> Any:
    if not permissions.SCOPE_BY_AUTHORITY:
        return None
    from authorities.selectors import authorities_of

    mine = authorities_of(user)
    return mine[0] if len(mine) == 1 else None


def _province_of(user: Any, authority: Any) -> str:
    """The province an inspection is filed under (its authority's, else the drawer's)."""
    if authority is not None:
        return str(authority.province)
    if permissions.SCOPE_BY_AUTHORITY:
        from authorities.selectors import authorities_of, provincial_provinces

        provinces = sorted(provincial_provinces(user)) or [a.province for a in authorities_of(user)]
        if provinces:
            return str(provinces[0])
    return roles.jurisdiction(user)


@transaction.atomic
def inspection_draw(
    *, by: Any, title: str, sample_size: int, seed: int | None = None
) -> Inspection:
    """Draw ``sample_size`` cases from the supervised (approved) cases in the scope of ``by``.

    Raises PermissionDenied (not the authority side) or ValidationError (title, sample_size,
    seed). Records the seed, the population and the sample; one event per drawn case.
    """
    if not permissions.is_authority_side(by):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("仅节能审查机关可组织抽查。")
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = ["请填写抽查名称（不超过200字）。"]
    if not isinstance(sample_size, int) or not 1 <= sample_size <= MAX_SAMPLE:
        errors["sample_size"] = [f"抽取数量应为1至{MAX_SAMPLE}。"]
    if seed is not None and not 0 <= seed < 2**62:
        errors["seed"] = ["随机种子应为非负整数。"]
    population = list(permissions.cases_in_scope(by).order_by("pk").values_list("pk", flat=True))
    if not population:
        errors.setdefault("__all__", []).append("抽取范围内没有审查通过的项目。")
    if errors:
        raise ValidationError(errors)
    seed = secrets.randbits(62) if seed is None else seed
    sample = draw_sample(population, size=sample_size, seed=seed)
    authority = _authority_of(by)
    inspection = Inspection.objects.create(
        authority=authority,
        province=_province_of(by, authority),
        title=title,
        seed=seed,
        population=population,
        sample_size=sample_size,
        sample=sample,
        drawn_by=by,
    )
    targets = InspectionTarget.objects.bulk_create(
        [InspectionTarget(inspection=inspection, case_id=pk) for pk in sample]
    )
    for target in InspectionTarget.objects.filter(pk__in=[t.pk for t in targets]).select_related(
        "case", "case__submission"
    ):
        common.record_event(
            case=target.case,
            actor=by,
            action="sv_inspection_drawn",
            reason=f"双随机抽查“{title}”抽中（种子{seed}，范围{len(population)}个项目）",
            data={"inspection": inspection.pk, "seed": seed, "population": len(population)},
        )
    return inspection


def _users(usernames: Sequence[str]) -> list[Any]:
    names = [n.strip() for n in usernames if n.strip()]
    users = list(get_user_model().objects.filter(username__in=names, is_active=True))
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise ValidationError({"inspectors": ["未找到用户：" + "、".join(missing)]})
    if any(roles.is_applicant(u) or not permissions.is_authority_side(u) for u in users):
        raise ValidationError({"inspectors": ["检查人员应为审查机关人员。"]})
    return users


@transaction.atomic
def inspection_target_record(
    *,
    target: InspectionTarget,
    by: Any,
    inspectors: Sequence[str],
    inspected_on: date | None,
    compliant: bool,
    findings: str,
    today: date | None = None,
) -> InspectionTarget:
    """Assign the inspectors and record what they found on one drawn case."""
    today = common.today_or(today)
    permissions.require_supervise(by, target.case)
    locked = (
        InspectionTarget.objects.select_for_update(of=("self",))
        .select_related("case", "case__submission", "case__project")
        .get(pk=target.pk)
    )
    errors: dict[str, list[str]] = {}
    findings = (findings or "").strip()
    if not findings:
        errors["findings"] = ["请填写检查发现。"]
    elif len(findings) > 4000:
        errors["findings"] = ["不超过4000字。"]
    if not isinstance(inspected_on, date):
        errors["inspected_on"] = ["请填写检查日期。"]
    elif inspected_on > today:
        errors["inspected_on"] = ["检查日期不能晚于今天。"]
    users: list[Any] = []
    try:
        users = _users(inspectors)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not users and "inspectors" not in errors:
        errors["inspectors"] = ["请至少指定一名检查人员。"]
    if errors:
        raise ValidationError(errors)
    locked.inspectors.set(users)
    locked.inspected_on = inspected_on
    locked.compliant = compliant
    locked.findings = findings
    locked.state = TargetState.INSPECTED
    locked.save(update_fields=["inspected_on", "compliant", "findings", "state"])
    names = "、".join(u.username for u in users)
    common.record_event(
        case=locked.case,
        actor=by,
        action="sv_inspection_recorded",
        reason=f"抽查检查（{names}，{inspected_on}）："
        + ("符合审查意见。" if compliant else "不符合审查意见。")
        + findings,
        data={"inspection": locked.inspection_id, "compliant": compliant},
    )
    return locked


@transaction.atomic
def penalty_record(
    *,
    case: Any,
    by: Any,
    basis: str,
    measure: str,
    amount_yuan: Decimal | None,
    decided_on: date | None,
    description: str,
    target: InspectionTarget | None = None,
    today: date | None = None,
) -> Penalty:
    """Record a penalty with its legal basis (``supervision.legal.PENALTY_BASES``)."""
    today = common.today_or(today)
    permissions.require_supervise(by, case)
    errors: dict[str, list[str]] = {}
    legal = PENALTY_BASES.get(basis)
    if legal is None:
        errors["basis"] = ["请选择法律依据。"]
    measure = (measure or "").strip()
    if not measure or len(measure) > 200:
        errors["measure"] = ["请填写处罚措施（不超过200字）。"]
    description = (description or "").strip()
    if not description or len(description) > 4000:
        errors["description"] = ["请填写违法事实（不超过4000字）。"]
    if amount_yuan is not None and amount_yuan < 0:
        errors["amount_yuan"] = ["罚款金额不能为负。"]
    elif basis == "m2023_unreviewed" and amount_yuan and amount_yuan > UNREVIEWED_FINE_CAP:
        errors["amount_yuan"] = ["该条款罚款上限为10万元。"]
    if not isinstance(decided_on, date):
        errors["decided_on"] = ["请填写决定日期。"]
    elif decided_on > today:
        errors["decided_on"] = ["决定日期不能晚于今天。"]
    if target is not None and target.case_id != case.pk:
        errors["__all__"] = ["抽查对象与项目不符。"]
    if errors:
        raise ValidationError(errors)
    assert legal is not None
    penalty = Penalty.objects.create(
        case=case,
        target=target,
        basis=basis,
        measure=measure,
        amount_yuan=amount_yuan,
        decided_on=decided_on,
        description=description,
        recorded_by=by,
    )
    amount = f"，罚款{amount_yuan}元" if amount_yuan else ""
    common.record_event(
        case=case,
        actor=by,
        action="sv_penalty",
        reason=f"行政处罚：{measure}{amount}。依据{legal.label}",
        data={
            "penalty": penalty.pk,
            "basis": basis,
            "article": legal.article,
            "verified": legal.verified,
        },
    )
    common.notify(
        common.owner_users(case),
        case=case,
        message=f"{common.title(case)}：行政处罚（{measure}），依据{legal.article_label}。",
    )
    return penalty
