"""Drafts of official documents, their kept versions, the per-authority number sequences and
revocations of issued documents.

The issued file itself stays in `review.Opinion` (download, verification, re-rendering); a draft
points at it once signed off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from review.document_models import DocumentKind

# A draft's kind is the kind of the document it becomes (review.Opinion.kind).
DocKind = DocumentKind


class DraftState(models.TextChoices):
    DRAFTING = "drafting", _("拟稿中")
    CHECKING = "checking", _("待核稿签发")
    RETURNED = "returned", _("退回修改")
    SIGNED = "signed", _("已签发")


class Draft(models.Model):
    """One document from 拟稿 to 签发; `sections` holds the editable text, never figures;
    `context` the facts frozen when the draft was opened that are not on the case's frozen
    submission (the 补正 answer-by date), printed as they were then, whatever changes later."""

    case = models.ForeignKey(
        "review.ReviewCase", on_delete=models.PROTECT, related_name="drafts", verbose_name=_("案件")
    )
    kind = models.CharField(_("文书类型"), max_length=12, choices=DocKind.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=DraftState.choices, default=DraftState.DRAFTING
    )
    authority = models.ForeignKey(
        "authorities.Authority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发文机关"),
    )
    sections = models.JSONField(_("可编辑段落"), default=dict, blank=True)
    context = models.JSONField(_("拟稿时冻结的事实"), default=dict, blank=True, editable=False)
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    return_note = models.TextField(_("退回意见"), blank=True, max_length=2000)
    opinion = models.OneToOneField(
        "review.Opinion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
        verbose_name=_("印发文书"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("公文稿")
        verbose_name_plural = _("公文稿")
        indexes = [models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.pk}"

    @property
    def display_number(self) -> str:
        """The number once signed off; a plain placeholder before."""
        return self.number or "待签发"


class DraftVersion(models.Model):
    """An immutable snapshot of a draft's text at each step (saved, submitted, returned, signed)."""

    class Action(models.TextChoices):
        OPENED = "opened", _("拟稿")
        EDITED = "edited", _("修改")
        SUBMITTED = "submitted", _("送核稿")
        RETURNED = "returned", _("退回修改")
        SIGNED = "signed", _("签发")

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveIntegerField(_("修订号"))
    action = models.CharField(_("动作"), max_length=10, choices=Action.choices)
    sections = models.JSONField(_("段落"), default=dict)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft", "id"]
        verbose_name = _("公文稿版本")
        verbose_name_plural = _("公文稿版本")

    def __str__(self) -> str:
        return f"{self.draft_id} r{self.revision} {self.action}"


class NumberSequence(models.Model):
    """Gap-free document numbers per issuing authority (its code, or a province) and year."""

    key = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "year"], name="unique_document_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.year}: {self.last}"


class Revocation(models.Model):
    """An issued document revoked by its authority, with the reason (shown on verification)."""

    opinion = models.OneToOneField(
        "review.Opinion", on_delete=models.PROTECT, related_name="revocation"
    )
    reason = models.TextField(_("撤销理由"), max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("文书撤销")
        verbose_name_plural = _("文书撤销")

    def __str__(self) -> str:
        return f"{self.opinion_id} 撤销"
