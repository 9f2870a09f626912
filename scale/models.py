"""Counters kept by the database for the figures every list and the overview show (issue 14)."""

from __future__ import annotations

from django.db import models

# The case fields a tally row is keyed by: what the overview groups by and what the authority
# side's scope filters on (review.permissions.case_scope: authority, province, route).
TALLY_FIELDS: tuple[str, ...] = (
    "authority_id",
    "province",
    "route",
    "state",
    "recommendation",
    "two_high",
    "sector",
)


class CaseTally(models.Model):
    """How many cases (and their counted tce) share one combination of the tally fields.

    Kept exact by database triggers on ``review_reviewcase`` (INSERT, DELETE and UPDATE of a
    tally field, whoever writes: services, admin, ``QuerySet.update``, COPY), created by this
    app's migrations for PostgreSQL and SQLite. Counting cases per state in a scope reads a few
    hundred tally rows instead of every case. A few thousand rows at most: 31 provinces x states x
    routes x recommendations x sectors, only the combinations that occur.
    """

    key = models.CharField(max_length=200, unique=True)
    authority = models.ForeignKey(
        "authorities.Authority",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    province = models.CharField(max_length=2, blank=True)
    route = models.CharField(max_length=32, blank=True)
    state = models.CharField(max_length=20, blank=True)
    recommendation = models.CharField(max_length=16, blank=True)
    two_high = models.BooleanField(default=False)
    sector = models.CharField(max_length=32, blank=True)
    n = models.BigIntegerField(default=0)
    tce = models.FloatField(default=0)

    class Meta:
        verbose_name = "案件计数"
        verbose_name_plural = "案件计数"

    def __str__(self) -> str:
        return f"{self.key}: {self.n}"


class CaseMonthTally(models.Model):
    """Cases received (by month of submission) and approved (by month of the approval) per
    authority and province, with their counted tce: the overview's trend and the budgets' use.

    Kept by database triggers like :class:`CaseTally`; months are local (``TIME_ZONE``).
    """

    class Kind(models.TextChoices):
        RECEIVED = "received"
        APPROVED = "approved"

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    authority = models.ForeignKey(
        "authorities.Authority",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    province = models.CharField(max_length=2, blank=True)
    month = models.CharField(max_length=7)  # YYYY-MM
    n = models.BigIntegerField(default=0)
    tce = models.FloatField(default=0)

    class Meta:
        verbose_name = "案件月度计数"
        verbose_name_plural = "案件月度计数"
        indexes = [models.Index(fields=["kind", "month"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.n}"
