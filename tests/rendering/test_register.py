"""Registers on A4 landscape: the header row on every page, "Trang X/Y", widths from the columns."""
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone

import flask
import pytest

from app.rendering.formats import period_text
from app.rendering.jinja import TEMPLATES_DIR
from app.rendering.pdf import render_pdf_document
from app.rendering.registers import fitted_widths, register_html, render_register_pdf
from app.rendering.tables import Column

from .inspect_pdf import box_lines, box_text, element_boxes, margin_text, page_size, pdf_pages

A4_LANDSCAPE = (841.89, 595.28)
PX_PER_MM = 96 / 25.4

COLUMNS = [
    Column("so_den", "Số đến", 16, grouped=False),
    Column("so_trang", "Số trang", 16),
    Column("ngay_den", "Ngày đến", 22),
    Column("so_ky_hieu", "Số/ký hiệu", 30),
    Column("co_quan", "Cơ quan ban hành", 45),
    Column("trich_yeu", "Trích yếu"),
    Column("han_xu_ly", "Hạn xử lý", 24),
    Column("nguoi_xu_ly", "Người xử lý", 35),
]
TITLES = [column.title for column in COLUMNS]


def incoming_rows(count: int, first: int = 1) -> list[dict]:
    return [{
        "so_den": number,
        "ngay_den": date(2026, 10, 1) + timedelta(days=number % 30),
        "so_trang": number * 10,
        "so_ky_hieu": f"{number}/UBND-VP",
        "co_quan": "Ủy ban nhân dân huyện Văn Chấn",
        "trich_yeu": "V/v triển khai kế hoạch cải cách hành chính năm 2026 " * (1 + number % 3),
        "han_xu_ly": datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc),
        "nguoi_xu_ly": "Nguyễn Văn Đức\nTrần Thị Ánh",
    } for number in range(first, first + count)]


REGISTER = {
    "title": "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
    "agency_name": "Văn phòng Ủy ban nhân dân tỉnh Yên Bái",
    "period_text": period_text(date(2026, 10, 1), date(2026, 10, 31)),
    "columns": COLUMNS,
}


@pytest.fixture(scope="module")
def long_register():
    """200 rows: the PDF and the layout it was written from."""
    return render_pdf_document(register_html(**REGISTER, rows=incoming_rows(200)))


def test_register_pages_are_a4_landscape(long_register):
    pages = pdf_pages(long_register.pdf)
    assert len(pages) == len(long_register.document.pages) > 3
    for page in pages:
        assert page_size(page) == pytest.approx(A4_LANDSCAPE, abs=0.1)


def test_every_page_repeats_the_header_row_and_all_rows_appear_once(long_register):
    first_cells = []
    for page in long_register.document.pages:
        headers = [box_text(box) for box in element_boxes(page, "th")]
        assert headers == TITLES
        first_cells += [box_text(row.children[0]) for row in element_boxes(page, "tr")[1:]]
    assert first_cells == [str(number) for number in range(1, 201)]


def test_title_and_period_on_the_first_page_page_numbers_on_all(long_register):
    pages = long_register.document.pages
    first_page_text = [box_text(box) for box in element_boxes(pages[0], "p") + element_boxes(pages[0], "h1")]
    assert "VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH YÊN BÁI" in first_page_text
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in first_page_text
    assert "Từ ngày 01/10/2026 đến ngày 31/10/2026" in first_page_text
    for number, page in enumerate(pages, start=1):
        assert margin_text(page, "@bottom-right") == f"Trang {number}/{len(pages)}"


def test_cells_are_formatted_for_print():
    document = render_pdf_document(register_html(**REGISTER, rows=incoming_rows(1, first=4129))).document
    row = element_boxes(document.pages[0], "tr")[1]
    cells = [box_text(cell) for cell in row.children]
    assert cells[0] == "4129"  # số đến is an identifier: grouped=False
    assert cells[1] == "41.290"  # a quantity
    assert cells[2] == "20/10/2026"
    assert cells[6] == "02/11/2026 16:30"  # 09:30 UTC shown in Vietnam time
    assert box_lines(row.children[7]) == ["Nguyễn Văn Đức", "Trần Thị Ánh"]  # the line break is kept


def test_column_widths_come_from_the_column_definitions(long_register):
    headers = element_boxes(long_register.document.pages[0], "th")
    for column, header in zip(COLUMNS, headers, strict=True):
        if column.width_mm:
            assert header.border_width() == pytest.approx(column.width_mm * PX_PER_MM, abs=1)
    # The column without a width takes the rest of the 297 - 25 - 15 = 257 mm line.
    assert sum(header.border_width() for header in headers) == pytest.approx(257 * PX_PER_MM, abs=2)


def test_widths_too_wide_for_the_page_are_scaled_to_fit():
    # 286 mm asked for, 257 mm available, and one column without a width.
    columns = [Column(f"c{index}", f"Cột {index}", width) for index, width in
               enumerate([22, 14, 38, 26, 20, 70, 34, 20, 18, 24, None])]
    assert fitted_widths(columns)[:2] == [pytest.approx(22 * 237 / 286, abs=0.01),
                                          pytest.approx(14 * 237 / 286, abs=0.01)]
    html = register_html(**{**REGISTER, "columns": columns}, rows=[{"c0": "x"}])
    headers = element_boxes(render_pdf_document(html).document.pages[0], "th")
    right_edge = headers[-1].border_box_x() + headers[-1].border_width()
    assert right_edge == pytest.approx((297 - 15) * PX_PER_MM, abs=2)  # at the right margin, not beyond
    assert headers[-1].border_width() == pytest.approx(20 * PX_PER_MM, abs=2)
    assert fitted_widths(COLUMNS) == [column.width_mm for column in COLUMNS]  # fitting ones stay


def test_an_empty_register_says_so(render):
    html = register_html(**REGISTER, rows=[], render=render)
    assert "Không có dữ liệu trong kỳ này." in html
    assert render_register_pdf(**REGISTER, rows=[]).startswith(b"%PDF-")


def test_flask_render_template_renders_the_same_templates():
    app = flask.Flask(__name__, template_folder=str(TEMPLATES_DIR))
    with app.app_context():
        html = register_html(**REGISTER, rows=incoming_rows(2), render=flask.render_template)
        pdf = render_register_pdf(**REGISTER, rows=incoming_rows(2), render=flask.render_template)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in html and "1/UBND-VP" in html
    assert page_size(pdf_pages(pdf)[0]) == pytest.approx(A4_LANDSCAPE, abs=0.1)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdftotext_sees_the_header_on_every_page(long_register, tmp_path):
    path = tmp_path / "register.pdf"
    path.write_bytes(long_register.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) == len(long_register.document.pages)
    for number, page in enumerate(pages, start=1):
        assert "Cơ quan ban hành" in page
        assert f"Trang {number}/{len(pages)}" in page


def test_dates_never_break_inside_even_when_the_columns_are_scaled(tmp_path):
    from app.documents.registers import INCOMING_COLUMNS

    row = {"received_at": datetime(2026, 11, 13, 2, 5, tzinfo=timezone.utc), "arrival_number": "0012",
           "issuer": "UBND huyện Văn Chấn", "symbol": "125/UBND-VP", "document_date": date(2026, 11, 13),
           "type_subject": "Công văn V/v triển khai kế hoạch", "transferred_at": date(2026, 11, 13)}
    document = render_pdf_document(register_html(**{**REGISTER, "columns": INCOMING_COLUMNS}, rows=[row])).document
    cells = element_boxes(document.pages[0], "tr")[1].children
    by_key = {column.key: cell for column, cell in zip(INCOMING_COLUMNS, cells, strict=True)}
    assert box_lines(by_key["document_date"]) == ["13/11/2026"]
    assert box_lines(by_key["transferred_at"]) == ["13/11/2026"]
    assert box_lines(by_key["received_at"])[0] == "13/11/2026"  # the time may go below, the date stays whole
    pdf = tmp_path / "register.pdf"
    pdf.write_bytes(render_register_pdf(**{**REGISTER, "columns": INCOMING_COLUMNS}, rows=[row]))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert text.count("13/11/2026") == 3


def test_floors_take_room_from_the_other_columns():
    columns = [Column("a", "A", 20), Column("b", "B", 100), Column("c", "C", 180)]
    widths = fitted_widths(columns, line_mm=150, floors=[25, 0, 0])
    assert widths[0] == 25 and sum(widths) == pytest.approx(150, abs=0.02)
    assert widths[1] / widths[2] == pytest.approx(100 / 180, abs=0.001)
