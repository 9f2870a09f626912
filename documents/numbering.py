"""Who issues a case's documents, and their gap-free numbers (taken only at sign-off)."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.models import NumberSequence

PROVINCES_CSV = Path(settings.BASE_DIR) / "rules" / "data" / "provinces.csv"


@dataclass(frozen=True, slots=True)
class Issuer:
    """The issuing authority as the documents print it."""

    name: str
    doc_prefix: str
    province: str
    province_name: str
    sequence_key: str
    authority: Any = None  # authorities.Authority, when the case has one

    @property
    def name_short(self) -> str:
        """`江苏省发展改革委`: the authority as a document title names it."""
        return self.name.replace("发展和改革委员会", "发展改革委")


@dataclass(frozen=True, slots=True)
class ProvinceAuthority:
    province: str
    province_name: str
    short: str
    name: str


@functools.cache
def province_authorities() -> dict[str, ProvinceAuthority]:
    with PROVINCES_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return {
            row["code"]: ProvinceAuthority(row["code"], row["name"], row["short"], row["authority"])
            for row in csv.DictReader(fh)
            if row["authority"].strip()
        }


def province_authority(*, province: str) -> ProvinceAuthority:
    try:
        return province_authorities()[province]
    except KeyError:
        raise ValidationError({"province": f"省份代码{province}没有对应的节能审查机关"}) from None


def issuer_for(case: Any) -> Issuer:
    """The case's authority (`ReviewCase.authority`) when set, else its province's commission."""
    legacy = province_authority(province=case.province)
    authority = getattr(case, "authority", None) if hasattr(case, "authority_id") else None
    if authority is not None:
        return Issuer(
            name=authority.name,
            doc_prefix=authority.doc_prefix or f"{legacy.short}发改能审",
            province=case.province,
            province_name=legacy.province_name,
            sequence_key=f"authority:{authority.code}",
            authority=authority,
        )
    return Issuer(
        name=legacy.name,
        doc_prefix=f"{legacy.short}发改能审",
        province=case.province,
        province_name=legacy.province_name,
        sequence_key=f"province:{case.province}",
    )


# Receipts are numbered apart from the decisions, each kind in a sequence of its own with its
# mark after the prefix: 受理回执 `苏发改能审受〔2026〕3号`,
# 节能验收备案回执 `苏发改能审备〔2026〕1号`.
RECEIPT_MARKS = {"receipt": "受", "filing": "备"}


def sequence_key(issuer: Issuer, kind: str) -> str:
    """The sequence a `kind` document takes its number from (decisions and notices share one)."""
    return issuer.sequence_key + (f":{kind}" if kind in RECEIPT_MARKS else "")


def number_format(*, issuer: Issuer, year: int, sequence: int, kind: str = "") -> str:
    """`苏州发改能审〔2026〕12号`; receipts `苏州发改能审受〔2026〕3号` (their own sequence)."""
    return f"{issuer.doc_prefix}{RECEIPT_MARKS.get(kind, '')}〔{year}〕{sequence}号"


def sequence_next(*, key: str, year: int) -> int:
    """The next number of `key` in `year`: gap-free and unique under concurrency.

    Precondition: inside a transaction (the sign-off's). Locks the sequence row until it ends,
    so a rolled-back sign-off gives its number back.
    """
    rows = NumberSequence.objects.select_for_update()
    row = rows.filter(key=key, year=year).first()
    if row is None:
        try:
            with transaction.atomic():
                row = NumberSequence.objects.create(key=key, year=year, last=0)
        except IntegrityError:  # another transaction created it first; wait for its lock
            row = rows.get(key=key, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last
