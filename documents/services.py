"""Writes of the drafting workflow: 拟稿 → 核稿 → 签发, and revocation of issued documents.

A decision opens a draft (`draft_open`, called inside the decision's transaction). The reviewer
edits its text sections (`draft_edit`) and sends it to the head (`draft_submit`); the head returns
it with a note (`draft_return`) or signs it off (`draft_sign`). Only at sign-off is the number
taken from the authority's gap-free sequence and the issued document (`review.Opinion`) created;
the Celery worker renders, signs and stores it after commit. Every step keeps a version of the
text and records a case event.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from documents import permissions
from documents.layout.consistency import approval_contradictions
from documents.layout.defaults import default_sections, frozen_context
from documents.models import DocKind, Draft, DraftState, DraftVersion, Revocation
from documents.numbering import issuer_for, number_format, sequence_key, sequence_next
from review.models import CaseEvent, Opinion, ReviewCase

SECTION_KEYS = ("measures", "conditions", "requirements", "paragraphs", "items", "lift")
MAX_ITEMS = 30
MAX_CHARS = 500
EDITABLE = (DraftState.DRAFTING, DraftState.RETURNED)


class DraftConflict(ValidationError):
    """The draft changed since the editor loaded it (revision mismatch)."""


def _event(draft: Draft, by: Any, action: str, **data: Any) -> None:
    CaseEvent.objects.create(
        case_id=draft.case_id,
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        reason=str(data.pop("reason", ""))[:2000],
        data={"draft": draft.pk, "kind": draft.kind, "revision": draft.revision, **data},
    )


def _heads(case: ReviewCase) -> list[Any]:
    from authorities.models import Authority

    authority = getattr(case, "authority", None) if hasattr(case, "authority_id") else None
    if authority is not None:
        return list(authority.heads.all())
    User = get_user_model()  # noqa: N806
    return (
        list(
            User.objects.filter(
                headed_authorities__province=case.province, headed_authorities__is_active=True
            ).distinct()
        )
        if Authority.objects.filter(province=case.province).exists()
        else []
    )


def _notify(users: list[Any], draft: Draft, message: str) -> None:
    """In-app notices (the bell) to the people the draft now waits for."""
    from review.models import Notice

    Notice.objects.bulk_create(
        [
            Notice(user=user, case_id=draft.case_id, message=message[:500])
            for user in {u.pk: u for u in users if u is not None}.values()
        ]
    )


def _version(draft: Draft, by: Any, action: str, note: str = "") -> None:
    DraftVersion.objects.create(
        draft=draft,
        revision=draft.revision,
        action=action,
        sections=draft.sections,
        note=note,
        by=by if getattr(by, "is_authenticated", False) else None,
    )


def clean_sections(raw: Any, *, kind: str) -> dict[str, list[str]]:
    """Validate editable sections: known keys, lists of non-empty strings, limits. Raises
    ValidationError naming the field (e.g. `conditions.2`)."""
    if not isinstance(raw, dict):
        raise ValidationError({"sections": "段落内容格式有误"})
    unknown = sorted(set(raw) - set(SECTION_KEYS))
    if unknown:
        raise ValidationError(
            {"sections": f"不可编辑的内容：{'、'.join(unknown)}（数字来自冻结的评估结果）"}
        )
    errors: dict[str, str] = {}
    cleaned: dict[str, list[str]] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list):
            errors[key] = "应为逐条文字"
            continue
        lines = [str(v).strip() for v in value if str(v).strip()]
        if len(lines) > MAX_ITEMS:
            errors[key] = f"最多{MAX_ITEMS}条"
        for i, line in enumerate(lines, start=1):
            if len(line) > MAX_CHARS:
                errors[f"{key}.{i}"] = f"第{i}条超过{MAX_CHARS}字"
        cleaned[key] = lines
    if kind == DocKind.CORRECTION and "items" in cleaned and not cleaned["items"]:
        errors["items"] = "补正通知书至少列出一项补正事项"
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_consistency(draft: Draft) -> None:
    if draft.kind == DocKind.CORRECTION and not (draft.sections or {}).get("items"):
        raise ValidationError({"items": "补正通知书至少列出一项补正事项"})
    if draft.kind == DocKind.APPROVAL:
        s = draft.sections or {}
        approval_contradictions(
            case=draft.case, conditions=[*s.get("conditions", []), *s.get("requirements", [])]
        )


@transaction.atomic
def draft_open(
    *, case: ReviewCase, kind: str, by: Any = None, extra: dict[str, Any] | None = None
) -> Draft:
    """Open the draft of `case`'s `kind` document with its default text (no number yet).

    Called by the decision services inside their transaction (`review.documents.opinion_issue`).
    An approval is refused (ValidationError `conditions`, naming the finding) while a blocking
    finding stands that no condition addresses. Raises ValidationError (`kind`, `province`).
    """
    if kind not in DocKind.values:
        raise ValidationError({"kind": f"未知的文书类型：{kind}"})
    issuer = issuer_for(case)
    draft = Draft(
        case=case,
        kind=kind,
        authority=issuer.authority,
        sections=default_sections(case=case, kind=kind, extra=extra),
        context=frozen_context(case=case, kind=kind, extra=extra),
        drafted_by=by or case.assignee,
    )
    draft.case = case
    if kind == DocKind.APPROVAL:
        _check_consistency(draft)
    draft.save()
    _version(draft, by, DraftVersion.Action.OPENED)
    _event(draft, by, "document_drafted")
    return draft


def _locked(draft: Draft) -> Draft:
    return Draft.objects.select_for_update().select_related("case__submission").get(pk=draft.pk)


@transaction.atomic
def draft_edit(
    *, draft: Draft, by: Any, sections: Any, expected_revision: int | None = None
) -> Draft:
    """The reviewer replaces the editable sections given (others stay). Figures are not
    editable. Raises PermissionDenied, ValidationError (the field), DraftConflict."""
    locked = _locked(draft)
    if not permissions.can_draft(by, locked.case):
        raise PermissionDenied("您无权修改该文书稿")
    if locked.state not in EDITABLE:
        raise ValidationError({"state": f"文书稿{locked.get_state_display()}，不能修改"})
    if expected_revision is not None and expected_revision != locked.revision:
        raise DraftConflict({"revision": "文书稿已被他人修改，请刷新后重试"})
    cleaned = clean_sections(sections, kind=locked.kind)
    locked.sections = {**(locked.sections or {}), **cleaned}
    locked.revision += 1
    locked.save(update_fields=["sections", "revision", "updated_at"])
    _version(locked, by, DraftVersion.Action.EDITED)
    _event(locked, by, "document_edited", sections=sorted(cleaned))
    return locked


@transaction.atomic
def draft_submit(*, draft: Draft, by: Any) -> Draft:
    """拟稿 → 核稿: the reviewer sends the draft to the authority's head."""
    locked = _locked(draft)
    if not permissions.can_draft(by, locked.case):
        raise PermissionDenied("您无权送审该文书稿")
    if locked.state not in EDITABLE:
        raise ValidationError({"state": f"文书稿{locked.get_state_display()}，不能送核稿"})
    _check_consistency(locked)
    locked.state = DraftState.CHECKING
    locked.save(update_fields=["state", "updated_at"])
    _version(locked, by, DraftVersion.Action.SUBMITTED)
    _event(locked, by, "document_submitted")
    _notify(
        _heads(locked.case),
        locked,
        f"{locked.case.project.name}：{locked.get_kind_display()}待核稿签发。",
    )
    return locked


@transaction.atomic
def draft_return(*, draft: Draft, by: Any, note: str) -> Draft:
    """核稿: the head returns the draft for rework with a note; its versions are kept."""
    locked = _locked(draft)
    if not permissions.can_sign(by, locked.case):
        raise PermissionDenied("只有发文机关负责人可以核稿")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写退回修改的意见"})
    if len(note) > 2000:
        raise ValidationError({"note": "退回意见不超过2000字"})
    if locked.state != DraftState.CHECKING:
        raise ValidationError({"state": f"文书稿{locked.get_state_display()}，不能退回"})
    locked.state = DraftState.RETURNED
    locked.return_note = note
    locked.save(update_fields=["state", "return_note", "updated_at"])
    _version(locked, by, DraftVersion.Action.RETURNED, note=note)
    _event(locked, by, "document_returned", reason=note)
    _notify(
        [locked.drafted_by, locked.case.assignee],
        locked,
        f"{locked.case.project.name}：{locked.get_kind_display()}退回修改：{note}",
    )
    return locked


def _issue(draft: Draft, by: Any, today: date) -> Opinion:
    issuer = issuer_for(draft.case)
    sequence = sequence_next(key=sequence_key(issuer, draft.kind), year=today.year)
    draft.number = number_format(issuer=issuer, year=today.year, sequence=sequence, kind=draft.kind)
    draft.year, draft.sequence = today.year, sequence
    opinion = Opinion.objects.create(
        case=draft.case, kind=draft.kind, number=draft.number, issued_on=today, version=1
    )
    draft.opinion = opinion
    draft.state = DraftState.SIGNED
    draft.signed_by = by if getattr(by, "is_authenticated", False) else None
    draft.signed_at = timezone.now()
    draft.save()
    _version(draft, by, DraftVersion.Action.SIGNED)
    _event(draft, by, "document_signed", number=draft.number, opinion=opinion.pk)
    if draft.kind != DocKind.RECEIPT:
        _notify(
            [draft.drafted_by, draft.case.assignee],
            draft,
            f"{draft.case.project.name}：{draft.get_kind_display()}已签发（{draft.number}）。",
        )
    from review.documents import _queue_render

    _queue_render(opinion.pk)
    return opinion


@transaction.atomic
def draft_sign(*, draft: Draft, by: Any, today: date | None = None) -> Draft:
    """签发: the head signs off; only now the number is taken (gap-free, per authority and
    year), the issued document created and its rendering queued after commit."""
    locked = _locked(draft)
    if not permissions.can_sign(by, locked.case):
        raise PermissionDenied("只有发文机关负责人可以签发")
    if locked.state != DraftState.CHECKING:
        raise ValidationError({"state": f"文书稿{locked.get_state_display()}，不能签发"})
    _check_consistency(locked)
    _issue(locked, by, today or timezone.localdate())
    return locked


@transaction.atomic
def receipt_issue(*, case: ReviewCase, by: Any = None, today: date | None = None) -> Opinion:
    """The acceptance-filing receipt (受理回执): issued at once (no sign-off), numbered in the
    authority's receipt sequence, rendered by the worker. For the intake/supervision services."""
    draft = Draft.objects.create(
        case=case,
        kind=DocKind.RECEIPT,
        authority=issuer_for(case).authority,
        sections=default_sections(case=case, kind=DocKind.RECEIPT),
        drafted_by=by if getattr(by, "is_authenticated", False) else None,
    )
    return _issue(draft, by, today or timezone.localdate())


@transaction.atomic
def document_revoke(*, opinion: Opinion, by: Any, reason: str) -> Revocation:
    """The authority revokes an issued document with a reason; verification then says so."""
    if not permissions.can_revoke(by, opinion.case):
        raise PermissionDenied("只有发文机关负责人可以撤销文书")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销理由"})
    if len(reason) > 1000:
        raise ValidationError({"reason": "撤销理由不超过1000字"})
    if Revocation.objects.filter(opinion_id=opinion.pk).exists():
        raise ValidationError({"reason": "该文书已撤销"})
    revocation = Revocation.objects.create(opinion=opinion, reason=reason, by=by)
    CaseEvent.objects.create(
        case_id=opinion.case_id,
        actor=by,
        action="document_revoked",
        reason=reason,
        data={"opinion": opinion.pk, "number": opinion.number},
    )
    return revocation
