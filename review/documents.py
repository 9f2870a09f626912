"""Issued documents (审查文书): numbering, rendering, signing, storage and verification.

The review opinion (节能审查意见) for approvals, the notice of non-approval (不予通过通知) and the
notice of deferral (缓批通知). Flow: the decision service calls `opinion_issue` inside its
transaction (number allocated, pending row created); after commit a Celery task calls
`opinion_render` (HTML from templates/review/pdf/, WeasyPrint via `review.pdf`, PAdES signature,
file stored with its SHA-256). A rendering failure never touches the case or its decision: the
document row records the error and is retried.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from accounts import roles
from projects.models import ConstructionType
from review import pdf
from review.models import CaseEvent, DocumentKind, DocumentNumberCounter, Opinion, ReviewCase

logger = logging.getLogger(__name__)

PROVINCES_CSV = Path(settings.BASE_DIR) / "rules" / "data" / "provinces.csv"
TEMPLATES = {
    DocumentKind.APPROVAL: "review/pdf/opinion.html",
    DocumentKind.REJECTION: "review/pdf/rejection.html",
    DocumentKind.DEFERRAL: "review/pdf/deferral.html",
}
STALE_AFTER = timedelta(minutes=15)
"""A pending document older than this has probably lost its render message."""
VALIDITY_YEARS = 2
"""An approval is valid for two years from issue (《办法》); later starts need a new review."""


# --------------------------------------------------------------------------------------------
# Issuing authorities and document numbers
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Authority:
    """A provincial development and reform commission, as rules/data/provinces.csv names it."""

    province: str
    province_name: str
    short: str
    name: str

    @property
    def name_short(self) -> str:
        """`江苏省发展改革委`: the authority as a document title names it."""
        return self.name.replace("发展和改革委员会", "发展改革委")


@functools.cache
def authorities() -> dict[str, Authority]:
    with PROVINCES_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return {
            row["code"]: Authority(row["code"], row["name"], row["short"], row["authority"])
            for row in csv.DictReader(fh)
            if row["authority"].strip()
        }


def authority_for(*, province: str) -> Authority:
    try:
        return authorities()[province]
    except KeyError:
        raise ValidationError({"province": f"省份代码{province}没有对应的节能审查机关"}) from None


def document_number_format(*, authority: Authority, year: int, sequence: int) -> str:
    """`苏发改能审〔2026〕12号`."""
    return f"{authority.short}发改能审〔{year}〕{sequence}号"


def document_number_allocate(*, authority: str, year: int) -> int:
    """The next number of `authority` in `year`: gap-free and unique under concurrency.

    Precondition: inside a transaction (the caller's decision transaction). Locks the counter
    row until that transaction ends, so a rolled-back decision gives its number back.
    """
    counters = DocumentNumberCounter.objects.select_for_update()
    counter = counters.filter(authority=authority, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = DocumentNumberCounter.objects.create(
                    authority=authority, year=year, last=0
                )
        except IntegrityError:  # another transaction created it first; wait for its lock
            counter = counters.get(authority=authority, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


# --------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------
@transaction.atomic
def opinion_issue(*, case: ReviewCase, kind: str) -> Opinion:
    """Number and register the decision document of `case`; render it after commit.

    Called by the decision service inside its transaction. Allocates the next number of the
    case's provincial authority for this year (locking the counter row), creates a pending
    Opinion (version 1) and queues `opinion_render_task` with `transaction.on_commit`, so the
    document is rendered only if the decision commits. Raises ValidationError (`kind`,
    `province`) and leaves nothing behind on bad input.
    """
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": f"未知的文书类型：{kind}"})
    authority = authority_for(province=case.province)
    issued_on = timezone.localdate()
    sequence = document_number_allocate(authority=authority.province, year=issued_on.year)
    opinion = Opinion.objects.create(
        case=case,
        kind=kind,
        number=document_number_format(authority=authority, year=issued_on.year, sequence=sequence),
        issued_on=issued_on,
        version=1,
    )
    _queue_render(opinion.pk)
    return opinion


def _queue_render(opinion_id: int) -> None:
    from review.tasks import opinion_render_task

    # robust: a broker outage must not turn a committed decision into an error page; the
    # document stays pending and an admin can queue it again.
    transaction.on_commit(lambda: opinion_render_task.delay(opinion_id), robust=True)


def opinion_render(*, opinion_id: int) -> Opinion:
    """Render, sign and store the document `opinion_id`; idempotent.

    A ready document is returned unchanged. Otherwise counts the attempt, renders the HTML
    template of its kind, signs the PDF (PAdES) and stores it with its SHA-256 and size, state
    ready. On any error records state failed with the error and re-raises (the task retries
    transient errors). Call outside a transaction: the failure record must survive the raise.
    Never touches the case or its decision.
    """
    opinion = Opinion.objects.select_related("case__project__organization", "case__submission").get(
        pk=opinion_id
    )
    if opinion.state == Opinion.State.READY:
        return opinion
    Opinion.objects.filter(pk=opinion_id).update(attempts=F("attempts") + 1)
    try:
        data = opinion_pdf(opinion=opinion)
        return _opinion_store(opinion=opinion, data=data)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        Opinion.objects.filter(pk=opinion_id).exclude(state=Opinion.State.READY).update(
            state=Opinion.State.FAILED, error=error
        )
        logger.warning("opinion %s render failed: %s", opinion_id, error)
        raise


def opinion_renderer_warm_up() -> None:
    """Load WeasyPrint, the CJK fonts and the signing key in this process (worker start)."""
    path, password = signing_credentials()
    pdf.warm_up(pkcs12_path=path, password=password)


def opinion_pdf(*, opinion: Opinion) -> bytes:
    """The signed PDF bytes of `opinion` (reads the case, writes nothing)."""
    html = opinion_html(opinion=opinion)
    data = pdf.render(html, base_url=str(settings.BASE_DIR))
    authority = authority_for(province=opinion.case.province)
    path, password = signing_credentials()
    return pdf.sign(
        data,
        pkcs12_path=path,
        password=password,
        info=pdf.SignatureInfo(
            name=authority.name,
            reason=f"{opinion.get_kind_display()} {opinion.number}",
            location=authority.province_name,
            contact_info=verify_url(opinion.token),
        ),
    )


def _opinion_store(*, opinion: Opinion, data: bytes) -> Opinion:
    """Write the file, then mark the row ready with one conditional UPDATE.

    The UPDATE only touches a row that is not ready yet, so of two concurrent deliveries of the
    same task exactly one wins; the loser removes its file. One statement, no read-then-write
    lock upgrade (which SQLite answers with "database is locked").
    """
    field = opinion.file.field
    storage = opinion.file.storage
    name = storage.save(field.generate_filename(opinion, f"{opinion.token}.pdf"), ContentFile(data))
    try:
        claimed = (
            Opinion.objects.filter(pk=opinion.pk)
            .exclude(state=Opinion.State.READY)
            .update(
                file=name,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                state=Opinion.State.READY,
                error="",
                rendered_at=timezone.now(),
            )
        )
    except Exception:
        storage.delete(name)
        raise
    if not claimed:  # a concurrent delivery finished first
        storage.delete(name)
    return Opinion.objects.get(pk=opinion.pk)


@transaction.atomic
def opinion_rerender(*, opinion: Opinion, by: Any) -> Opinion:
    """Admin action: retry a pending/failed document, or re-render a ready one as a new version.

    Precondition: `by` is an admin (else PermissionDenied). Pending or failed: the same row goes
    back to pending and is queued again. Ready: a new row with the same number, kind and issue
    date and the next version is created and queued; the old version and its file are kept and
    stay verifiable. Records a case event; the task is queued after commit.
    """
    if not roles.is_admin(by):
        raise PermissionDenied("只有管理员可以重新生成文书")
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if locked.state != Opinion.State.READY:
        locked.state = Opinion.State.PENDING
        locked.save(update_fields=["state"])
        result, action = locked, "opinion_retry"
    else:
        latest = Opinion.objects.filter(case_id=locked.case_id, number=locked.number).aggregate(
            v=Max("version")
        )["v"]
        result = Opinion.objects.create(
            case_id=locked.case_id,
            kind=locked.kind,
            number=locked.number,
            issued_on=locked.issued_on,
            version=(latest or 0) + 1,
        )
        action = "opinion_rerender"
    CaseEvent.objects.create(
        case_id=locked.case_id,
        actor=by,
        action=action,
        data={"opinion": result.pk, "number": result.number, "version": result.version},
    )
    _queue_render(result.pk)
    return result


def opinion_requeue_stale(
    *, now: datetime | None = None, older_than: timedelta = STALE_AFTER
) -> int:
    """Queue again the documents still pending `older_than` after creation; returns how many.

    Catches a render message that never reached a worker (a broker outage at commit, a purged
    queue). Rendering is idempotent, so a message that was merely slow costs a wasted render at
    worst. Failed documents are left to an admin's retry. Run by a beat task.
    """
    from review.tasks import opinion_render_task

    cutoff = (now or timezone.now()) - older_than
    stale = list(
        Opinion.objects.filter(state=Opinion.State.PENDING, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in stale:
        opinion_render_task.delay(pk)
    if stale:
        logger.warning("requeued %d stale pending opinions: %s", len(stale), stale)
    return len(stale)


def opinion_verify(*, token: Any, uploaded_bytes: bytes) -> bool:
    """True when `uploaded_bytes` is exactly the issued file of the document `token`.

    Compares SHA-256 digests in constant time. False for unknown tokens and for documents
    that are not ready. Reads only.
    """
    opinion = Opinion.objects.filter(token=token, state=Opinion.State.READY).first()
    if opinion is None or not opinion.sha256:
        return False
    digest = hashlib.sha256(uploaded_bytes).hexdigest()
    return hmac.compare_digest(digest, opinion.sha256)


def verify_url(token: Any) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{token}"


# --------------------------------------------------------------------------------------------
# Signing certificate
# --------------------------------------------------------------------------------------------
DEMO_CERT_NAME = "demo-signing.p12"


def signing_credentials() -> tuple[Path, str]:
    """(PKCS#12 path, password): settings.SIGNING_PKCS12_PATH, else a demo certificate.

    With SIGNING_PKCS12_PATH empty (development, `make run`), a self-signed demo certificate is
    created under MEDIA_ROOT/keys/ on first use. A configured path is never created implicitly:
    run `manage.py make_signing_cert` or install the authority's certificate there.
    """
    password = settings.SIGNING_PKCS12_PASSWORD
    if settings.SIGNING_PKCS12_PATH:
        return Path(settings.SIGNING_PKCS12_PATH), password
    path = Path(settings.MEDIA_ROOT) / "keys" / DEMO_CERT_NAME
    if not path.exists():
        signing_certificate_create(path=path, password=password)
    return path, password


def signing_certificate_create(
    *,
    path: Path,
    password: str = "",
    common_name: str = "EnergyReview 节能审查电子签名（演示证书）",
    organization: str = "EnergyReview 演示",
    days: int = 3650,
    overwrite: bool = False,
) -> Path:
    """Write a self-signed RSA-2048 signing certificate and key as PKCS#12 to `path`.

    For demonstrations only: readers show the signature as valid but untrusted. The file is
    mode 0600 and appears atomically (a concurrent creator keeps the first file unless
    `overwrite`). Returns `path`.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(tz=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    blob = pkcs12.serialize_key_and_certificates(
        b"energyreview-signing", key, cert, None, encryption
    )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(blob)
    try:
        if overwrite:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):  # a concurrent creator won
                os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# --------------------------------------------------------------------------------------------
# The document's content
# --------------------------------------------------------------------------------------------
def opinion_html(*, opinion: Opinion) -> str:
    """The HTML (with its print stylesheet) of `opinion`, always in Chinese."""
    context = {"doc": opinion_document_context(opinion=opinion)}
    with translation.override("zh-hans"):
        return render_to_string(TEMPLATES[DocumentKind(opinion.kind)], context)


def opinion_document_context(*, opinion: Opinion) -> dict[str, Any]:
    """Everything a document prints, as display strings, from the frozen submission."""
    return _DocumentBuilder(opinion).build()


def qr_data_uri(url: str) -> str:
    """An SVG QR code (segno, error correction M) as a data: URI for the template."""
    return segno.make(url, error="m", micro=False).svg_data_uri(border=0, dark="#000")


def chinese_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def valid_until(issued_on: date) -> date:
    """Two years from issue (29 February issues end on 28 February)."""
    try:
        return issued_on.replace(year=issued_on.year + VALIDITY_YEARS)
    except ValueError:
        return issued_on.replace(year=issued_on.year + VALIDITY_YEARS, day=28)


_ENUMERATOR = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[）)、.．]|[-•·])\s*")


def text_items(text: str) -> list[str]:
    """Non-empty lines of a free-text field, with leading enumerators (`1.`, `（一）`) removed."""
    return [_ENUMERATOR.sub("", line).strip() for line in text.splitlines() if line.strip()]


ROUTE_LABELS = {
    "exempt": "无需单独审查",
    "standard": "常规审查",
    "local_two_high": "省级严格管理",
    "national_window_guidance": "报国家发展改革委窗口指导",
}
REVIEW_LEVEL_LABELS = {
    "none": "无需单独审查",
    "delegated": "省级节能审查机关确定的层级（委托审查）",
    "provincial": "省级节能审查",
}
TWO_HIGH_BASIS_LABELS = {"catalogue": "“两高”行业范围", "inventory": "“两高”项目清单"}
MEASURES = {
    "2016": "《固定资产投资项目节能审查办法》（国家发展改革委令2016年第44号）",
    "2023": "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）",
}
TITLE_SUFFIX = {
    DocumentKind.APPROVAL: "节能报告的审查意见",
    DocumentKind.REJECTION: "节能审查不予通过的通知",
    DocumentKind.DEFERRAL: "节能审查缓批的通知",
}
APPROVAL_REQUIREMENTS = (
    "严格落实节能报告提出的各项节能措施，项目建成后的年综合能源消费量和能效水平应符合本意见核定的要求。",
    "项目投入生产、使用前应按规定开展节能验收；未经验收或验收不合格的，不得投入生产、使用（《办法》）。",
    "项目建设内容、主要能源品种发生变化，或年综合能源消费量增加10%及以上的，应向我委提出变更申请（《办法》）。",
    "我委将依法对本意见的落实情况开展事中事后监管（方案（十二））。",
)
REJECTION_REQUIREMENTS = (
    "节能审查未通过的项目不得开工建设；已经建成的，不得投入生产、使用（《办法》）。",
    "项目调整后满足节能审查要求的，可重新编制节能报告报送审查。",
)
DEFERRAL_REQUIREMENTS = (
    "缓批期间，项目不得开工建设（《办法》）。",
    "解除缓批的条件满足后，请通过节能审查服务平台提交说明及证明材料，我委将恢复审查并依法作出决定。",
)
_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 25 -> 二十五 (1..99)."""
    if n < 10:
        return _DIGITS[n]
    tens, units = divmod(n, 10)
    return f"{_DIGITS[tens] if tens > 1 else ''}十{_DIGITS[units] if units else ''}"


def _num(value: Any, decimals: int = 2) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{decimals}f}"


def _quantity(value: Any) -> str:
    """A quantity as stated: thousands separators, no trailing zeros."""
    if value is None:
        return "—"
    text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
    return text or "0"


_UNIT = re.compile(r"[0-9.,]*\s*[A-Za-z]+(?:/[A-Za-z0-9()·]+)+")


def _keep_units_together(text: str) -> str:
    """Escape `text` and keep figures with units such as `125 kgce/t` on one line."""
    escaped = conditional_escape(text)
    return mark_safe(  # noqa: S308 - escaped above; only our span is added
        _UNIT.sub(lambda m: f'<span class="nobr">{m.group(0)}</span>', escaped)
    )


def _items(texts: list[str]) -> list[dict[str, str]]:
    return [{"ordinal": chinese_ordinal(i), "text": t} for i, t in enumerate(texts, start=1)]


class _DocumentBuilder:
    """Shapes the frozen submission (facts + assessment) and the decision into display strings."""

    def __init__(self, opinion: Opinion) -> None:
        from rules import engine

        self.engine = engine
        self.reference = engine.load_reference()
        self.opinion = opinion
        self.case = opinion.case
        self.project = self.case.project
        self.facts: dict[str, Any] = dict(self.case.submission.facts or {})
        self.assessment: dict[str, Any] = dict(self.case.submission.assessment or {})
        self.kind = DocumentKind(opinion.kind)

    def build(self) -> dict[str, Any]:
        opinion = self.opinion
        authority = authority_for(province=self.case.province)
        name = self.facts.get("name") or self.project.name
        edition = (self.assessment.get("policy") or {}).get("measures_edition") or "2023"
        url = verify_url(opinion.token)
        return {
            "kind": self.kind.value,
            "kind_label": self.kind.label,
            "authority": authority.name,
            "number": opinion.number,
            "title": f"{authority.name_short}关于{name}{TITLE_SUFFIX[self.kind]}",
            "issued_on_zh": chinese_date(opinion.issued_on),
            "addressee": self.project.organization.name,
            "measures": MEASURES.get(edition, MEASURES["2023"]),
            "measures_short": "《办法》",
            "policy_version": self.assessment.get("policy_version")
            or self.case.submission.policy_version,
            "project": self._project(name),
            "energy": self._energy(),
            "two_high": self._two_high(),
            "high_energy": bool(self.assessment.get("high_energy")),
            "route": ROUTE_LABELS.get(self.assessment.get("route", ""), self.case.route),
            "review_level": REVIEW_LEVEL_LABELS.get(
                self.assessment.get("review_level", ""), self.case.review_level
            ),
            "efficiency": self._efficiency(),
            "substitution": self._substitution(),
            "national_major": bool(self.facts.get("national_major_project")),
            "decision": self._decision(),
            "validity": {
                "years_zh": chinese_ordinal(VALIDITY_YEARS).replace("二", "两"),
                "until_zh": chinese_date(valid_until(opinion.issued_on)),
            },
            "verify": {"url": url, "token": str(opinion.token), "qr": qr_data_uri(url)},
            "copy_to": "项目所在地设区的市发展改革委，省节能监察机构",
        }

    def _project(self, name: str) -> dict[str, Any]:
        project = self.project
        region = self.facts.get("region") or project.region
        industry = self.facts.get("industry") or project.industry
        construction = self.facts.get("construction_type") or project.construction_type
        investment = project.total_investment_wan
        return {
            "name": name,
            "code": self.facts.get("project_code") or project.project_code or "—",
            "organization": project.organization.name,
            "credit_code": project.organization.credit_code,
            "location": f"{self._region_name(region)}（{region}）" if region else "—",
            "industry": f"{industry} {self.reference.industries.get(industry, '')}".strip(),
            "construction_type": dict(ConstructionType.choices).get(construction, construction),
            "investment": f"{Decimal(str(investment)):,.2f}万元" if investment is not None else "—",
            "description": project.description,
        }

    def _region_name(self, code: str) -> str:
        regions = self.reference.regions
        parts: list[str] = []
        for prefix in (code[:2] + "0000", code[:4] + "00", code):
            label = regions.get(prefix)
            if label and label not in parts and label not in ("市辖区", "县", "省直辖县级行政区划"):
                parts.append(label)
        return "".join(parts) or code

    def _energy_lines(self) -> list[dict[str, Any]]:
        lines = (self.assessment.get("energy") or {}).get("lines")
        if lines is not None:
            return list(lines)
        # Older assessments carry totals only: recompute per line from the frozen facts.
        engine = self.engine
        try:
            facts = engine.parse_facts(
                self.facts,
                reference=self.reference,
                today=self.opinion.issued_on,
                policy_versions=self.reference.policy_versions,
            )
        except engine.InvalidFacts:
            return [
                {"type": e.get("type"), "quantity": e.get("quantity"), "unit": e.get("unit")}
                for e in self.facts.get("energy", [])
            ]
        version = self.assessment.get("policy_version")
        policy = next(
            (p for p in self.reference.policy_versions if p.version == version),
            engine.policy_in_force(self.reference.policy_versions, facts.submitted_on),
        )
        account = engine.energy.account(facts, policy=policy, reference=self.reference)
        return [line._asdict() for line in account.lines]

    def _energy(self) -> dict[str, Any]:
        energy = self.assessment.get("energy") or {}
        types = self.reference.energy_types
        units = self.reference.units
        lines = []
        for line in self._energy_lines():
            energy_type = types.get(line.get("type", ""))
            unit = units.get(line.get("unit", "")) or self.reference.unit_for(line.get("unit", ""))
            lines.append(
                {
                    "name": energy_type.name_zh if energy_type else line.get("type"),
                    "quantity": _quantity(line.get("quantity")),
                    "unit": unit.unit_zh if unit else line.get("unit"),
                    "equivalent_tce": _num(line.get("equivalent_tce")),
                    "equal_value_tce": _num(line.get("equal_value_tce")),
                }
            )
        renewable = float(energy.get("renewable_deduction_tce") or 0)
        feedstock = float(energy.get("feedstock_tce") or self.facts.get("feedstock_tce") or 0)
        baseline = float(energy.get("baseline_equivalent_tce") or 0)
        deductions = [
            f"{label}{_num(value)}吨标准煤"
            for label, value in (
                ("改建前用能", baseline),
                ("可再生能源电力", renewable),
                ("原料用能", feedstock),
            )
            if value
        ]
        coefficient = (self.assessment.get("policy") or {}).get("equal_value_kgce_per_kwh")
        return {
            "lines": lines,
            "equivalent_tce": _num(energy.get("equivalent_tce")),
            "equal_value_tce": _num(energy.get("equal_value_tce")),
            "counted_tce": _num(energy.get("counted_tce", self.case.counted_tce)),
            "electricity_kwh": _num(energy.get("electricity_kwh"), 0),
            "baseline_tce": _num(baseline) if baseline else "",
            "renewable_tce": _num(renewable) if renewable else "",
            "feedstock_tce": _num(feedstock) if feedstock else "",
            "deductions": "、".join(deductions),
            "equal_value_coefficient": f"{coefficient:g}" if coefficient else "—",
            "equivalent_coefficient": f"{self.reference.electricity_tce_per_kwh * 1000:g}",
            "electricity_label": (
                "年用电增量" if self.facts.get("construction_type") == "renovation" else "年用电量"
            ),
        }

    def _two_high(self) -> dict[str, Any]:
        label = self.engine.messages.label
        two_high = self.assessment.get("two_high") or {}
        inventory = two_high.get("inventory")
        return {
            "is_two_high": bool(two_high.get("is_two_high", self.case.two_high)),
            "sector": label("sector", two_high.get("sector")) or "—",
            "basis": "、".join(TWO_HIGH_BASIS_LABELS.get(b, b) for b in two_high.get("basis", [])),
            "inventory": (
                f"{label('status', inventory.get('status'))}，"
                f"处置意见：{label('disposal', inventory.get('disposal'))}"
                if inventory
                else ""
            ),
        }

    def _efficiency(self) -> list[dict[str, str]]:
        label = self.engine.messages.label
        rows = []
        for item in self.assessment.get("efficiency") or []:
            benchmark = self.reference.benchmarks.get(item.get("product", ""))
            rows.append(
                {
                    "name": item.get("name_zh")
                    or (benchmark.name_zh if benchmark else "")
                    or item.get("product", ""),
                    "unit": item.get("unit") or (benchmark.unit if benchmark else ""),
                    "unit_energy": _quantity(item.get("unit_energy")),
                    "benchmark": _quantity(item.get("benchmark")),
                    "baseline": _quantity(item.get("baseline")),
                    "level": label("level", item.get("level")),
                }
            )
        return rows

    def _substitution(self) -> dict[str, Any]:
        sub = self.assessment.get("substitution") or {}
        ratio = sub.get("ratio")
        shortfall = float(sub.get("shortfall_tce") or 0)
        return {
            "required": bool(sub.get("required")),
            "ratio": f"{ratio:g}" if ratio else "1",
            "kind": "减量" if ratio and ratio > 1 else "等量",
            "required_tce": _num(sub.get("required_tce")),
            "provided_tce": _num(sub.get("provided_tce")),
            "shortfall": shortfall > 0,
            "shortfall_tce": _num(shortfall),
            "sources": [
                {"description": s.get("description", ""), "saved_tce": _num(s.get("saved_tce"))}
                for s in self.facts.get("substitution_sources") or []
            ],
        }

    def _cited(self) -> list[dict[str, str]]:
        findings = [f for f in self.assessment.get("findings") or [] if isinstance(f, dict)]
        chosen: list[dict[str, Any]] = []
        for item in self.case.cited_findings or []:
            if isinstance(item, dict):
                chosen.append(item)
                continue
            matches = [f for f in findings if f.get("code") == item]
            chosen.extend(matches or [{"code": str(item), "message": str(item), "basis": ""}])
        if not chosen and self.kind != DocumentKind.APPROVAL:
            # Without an explicit citation the grounds are the assessment's blocking findings.
            chosen = [f for f in findings if f.get("severity") == "blocking"]
        return [
            {
                "ordinal": chinese_ordinal(i),
                "code": str(f.get("code", "")),
                "message": _keep_units_together(str(f.get("message", ""))),
                "basis": str(f.get("basis", "")) or "—",
            }
            for i, f in enumerate(chosen, start=1)
        ]

    def _deferral_lift(self) -> list[str]:
        if self.case.deferral_lift.strip():
            return text_items(self.case.deferral_lift)
        codes = {
            f.get("code") for f in self.assessment.get("findings") or [] if isinstance(f, dict)
        }
        shortfall = (self.assessment.get("substitution") or {}).get("shortfall_tce")
        items = []
        if "NATIONAL_WINDOW_GUIDANCE" in codes:
            items.append("取得国家发展改革委对该“两高”项目的窗口指导意见（方案（七））。")
        if "SUBSTITUTION_SHORTFALL" in codes:
            items.append(
                f"落实尚缺的能耗替代量{_num(shortfall)}吨标准煤，并提交替代来源的核实材料（方案（十二））。"
            )
        return items or ["按本通知所列缓批理由完成整改并提交证明材料。"]

    def _decision(self) -> dict[str, Any]:
        own = text_items(self.case.conditions)
        if self.kind == DocumentKind.APPROVAL:
            standard = list(APPROVAL_REQUIREMENTS)
            sub = self.assessment.get("substitution") or {}
            if sub.get("required"):
                standard.insert(
                    1,
                    f"落实能耗替代量{_num(sub.get('required_tce'))}吨标准煤，"
                    "替代来源应在项目投入生产、使用前完成核实（方案（十二））。",
                )
            conditions = own + standard
        elif self.kind == DocumentKind.REJECTION:
            conditions = own + list(REJECTION_REQUIREMENTS)
        else:
            conditions = own + list(DEFERRAL_REQUIREMENTS)
        return {
            "reason": self.case.decision_reason.strip(),
            "cited": self._cited(),
            "conditions": _items(conditions),
            "lift": _items(self._deferral_lift()) if self.kind == DocumentKind.DEFERRAL else [],
        }
