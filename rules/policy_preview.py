"""Policy versions as data: add a version, preview its effect on open cases, publish it.

A new version is stored unpublished, so the engine ignores it
(``rules.services.policy_versions_published``). Before publishing, the admin previews it: every
open case is re-assessed from its frozen submission facts under the candidate version and under
the published rules it was assessed with, and the cases whose route, review level or
recommendation would differ are listed. Publishing makes the version apply to submissions dated
on or after its effective date; frozen cases are never re-assessed by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from review.models import ReviewCase
from rules import engine
from rules.models import IncrementBasis, PolicyVersion
from rules.selectors import OPEN_STATES
from rules.services import assessment_run, policy_version_to_engine, policy_versions_published

MEASURES_EDITIONS = ("2016", "2023")
COMPARED = ("route", "review_level", "recommendation")

VERSION_FIELDS = (
    "version",
    "effective_from",
    "provincial_threshold_tce",
    "exempt_below_tce",
    "exempt_below_kwh",
    "two_high_window_guidance_tce",
    "substitution_rules",
    "increment_basis",
    "regional_deducts_renewable",
    "regional_deducts_feedstock",
    "equal_value_kgce_per_kwh",
    "measures_edition",
    "basis",
)


# ------------------------------------------------------------------------------------------
# Create and publish
# ------------------------------------------------------------------------------------------
def _require_admin(user: Any) -> None:
    if not roles.is_admin(user):
        raise PermissionDenied(_("只有管理员可以维护政策版本。"))


def _validate(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field-named errors of a new version's parameters (empty when valid)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    version = str(data.get("version") or "").strip()
    if not version:
        add("version", _("请填写版本号。"))
    elif PolicyVersion.objects.filter(version=version).exists():
        add("version", _("版本号 %(v)s 已存在。") % {"v": version})

    effective_from = data.get("effective_from")
    if not isinstance(effective_from, date):
        add("effective_from", _("请填写施行日期。"))
    else:
        latest = PolicyVersion.objects.filter(published=True).order_by("-effective_from").first()
        if latest is not None and effective_from <= latest.effective_from:
            add(
                "effective_from",
                _("施行日期须晚于已发布的最新版本 %(v)s 的施行日期 %(d)s。")
                % {"v": latest.version, "d": latest.effective_from.isoformat()},
            )
        elif PolicyVersion.objects.filter(effective_from=effective_from).exists():
            add("effective_from", _("已有版本在该日期施行。"))

    for field in ("provincial_threshold_tce", "exempt_below_tce", "exempt_below_kwh"):
        value = data.get(field)
        if value is None or value <= 0:
            add(field, _("须为大于0的数。"))
    exempt, provincial = data.get("exempt_below_tce"), data.get("provincial_threshold_tce")
    if exempt and provincial and exempt > provincial:
        add(
            "exempt_below_tce",
            _(
                "免于单独审查的能耗门槛不能高于省级审查门槛（《固定资产投资项目节能审查办法》"
                "（国家发展改革委令2023年第2号）第九条）。"
            ),
        )

    window = data.get("two_high_window_guidance_tce")
    if data.get("substitution_rules"):
        if window is None or window <= 0:
            add(
                "two_high_window_guidance_tce",
                _(
                    "适用双控方案规则时须填写两高项目窗口指导门槛（《完善能源消费强度和总量"
                    "双控制度方案》（发改环资〔2021〕1310号）（七））。"
                ),
            )
    elif window is not None:
        add("two_high_window_guidance_tce", _("不适用双控方案规则时不设窗口指导门槛。"))

    equal_value = data.get("equal_value_kgce_per_kwh")
    # Electricity at 当量值 (GB/T 2589-2020, coefficient table): equal value is never lower.
    equivalent = round(engine.load_reference().electricity_tce_per_kwh * 1000, 6)
    if equal_value is None or not equivalent <= equal_value < 1:
        add(
            "equal_value_kgce_per_kwh",
            _("电力等价值须不低于当量值0.1229且小于1千克标准煤/千瓦时（GB/T 2589-2020）。"),
        )
    if data.get("measures_edition") not in MEASURES_EDITIONS:
        add("measures_edition", _("《办法》版本须为2016或2023。"))
    basis = data.get("increment_basis")
    if basis not in (None, "") and basis not in IncrementBasis.values:
        add("increment_basis", _("请选择按增量计算的项目范围。"))
    return errors


V2_FIELDS = ("increment_basis", "regional_deducts_renewable", "regional_deducts_feedstock")


def _v2_defaults(data: Mapping[str, Any]) -> dict[str, Any]:
    """Contract-v2 parameters a caller left out: those of the latest published version (a new
    version changes what it names), else those of its 《办法》 edition."""
    latest = PolicyVersion.objects.filter(published=True).order_by("-effective_from").first()
    if latest is not None:
        inherited = {name: getattr(latest, name) for name in V2_FIELDS}
    else:
        new_rules = data.get("measures_edition") == "2023"
        inherited = {
            "increment_basis": IncrementBasis.UNCHANGED_RENOVATION
            if new_rules
            else IncrementBasis.EXPANSION_AND_RENOVATION,
            "regional_deducts_renewable": new_rules,
            "regional_deducts_feedstock": new_rules,
        }
    return {
        name: data[name] if data.get(name) not in (None, "") else inherited[name]
        for name in V2_FIELDS
    }


@transaction.atomic
def policy_version_create(*, data: Mapping[str, Any], by: Any) -> PolicyVersion:
    """Store a new policy version, unpublished, with its parameters as data.

    Preconditions: ``by`` is an admin (else ``PermissionDenied``); ``data`` holds the fields of
    :data:`VERSION_FIELDS` (cleaned values). Raises ``ValidationError`` with field-named errors
    and stores nothing when a value is wrong, the version exists, or the effective date is not
    after the latest published version's. Side effect: one history record naming ``by``.
    """
    _require_admin(by)
    errors = _validate(data)
    if errors:
        raise ValidationError(errors)
    v2 = _v2_defaults(data)
    row = PolicyVersion(
        version=str(data["version"]).strip(),
        effective_from=data["effective_from"],
        provincial_threshold_tce=data["provincial_threshold_tce"],
        exempt_below_tce=data["exempt_below_tce"],
        exempt_below_kwh=data["exempt_below_kwh"],
        two_high_window_guidance_tce=data.get("two_high_window_guidance_tce"),
        substitution_rules=bool(data.get("substitution_rules")),
        increment_basis=v2["increment_basis"],
        regional_deducts_renewable=bool(v2["regional_deducts_renewable"]),
        regional_deducts_feedstock=bool(v2["regional_deducts_feedstock"]),
        equal_value_kgce_per_kwh=data["equal_value_kgce_per_kwh"],
        measures_edition=data["measures_edition"],
        basis=str(data.get("basis") or "").strip(),
        published=False,
    )
    row._history_user = by  # type: ignore[attr-defined]
    row._change_reason = "created (unpublished)"  # type: ignore[attr-defined]
    row.save()
    return row


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion, by: Any) -> PolicyVersion:
    """Publish an unpublished version: from now on the engine applies it to submissions dated on
    or after its effective date.

    Preconditions: ``by`` is an admin (else ``PermissionDenied``). Locks the row. Raises
    ``ValidationError`` (nothing changed) when it is already published or when a version with a
    later or equal effective date was published meanwhile. Side effect: a history record naming
    ``by``. Open cases keep their frozen assessments.
    """
    _require_admin(by)
    row = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if row.published:
        raise ValidationError({"version": [_("该版本已发布。")]})
    later = (
        PolicyVersion.objects.filter(published=True, effective_from__gte=row.effective_from)
        .order_by("-effective_from")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                "effective_from": [
                    _("已发布的版本 %(v)s 于同日或更晚施行，不能再发布此版本。")
                    % {"v": later.version}
                ]
            }
        )
    row.published = True
    row._history_user = by  # type: ignore[attr-defined]
    row._change_reason = "published"  # type: ignore[attr-defined]
    row.save(update_fields=["published"])
    version.published = True
    return row


# ------------------------------------------------------------------------------------------
# Preview
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    route: str
    review_level: str
    recommendation: str

    @classmethod
    def of(cls, assessment: engine.Assessment) -> Outcome:
        return cls(
            route=assessment.route,
            review_level=assessment.review_level,
            recommendation=assessment.recommendation,
        )


@dataclass(frozen=True)
class PreviewRow:
    """An open case whose outcome would differ under the candidate version.

    ``before``: re-assessed from the frozen facts under the published versions (the version in
    force on its submission date); ``after``: under the candidate. ``changed`` names the
    differing fields. ``error`` is set (and ``after`` is ``None``) when the frozen facts no
    longer assess, so the admin sees the case rather than losing it.
    """

    case_id: int
    project_name: str
    project_code: str
    province: str
    state: str
    counted_tce: float
    before: Outcome | None
    after: Outcome | None
    changed: tuple[str, ...]
    before_version: str = ""
    error: str = ""


@dataclass(frozen=True)
class PreviewReport:
    version: str
    checked: int
    rows: list[PreviewRow]


def _open_cases() -> list[ReviewCase]:
    return list(
        ReviewCase.objects.filter(state__in=OPEN_STATES)
        .select_related("project", "submission")
        .order_by("id")
    )


def policy_version_preview_report(*, version: PolicyVersion) -> PreviewReport:
    """Re-assess every open case under ``version`` and report the ones that would change.

    Reads only; stores nothing. Open = submitted, accepted, under_review, awaiting_guidance,
    deferred or returned. The regional status and inventory are today's in both runs, so a
    listed difference is the version's effect alone.
    """
    candidate = policy_version_to_engine(version)
    others = [v for v in policy_versions_published() if v.version != version.version]
    cases = _open_cases()
    rows: list[PreviewRow] = []
    for case in cases:
        payload = case.submission.facts
        today = timezone.localdate(case.submitted_at)
        base = {
            "case_id": case.pk,
            "project_name": case.project.name,
            "project_code": case.project.project_code,
            "province": case.province,
            "state": case.state,
            "counted_tce": case.counted_tce,
        }
        try:
            _, before = assessment_run(payload, today=today, policy_versions=others)
            _, after = assessment_run(
                payload, today=today, policy_versions=others, policy=candidate
            )
        except engine.InvalidFacts as exc:
            rows.append(
                PreviewRow(
                    **base,
                    before=None,
                    after=None,
                    changed=(),
                    error=_("提交时的项目事实无法重新评估：%(e)s")
                    % {"e": "; ".join(sorted(exc.errors))},
                )
            )
            continue
        except LookupError as exc:
            rows.append(PreviewRow(**base, before=None, after=None, changed=(), error=str(exc)))
            continue
        old, new = Outcome.of(before), Outcome.of(after)
        changed = tuple(f for f in COMPARED if getattr(old, f) != getattr(new, f))
        if changed:
            rows.append(
                PreviewRow(
                    **base,
                    before=old,
                    after=new,
                    changed=changed,
                    before_version=before.policy_version,
                )
            )
    return PreviewReport(version=version.version, checked=len(cases), rows=rows)


def policy_version_preview(*, version: PolicyVersion) -> list[PreviewRow]:
    """The open cases whose route, review level or recommendation would change under
    ``version`` (see :func:`policy_version_preview_report`)."""
    return policy_version_preview_report(version=version).rows
