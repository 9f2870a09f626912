"""The rendered documents: Chinese text with the figures, embedded subset fonts, a visible page,
the PAdES signature."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from review.models import Opinion
from tests.opinions.conftest import page_png, pdf_text

pytestmark = pytest.mark.django_db


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _tce(value: float) -> str:
    return f"{value:,.2f}"


_RENDERED: dict[str, tuple[Opinion, bytes, dict]] = {}


@pytest.fixture
def issued(make_case, issue):
    """kind -> (opinion, pdf bytes, frozen assessment); each kind is rendered once per module.

    Rendering costs about half a second, and these tests only read the result, so the first
    test needing a kind renders it for real and later ones reuse the bytes.
    """

    class Lazy(dict):
        def __missing__(self, kind: str) -> tuple[Opinion, bytes, dict]:
            if kind not in _RENDERED:
                case = make_case(kind)
                opinion = issue(case, kind)
                assert opinion.state == Opinion.State.READY, opinion.error
                data = Path(opinion.file.path).read_bytes()
                _RENDERED[kind] = (opinion, data, case.submission.assessment)
            return _RENDERED[kind]

    return Lazy()


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
    "能源消费情况",
    "原煤",
    "电力",
    "天然气",
    "当量值",
    "等价值",
    "计入能耗",
    "0.1229千克标准煤/千瓦时",
    "“两高”项目认定与审查路径",
    "能效水平",
    "水泥熟料单位产品综合能耗",
    "能耗等量减量替代",
    "文书核验",
    "抄送",
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
    ),
    "rejection": (
        "节能审查不予通过的通知",
        "不予通过的理由",
        "低于基准水平",
        "发改产业〔2021〕1609号",
        "行政复议",
    ),
    "deferral": (
        "节能审查缓批的通知",
        "缓批理由",
        "解除缓批的条件",
        "报国家发展改革委窗口指导",
        "方案（七）",
    ),
}


@pytest.mark.parametrize("kind", ["approval", "rejection", "deferral"])
def test_text_carries_labels_number_and_figures(issued, kind):
    opinion, data, assessment = issued[kind]
    text = _compact(pdf_text(data))
    for label in (*COMMON_LABELS, *KIND_LABELS[kind]):
        assert label in text, label
    assert opinion.number in text
    assert re.fullmatch(r"苏发改能审〔\d{4}〕[123]号", opinion.number)
    energy = assessment["energy"]
    for figure in ("equivalent_tce", "equal_value_tce", "counted_tce"):
        assert _tce(energy[figure]) in text, figure
    for line in energy["lines"]:
        assert _tce(line["equivalent_tce"]) in text
        assert _tce(line["equal_value_tce"]) in text
    assert str(opinion.token) in text
    issued_on = opinion.issued_on
    assert f"{issued_on.year}年{issued_on.month}月{issued_on.day}日" in text
    pages = len(PdfReader(io.BytesIO(data)).pages)
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in text


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


def test_fonts_are_embedded_as_subsets(issued):
    _, data, _ = issued["approval"]
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
            names.add(str(descriptor["/FontName"]))
    assert names
    for name in names:
        assert re.fullmatch(r"/[A-Z]{6}\+Noto-(Serif|Sans)-CJK-SC(-Bold)?", name), name
    assert any("Serif" in n for n in names)  # 宋体-like body


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
    from review.documents import opinion_document_context
    from review.models import Opinion

    case = make_case()
    lines = case.submission.assessment["energy"].pop("lines")
    case.submission.save(update_fields=["assessment"])
    opinion = Opinion(case=case, kind="approval", number="苏发改能审〔2026〕9号")
    opinion.issued_on = timezone.localdate()
    energy = opinion_document_context(opinion=opinion)["energy"]
    assert [row["equivalent_tce"] for row in energy["lines"]] == [
        _tce(line["equivalent_tce"]) for line in lines
    ]
    assert [row["equal_value_tce"] for row in energy["lines"]] == [
        _tce(line["equal_value_tce"]) for line in lines
    ]
    assert [row["name"] for row in energy["lines"]] == ["原煤", "电力", "天然气"]
