"""PDF bytes: WeasyPrint rendering (HTML string -> PDF) and the PAdES signature (pyHanko).

This is the only module that imports WeasyPrint. Both functions are pure byte transformations:
they read no models and write nothing; `review.documents` decides what to render and where the
result goes. Heavy objects (WeasyPrint's font configuration, the loaded signing key) are kept per
process, so a warm worker pays for them once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import io
import os
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SigningKeyError(RuntimeError):
    """The signing certificate file is missing, unreadable or has the wrong password."""


@functools.cache
def _ssl_context() -> Any:
    import ssl

    return ssl.create_default_context()


def _url_fetcher() -> Any:
    """Documents embed their images as data: URIs and read nothing else: a fetcher for data:
    and file: only (never the network), with an SSL context made once per process (building
    one costs ~0.1 s per render otherwise)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(ssl_context=_ssl_context(), allowed_protocols={"data", "file"})


@functools.cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@functools.lru_cache(maxsize=16)
def _stylesheet(text: str) -> Any:
    """A `<style>` block parsed once per process: the documents share one stylesheet, whose
    parsing (tinycss2 and WeasyPrint's validation) costs ~50 ms, a seventh of a render."""
    from weasyprint import CSS

    return CSS(string=text, url_fetcher=_url_fetcher(), font_config=_font_config())


def _styles_apart(html: str) -> tuple[str, list[Any]]:
    """`html` without its `<style>` blocks, and those blocks as parsed (cached) stylesheets in
    document order; the cascade is the same, as they are the document's only author styles."""
    sheets = [_stylesheet(m.group(1)) for m in _STYLE.finditer(html)]
    return (_STYLE.sub("", html), sheets) if sheets else (html, [])


def render(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML document (with its print stylesheet inline) to PDF bytes.

    Fonts come from fontconfig (the Fandol faces that scripts/install_system_deps.sh installs:
    仿宋 body, 宋体 bold title, 宋体 page numbers, 黑体 headings; Debian's AR PL UKai and Noto CJK
    as fallbacks)
    and are embedded as subsets, WeasyPrint's default. `<style>` blocks are parsed once per
    process (`_styles_apart`).
    Raises whatever WeasyPrint raises; writes nothing.
    """
    return _layout(html, base_url=base_url).write_pdf(finisher=_deflate_streams)


_DEFLATE_LEVEL = 6


def _deflate_streams(document: Any, pdf_file: Any) -> None:
    """Deflate the PDF's streams at zlib's default level 6 instead of pydyf's fixed 9.

    The embedded font subsets are ~95% of a document's bytes (~420 kB before deflate); level 9
    spends twice level 6's time on them (~15 ms against ~7 ms a document) for 0.4% fewer bytes.
    Each stream still to be compressed (all of its parts bytes) is deflated here and marked
    /FlateDecode, which pydyf then writes as it is; any other stream is left to pydyf.
    A `write_pdf` finisher: it runs after the pages are drawn, before the file is written."""
    import pydyf

    for obj in pdf_file.objects:
        if not isinstance(obj, pydyf.Stream) or not obj.compress:
            continue
        parts = obj.stream
        if not all(isinstance(part, bytes) for part in parts):
            continue
        obj.stream = [zlib.compress(b"\n".join(parts), _DEFLATE_LEVEL)]
        obj.compress = False
        obj.extra["Filter"] = "/FlateDecode"


def _layout(html: str, *, base_url: str | None = None) -> Any:
    import weasyprint

    html, sheets = _styles_apart(html)
    return weasyprint.HTML(
        string=html, base_url=base_url or str(Path.cwd()), url_fetcher=_url_fetcher()
    ).render(font_config=_font_config(), stylesheets=sheets)


@dataclass(frozen=True, slots=True)
class Placed:
    """Where an element landed: 0-based page index and its box in PDF points (x1, y1, x2, y2),
    origin at the page's lower left."""

    page: int
    box: tuple[int, int, int, int]


_PX = 0.75  # CSS px -> PDF pt


def render_located(
    html: str, *, base_url: str | None = None, anchor: str = "seal"
) -> tuple[bytes, Placed | None]:
    """PDF bytes and where the element with id `anchor` (the seal) was laid out, if present.

    The seal closes a document: pages are searched from the last one back."""
    document = _layout(html, base_url=base_url)
    placed = None
    for index in reversed(range(len(document.pages))):
        page = document.pages[index]
        if placed is not None:
            break
        for box in _all_boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and element.get("id") == anchor and box.width:
                height_pt = page.height * _PX
                x1 = box.position_x * _PX
                y2 = height_pt - box.position_y * _PX
                placed = Placed(
                    index,
                    (
                        int(x1),
                        int(y2 - box.margin_height() * _PX),
                        int(x1 + box.margin_width() * _PX),
                        int(y2),
                    ),
                )
                break
    return document.write_pdf(finisher=_deflate_streams), placed


def _all_boxes(root: Any) -> Any:
    """Every box under `root`, absolutely positioned ones included (WeasyPrint keeps those
    behind placeholders that `descendants()` does not open)."""
    stack = [root]
    while stack:
        box = stack.pop()
        inner = getattr(box, "_box", None)
        if inner is not None and type(box).__name__ == "AbsolutePlaceholder":
            box = inner
        yield box
        stack.extend(reversed(getattr(box, "children", None) or []))


def layout_report(html: str, *, base_url: str | None = None) -> dict[str, Any]:
    """Lay `html` out and report, for tests and checks: the pages' count, and every text box
    running past the right edge of its page's content area or below its bottom (overflow)."""
    from weasyprint.formatting_structure import boxes

    document = _layout(html, base_url=base_url)
    overflows: list[str] = []
    for index, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width + 0.5
        bottom = page_box.content_box_y() + page_box.height + 0.5
        for child in page_box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box in _all_boxes(child):
                if not isinstance(box, boxes.TextBox):
                    continue
                style = box.style
                if style["position"] in ("absolute", "fixed") or style["float"] == "footnote":
                    continue
                if box.position_x + box.width > right or box.position_y + box.height > bottom:
                    overflows.append(f"第{index}页：{box.text[:30]}")
    return {"pages": len(document.pages), "overflows": overflows}


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    """What a PDF reader shows in the signature panel."""

    name: str
    reason: str
    location: str
    contact_info: str = ""


@functools.cache
def _signer_class() -> type:
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class CachedKeySigner(SimpleSigner):
        """SimpleSigner holding its parsed private key instead of re-parsing it per signature.

        pyHanko reloads the key from DER for each raw signature, and loading an RSA key checks
        it (tens of milliseconds); a warm worker should pay that once.
        """

        pyca_key: Any = None
        bytes_reserved: int | None = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if self.pyca_key is None or mechanism not in ("rsassa_pkcs1v15", "ecdsa"):
                return super().sign_raw(data, digest_algorithm)
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "ecdsa":
                return self.pyca_key.sign(data, signature_algorithm=ECDSA(hash_algo))
            return self.pyca_key.sign(data, PKCS1v15(), hash_algo)

    return CachedKeySigner


@functools.lru_cache(maxsize=4)
def _signer(path: str, mtime_ns: int, password: str) -> Any:
    """The pyHanko signer for a PKCS#12 file, cached per file version (path + mtime)."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    passphrase = password.encode() if password else None
    try:
        blob = Path(path).read_bytes()
        loaded = SimpleSigner.load_pkcs12_data(blob, other_certs=set(), passphrase=passphrase)
        pyca_key, _, _ = pkcs12.load_key_and_certificates(blob, passphrase)
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"无法读取签名证书 {path}：{exc}") from exc
    except Exception as exc:  # pyHanko wraps PKCS#12 errors in its own types
        raise SigningKeyError(f"无法读取签名证书 {path}（文件或密码有误）：{exc}") from exc
    signer = _signer_class()(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )
    signer.pyca_key = pyca_key
    # Room for the CMS blob, known up front: spares pyHanko a dry-run signature per document.
    certificates = [loaded.signing_cert, *loaded.cert_registry]
    signer.bytes_reserved = 2 * (2048 + sum(len(c.dump()) for c in certificates))
    return signer


def sign(
    pdf: bytes,
    *,
    pkcs12_path: str | os.PathLike[str],
    password: str,
    info: SignatureInfo,
    placed: Placed | None = None,
) -> bytes:
    """Add a PAdES baseline (B-B) signature to `pdf` as an incremental update.

    The signature covers the whole rendered file (/ByteRange), so any later change to the bytes
    breaks it; PDF readers list it in their signature panel. With `placed` (the seal's box), the
    signature's widget sits over the printed seal, so clicking the seal opens the signature;
    its own appearance is empty (the seal is drawn in the page). Raises SigningKeyError when the
    certificate cannot be loaded.
    """
    from pyhanko import stamp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    path = os.fspath(pkcs12_path)
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except OSError as exc:
        raise SigningKeyError(f"签名证书不存在：{path}") from exc
    signer = _signer(path, mtime_ns, password)
    meta = signers.PdfSignatureMetadata(
        field_name="AuthoritySignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=info.name,
        reason=info.reason,
        location=info.location,
        contact_info=info.contact_info or None,
    )

    spec = None
    style = None
    if placed is not None:
        spec = fields.SigFieldSpec("AuthoritySignature", on_page=placed.page, box=placed.box)
        style = stamp.StaticStampStyle(border_width=0, background=None)

    def run() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=spec)
        out = pdf_signer.sign_pdf(writer, bytes_reserved=signer.bytes_reserved)
        return out.getvalue()

    return _outside_event_loop(run)


def _outside_event_loop(fn: Callable[[], bytes]) -> bytes:
    """pyHanko's synchronous API calls asyncio.run(), which refuses to run in a thread that
    already has a running loop (an async server, Playwright's sync API): use a helper thread
    there."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


WARM_UP_HTML = """<!DOCTYPE html><html lang="zh-CN"><body>
<p style="font-family: 'FandolFang', 'AR PL UKai CN'">节能审查 — 1 —</p>
<p style="font-family: 'FandolSong', 'Noto Serif CJK SC'; font-weight: 700">审查意见</p>
<p style="font-family: 'FandolSong', 'Noto Serif CJK SC'">— 2 —</p>
<p style="font-family: 'FandolHei', 'Noto Sans CJK SC'">一、项目基本情况</p></body></html>"""


def warm_up(*, pkcs12_path: str | os.PathLike[str] | None = None, password: str = "") -> None:
    """Pay the per-process costs once (imports, fontconfig, font files, key parsing).

    Called when a worker process starts, so the first document costs what the hundredth does.
    """
    data = render(WARM_UP_HTML)
    if pkcs12_path is not None:
        sign(data, pkcs12_path=pkcs12_path, password=password, info=SignatureInfo("", "", ""))
