"""The rendered documents of every kind, laid out after GB/T 9704-2012: Chinese text with the
figures, embedded subset fonts, 「— N —」 page numbers, the 版记 at the foot of the last page, the
seal where the PAdES signature sits, no overflowing text."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from review.models import Opinion
from tests.opinions.conftest import page_png, pdf_text

pytestmark = pytest.mark.django_db


def _compact(text: str) -> str:
    """The text without white space and without the page numbers (「— N —」) that page breaks
    put in the middle of running text."""
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))


def _tce(value: float) -> str:
    return f"{value:,.2f}"


_RENDERED: dict[str, tuple[Opinion, bytes, dict]] = {}
_HTML: dict[str, str] = {}
KINDS = ("approval", "rejection", "deferral", "correction", "change", "receipt", "filing")
SCENARIO = {
    "correction": "approval",
    "change": "approval",
    "receipt": "approval",
    "filing": "approval",
}
CORRECTION_ITEMS = ["补充主要用能设备能效指标清单。", "补充能源计量器具配备方案。"]


@pytest.fixture
def issued(make_case, issue, dana):
    """kind -> (opinion, pdf bytes, frozen assessment); each kind is rendered once per module.

    Rendering costs about a second, and these tests only read the result, so the first test
    needing a kind renders it for real (drafted, sent, signed off, rendered by the task) and
    later ones reuse the bytes.
    """

    class Lazy(dict):
        def __missing__(self, kind: str) -> tuple[Opinion, bytes, dict]:
            if kind not in _RENDERED:
                fields = {"correction_items": CORRECTION_ITEMS} if kind == "correction" else {}
                case = make_case(SCENARIO.get(kind, kind), **fields)
                if kind == "receipt":
                    opinion = _receipt(case, dana)
                elif kind == "filing":
                    _acceptance_filed(case, dana)
                    opinion = issue(case, kind)
                else:
                    opinion = issue(case, kind)
                assert opinion.state == Opinion.State.READY, opinion.error
                data = Path(opinion.file.path).read_bytes()
                _RENDERED[kind] = (opinion, data, case.submission.assessment)
                _HTML[kind] = opinion_html(opinion=opinion)
            return _RENDERED[kind]

    return Lazy()


def opinion_html(*, opinion: Opinion) -> str:
    from review.documents import opinion_html as html

    return html(opinion=opinion)


def _acceptance_filed(case, by) -> None:
    """The owner's acceptance filing, checked and recorded (what the 回执 prints)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from supervision.models import Acceptance

    acceptance = Acceptance(
        case=case,
        completed_on=date(2026, 10, 30),
        actual_capacity="熟料4500吨/日",
        energy_lines=[{"type": "raw_coal", "quantity": 30000, "unit": "t"}],
        conditions=[{"text": "余热发电", "done": True, "evidence": "已投运"}],
        committee_conclusion="基本落实节能审查意见。",
        report_name="节能验收报告.pdf",
        report_sha256="ab" * 32,
        comparison={
            "approved": {"counted_tce": 22000.0},
            "actual": {"counted_tce": 21500.0},
            "change_pct": -2.27,
            "exceeds": False,
        },
        state="recorded",
        filed_by=case.project.created_by,
        checked_by=by,
        checked_at=timezone.now(),
    )
    acceptance.report.save("acceptance.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    acceptance.save()


def _receipt(case, by) -> Opinion:
    from django.test import TestCase

    from documents.services import receipt_issue

    with TestCase.captureOnCommitCallbacks(execute=True):
        opinion = receipt_issue(case=case, by=by)
    opinion.refresh_from_db()
    return opinion


COMMON_LABELS = (
    "江苏省发展和改革委员会",
    "苏州东吴水泥有限公司：",
    "项目基本情况",
    "项目代码2611-320500-04-01-381276",
    "统一社会信用代码91320505MA1XY2KP3R",
    "建设地点江苏省苏州市虎丘区（320505）",
    "所属行业3011水泥制造",
    "建设性质新建",
    "186,500.00万元",
    "建设规模",
    "主要建设内容",
    "审查过程",
    "能源消费情况",
    "化石能源",
    "万千瓦时",
    "原煤",
    "电力",
    "天然气",
    "当量值",
    "等价值",
    "年综合能源消费量",
    "新增能耗",
    "计入能耗双控",
    "0.1229千克标准煤/千瓦时",
    "《综合能耗计算通则》（GB/T2589-2020）",
    "“两高”项目认定与审查路径",
    "能效水平",
    "水泥熟料单位产品综合能耗",
    "能耗等量减量替代",
    "《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）",
    "抄送：苏州市发展和改革委员会",
    "江苏省发展和改革委员会办公室",
)

KIND_LABELS = {
    "approval": (
        "江苏省发展改革委关于苏州东吴水泥熟料生产线技改项目节能报告的审查意见",
        "审查结论",
        "原则同意该项目节能报告，节能审查予以通过",
        "省级严格管理",
        "余热发电系统与熟料线同步建成投运",
        "有效期",
        "标杆水平",
        "《高耗能行业重点领域能效标杆水平和基准水平（2021年版）》（发改产业〔2021〕1609号）",
    ),
    "rejection": (
        "节能审查不予通过的决定",
        "不予通过的理由",
        "低于基准水平",
        "发改产业〔2021〕1609号",
        "六十日内",
        "行政复议",
        "六个月内",
        "行政诉讼",
    ),
    "deferral": (
        "节能审查缓批的决定",
        "缓批理由",
        "解除缓批的条件",
        "报国家发展改革委窗口指导",
        "六十日内",
        "六个月内",
    ),
    "correction": (
        "节能报告补正材料的通知",
        "一次性告知需要补正的全部内容",
        "补充主要用能设备能效指标清单",
        "补充能源计量器具配备方案",
        "《中华人民共和国行政许可法》第三十二条",
    ),
    "change": ("同意变更的复函", "同意该项目变更", "此复函"),
    "receipt": ("节能审查申请受理回执", "予以受理", "二十个工作日"),
    "filing": ("节能验收备案的回执", "予以备案", "2026年10月30日竣工", "熟料4500吨/日"),
}
FULL_BODY = ("approval", "rejection", "deferral")


@pytest.mark.parametrize("kind", KINDS)
def test_text_carries_labels_number_and_figures(issued, kind):
    opinion, data, assessment = issued[kind]
    text = _compact(pdf_text(data))
    labels = KIND_LABELS[kind] + (COMMON_LABELS if kind in FULL_BODY else COMMON_LABELS[:2])
    for label in labels:
        assert _compact(label) in text, label
    assert opinion.number in text
    assert re.fullmatch(r"苏发改能审[受备]?〔\d{4}〕\d+号", opinion.number)
    if kind in FULL_BODY:
        energy = assessment["energy"]
        for figure in ("equivalent_tce", "equal_value_tce", "review_tce", "new_tce", "counted_tce"):
            assert _tce(energy[figure]) in text, figure
        for line in energy["lines"]:
            assert _tce(line["equivalent_tce"]) in text
        assert _tce(energy["electricity_kwh"] / 10000) + "万千瓦时" in text
    assert "二〇" in text  # the 落款 date in Chinese numerals
    assert "第1页" not in text


def test_approval_states_two_years_validity(issued):
    opinion, data, _ = issued["approval"]
    text = _compact(pdf_text(data))
    until = opinion.issued_on.replace(year=opinion.issued_on.year + 2)
    assert "自印发之日起两年内有效" in text
    assert f"{until.year}年{until.month}月{until.day}日止" in text


def test_rejection_cites_the_blocking_finding_with_its_basis(issued):
    _, data, assessment = issued["rejection"]
    text = _compact(pdf_text(data))
    blocking = [f for f in assessment["findings"] if f["severity"] == "blocking"]
    assert blocking
    for finding in blocking:
        assert _compact(finding["message"]) in text
        assert _compact(finding["basis"]) in text


def _pdffonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils (pdffonts) not installed")
    src = tmp_path / "doc.pdf"
    src.write_bytes(data)
    out = subprocess.run(["pdffonts", str(src)], check=True, capture_output=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@pytest.mark.parametrize("kind", KINDS)
def test_fonts_are_embedded_as_subsets_with_a_fangsong_body_and_song_title(issued, kind, tmp_path):
    _, data, _ = issued[kind]
    rows = _pdffonts(data, tmp_path)
    assert rows
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert re.fullmatch(r"[A-Z]{6}\+.+", name), name
    names = " ".join(row[0] for row in rows)
    # GB/T 9704: 仿宋 body, 小标宋-style bold title, 黑体 headings, page numbers in 宋体
    # (scripts/install_system_deps.sh)
    assert "FandolFang" in names
    assert "FandolSong-Bold" in names
    assert {"FandolSong", "FandolSong-Regular"} & {n.split("+", 1)[1] for n in names.split()}
    if kind not in ("correction", "receipt"):  # these two have no headings
        assert "FandolHei" in names
    # nothing falls back to the old faces: every character is in the Fandol fonts
    assert "UKai" not in names
    assert "Noto" not in names


def _page_texts(data: bytes, tmp_path: Path) -> list[str]:
    from pypdf import PdfReader as Reader

    return [page.extract_text() or "" for page in Reader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("kind", KINDS)
def test_page_numbers_read_dash_n_dash_at_the_foot(issued, kind, tmp_path):
    _, data, _ = issued[kind]
    for number, text in enumerate(_page_texts(data, tmp_path), start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert f"— {number} —" in lines, (number, lines[-3:])


@pytest.mark.parametrize("kind", ["approval", "correction"])
def test_page_numbers_are_set_in_song_at_four_hao(issued, kind):
    """GB/T 9704-2012 7.5: 4号 (14 pt) 半角宋体 Arabic numerals: FandolSong Regular."""
    _, data, _ = issued[kind]
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        drawn: list[tuple[str, float]] = []

        def visit(text, cm, tm, font, size, drawn=drawn, number=number):
            if text.strip() == f"— {number} —" and font is not None:
                drawn.append((str(font.get("/BaseFont")), size * cm[0]))

        page.extract_text(visitor_text=visit)
        assert len(drawn) == 1, (number, drawn)
        font, points = drawn[0]
        assert font.split("+", 1)[1] in ("FandolSong", "FandolSong-Regular"), font
        assert points == pytest.approx(14, abs=0.05)


def _words(data: bytes, page: int, tmp_path: Path) -> tuple[float, list[tuple[str, float]]]:
    """(page height, [(word, yMax)]) of one page, from poppler's pdftotext -bbox."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    src = tmp_path / "doc.pdf"
    src.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(src), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out).group(1))
    words = [
        (m.group(2), float(m.group(1)))
        for m in re.finditer(r'<word [^>]*yMax="([\d.]+)">([^<]*)</word>', out)
    ]
    return height, words


@pytest.mark.parametrize("kind", KINDS)
def test_colophon_sits_at_the_foot_of_the_last_page(issued, kind, tmp_path):
    _, data, _ = issued[kind]
    pages = len(PdfReader(io.BytesIO(data)).pages)
    height, words = _words(data, pages, tmp_path)
    copy_to = [y for w, y in words if w.startswith("抄送")]
    printed = [y for w, y in words if w.endswith("印发")]
    assert copy_to, words[-6:]
    assert printed
    # The 版记 ends at the bottom of the text area (35 mm margin: ~742 pt of 842), above the
    # page number, and nothing but the page number is below it.
    assert printed[0] > height * 0.8
    assert copy_to[0] > height * 0.75
    below = [w for w, y in words if y > printed[0] + 1]
    assert set(below) <= {"—", str(pages)}
    for page in range(1, pages):
        _, others = _words(data, page, tmp_path)
        assert not any(w.startswith("抄送") for w, _ in others)


@pytest.mark.parametrize("kind", KINDS)
def test_the_seal_is_drawn_where_the_signature_sits(issued, kind, tmp_path):
    _, data, _ = issued[kind]
    reader = PdfReader(io.BytesIO(data))
    placed = [
        (index, [float(v) for v in annot.get_object()["/Rect"]])
        for index, page in enumerate(reader.pages)
        for annot in page.get("/Annots") or []
        if annot.get_object().get("/FT") == "/Sig"
    ]
    assert len(placed) == 1
    index, (x1, y1, x2, y2) = placed[0]
    assert 100 < x2 - x1 < 130  # a 42 mm seal is 119 pt wide
    height = float(reader.pages[index].mediabox.height)
    image = Image.open(page_png(data, page=index + 1, dpi=72, out=tmp_path / "seal.png"))
    box = image.convert("RGB").crop((int(x1), int(height - y2), int(x2), int(height - y1)))
    colors = box.getcolors(maxcolors=1 << 24)
    red = sum(n for n, (r, g, b) in colors if r > 180 and g < 120 and b < 120)
    assert red > box.width * box.height * 0.08  # ring, star and name in red


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_overflows_its_box(issued, kind):
    from review import pdf

    _, data, _ = issued[kind]
    report = pdf.layout_report(_HTML[kind])
    assert report["overflows"] == []
    assert report["pages"] == len(PdfReader(io.BytesIO(data)).pages)


def test_the_overflow_check_finds_text_running_off_the_page():
    from review import pdf

    html = (
        '<html><body><p style="white-space: nowrap; font-size: 16pt">'
        + "节能审查" * 60
        + "</p></body></html>"
    )
    assert pdf.layout_report(html)["overflows"]


@pytest.mark.parametrize("kind", ["approval", "rejection", "deferral"])
def test_first_page_renders_with_ink_and_a_red_header(issued, kind, tmp_path):
    _, data, _ = issued[kind]
    image = Image.open(page_png(data, page=1, dpi=50, out=tmp_path / "page.png")).convert("RGB")
    colors = image.getcolors(maxcolors=1 << 24)
    total = image.width * image.height
    ink = sum(n for n, (r, g, b) in colors if r + g + b < 600)
    red = sum(n for n, (r, g, b) in colors if r > 170 and g < 90 and b < 90)
    assert ink > total * 0.01
    assert red > 200  # the authority mark and the red rule


def test_a_draft_preview_is_watermarked_unnumbered_and_unsealed(make_case, tmp_path):
    from review.documents import draft_preview_html, draft_preview_pdf, opinion_issue

    draft = opinion_issue(case=make_case(), kind="approval")
    data = draft_preview_pdf(draft=draft)
    text = _compact(pdf_text(data))
    assert "草稿" in text
    assert "〔签发时编号〕" in text
    assert "/Sig" not in data.decode("latin-1")
    html = draft_preview_html(draft=draft)
    assert 'id="seal"' not in html  # sealed only when signed off
    assert "/verify/" not in html  # no verification address before there is a document


def test_a_rerender_after_the_organization_is_renamed_prints_the_frozen_name(make_case, issue):
    opinion = issue(make_case())
    organization = opinion.case.project.organization
    frozen = organization.name
    organization.name = "改名后的水泥有限公司"
    organization.save()
    opinion.refresh_from_db()
    html = opinion_html(opinion=opinion)
    assert frozen in html
    assert "改名后的水泥有限公司" not in html


def test_pdf_carries_a_valid_pades_signature_covering_the_whole_file(issued):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    opinion, data, _ = issued["approval"]
    assert b"/ByteRange" in data
    assert b"/Sig" in data
    assert b"/ETSI.CAdES.detached" in data
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[signature.signer_cert])
    )
    assert status.intact
    assert status.valid
    assert status.coverage.name == "ENTIRE_FILE"
    assert "江苏省发展和改革委员会" in (signature.sig_object.get("/Name") or "")
    assert opinion.number in signature.sig_object.get("/Reason")


def test_a_modified_file_breaks_the_signature(issued):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _, data, _ = issued["approval"]
    text = data.replace(b"/Producer", b"/Producex", 1)
    assert text != data
    signature = PdfFileReader(io.BytesIO(text)).embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[signature.signer_cert])
    )
    assert not status.intact


def test_stored_file_matches_its_recorded_hash_and_size(issued):
    import hashlib

    opinion, data, _ = issued["deferral"]
    assert opinion.sha256 == hashlib.sha256(data).hexdigest()
    assert opinion.size == len(data)
    assert opinion.rendered_at is not None
    assert opinion.rendered_at <= timezone.now()
    assert opinion.attempts == 1
    assert opinion.file.name.startswith("opinions/")


def test_assessments_without_per_line_figures_are_recomputed_from_the_frozen_facts(make_case):
    from documents.layout.content import document_context
    from review.documents import opinion_input
    from review.models import Opinion

    case = make_case()
    lines = case.submission.assessment["energy"].pop("lines")
    case.submission.save(update_fields=["assessment"])
    opinion = Opinion(case=case, kind="approval", number="苏发改能审〔2026〕9号")
    opinion.issued_on = timezone.localdate()
    energy = document_context(opinion_input(opinion=opinion))["energy"]
    assert [row["equivalent_tce"] for row in energy["lines"]] == [
        _tce(line["equivalent_tce"]) for line in lines
    ]
    assert [row["equal_value_tce"] for row in energy["lines"]] == [
        _tce(line["equal_value_tce"]) for line in lines
    ]
    assert [row["name"] for row in energy["lines"]] == ["原煤", "电力", "天然气"]
