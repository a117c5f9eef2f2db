"""The Decree 30 document template: A4 portrait, header texts, and where the signature goes."""
from datetime import date

import flask
import pytest

from app.rendering.jinja import TEMPLATES_DIR
from app.rendering.pdf import RenderedPdf, render_pdf_document, signature_block_position

from .inspect_pdf import box_text, element_boxes, margin_text, page_size, pdf_pages

A4_PORTRAIT = (595.28, 841.89)
MM = 72 / 25.4


def render_letter(render, context) -> RenderedPdf:
    return render_pdf_document(render("print/official_letter.html", **context))


def test_letter_is_one_a4_portrait_page(render, letter_context):
    rendered = render_letter(render, letter_context)
    pages = pdf_pages(rendered.pdf)
    assert len(pages) == 1
    assert page_size(pages[0]) == pytest.approx(A4_PORTRAIT, abs=0.1)
    assert rendered.refused_urls == []


def test_header_follows_decree_30(render, letter_context):
    html = render("print/official_letter.html", **letter_context)
    assert "Số: 12/SNV-VP" in html
    assert "V/v triển khai hệ thống quản lý văn bản điện tử liên thông" in html  # công văn
    assert "Yên Bái, ngày 05 tháng 11 năm 2026" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert "- Như trên;" in html and "- Lưu: VT, VP." in html

    page = render_letter(render, letter_context).document.pages[0]
    paragraphs = [box_text(box) for box in element_boxes(page, "p")]
    # text-transform: the capitals are in the layout, the template keeps the data as typed.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in paragraphs
    assert "SỞ NỘI VỤ" in paragraphs
    assert "KT. GIÁM ĐỐC" in paragraphs
    assert margin_text(page, "@top-center") == ""  # no page number on page 1


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 3), "ngày 03 tháng 02 năm 2026"),  # leading zero: day < 10, months 1 and 2
    (date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
    (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
])
def test_date_line(render, letter_context, day, expected):
    html = render("print/official_letter.html", **{**letter_context, "issued_on": day})
    assert f"Yên Bái, {expected}" in html


def test_number_and_date_may_be_left_blank_for_issuing_after_signing(render, letter_context):
    context = {**letter_context, "number": None, "issued_on": None}
    html = render("print/official_letter.html", **context)
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/SNV-VP" in html
    assert "ngày\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0tháng" in html


def test_optional_keys_may_be_omitted_and_a_named_type_gets_a_title(render, letter_context):
    context = {key: value for key, value in letter_context.items()
               if key not in ("parent_agency", "number", "issued_on", "addressees", "authority")}
    context["type_name"] = "Quyết định"
    page = render_letter(render, context).document.pages[0]
    paragraphs = [box_text(box) for box in element_boxes(page, "p")]
    assert "QUYẾT ĐỊNH" in paragraphs
    assert not any(text.startswith("V/v") for text in paragraphs)


def test_user_text_is_escaped(render, letter_context):
    context = {**letter_context, "subject": '<img src="file:///etc/passwd">'}
    html = render("print/official_letter.html", **context)
    assert "<img" not in html and "&lt;img" in html


def test_signature_block_position_on_a_one_page_letter(render, letter_context):
    document = render_letter(render, letter_context).document
    page_index, x, y, width, height = signature_block_position(document)
    assert page_index == 0
    assert (width, height) == pytest.approx((70 * MM, 35 * MM), abs=0.01)  # the CSS size
    page_width, page_height = A4_PORTRAIT
    # In the signer's (right) column, inside the printable area, above the bottom margin.
    assert page_width / 2 < x + width / 2 < page_width - 15 * MM
    assert x + width <= page_width - 15 * MM + 0.01
    assert 20 * MM < y < page_height / 2


def test_signature_block_follows_the_text_onto_a_later_page(render, letter_context):
    context = {**letter_context, "paragraphs": letter_context["paragraphs"] * 12}
    rendered = render_letter(render, context)
    pages = rendered.document.pages
    assert len(pages) >= 2
    block = signature_block_position(rendered.document)
    assert block.page_index == len(pages) - 1 > 0
    assert margin_text(pages[1], "@top-center") == "2"  # Decree 30: numbers from page 2, top centre
    texts = [box_text(box) for box in element_boxes(pages[block.page_index], "p")]
    assert "Nguyễn Thị Hằng" in texts  # the signer's name stays with the block
    # Decree 30: the signature page carries some of the text, never the signature alone.
    assert any(text.startswith(("Thực hiện", "Trong quá trình")) for text in texts)


def test_signature_block_position_converts_to_pdf_coordinates():
    html = """<html><head><style>@page { size: A4; margin: 0 }</style></head><body>
      <p>Trang một</p>
      <div style="break-before: page"></div>
      <div id="stamp" style="position: absolute; left: 100pt; top: 200pt; width: 150pt; height: 50pt"></div>
    </body></html>"""
    document = render_pdf_document(html).document
    page_index, x, y, width, height = signature_block_position(document, "stamp")
    assert page_index == 1
    assert (x, width, height) == pytest.approx((100, 150, 50), abs=0.01)
    assert y == pytest.approx(A4_PORTRAIT[1] - 200 - 50, abs=0.01)  # measured from the bottom edge


def test_missing_or_split_signature_block_is_an_error():
    document = render_pdf_document("<p>Không có chỗ ký</p>").document
    with pytest.raises(LookupError):
        signature_block_position(document)
    lines = "".join(f"<p>Dòng {number}</p>" for number in range(80))
    split = render_pdf_document(f'<div id="sig-block">{lines}</div>')
    with pytest.raises(ValueError, match="split"):
        signature_block_position(split.document)


def test_flask_render_template_renders_the_letter_too(letter_context):
    app = flask.Flask(__name__, template_folder=str(TEMPLATES_DIR))
    with app.app_context():
        html = flask.render_template("print/official_letter.html", **letter_context)
    assert "Yên Bái, ngày 05 tháng 11 năm 2026" in html and 'id="sig-block"' in html
    assert signature_block_position(render_pdf_document(html).document).page_index == 0
