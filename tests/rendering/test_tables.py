"""CSV and XLSX exports: Vietnamese text intact, real dates, and no formula from user text."""
import csv
import io
import zipfile
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from app.rendering.tables import Column, safe_sheet_name, to_csv, to_xlsx

COLUMNS = [
    Column("so_den", "Số đến", 16, grouped=False),
    Column("ngay_den", "Ngày đến", 22),
    Column("trich_yeu", "Trích yếu"),
    Column("han_xu_ly", "Hạn xử lý"),
    Column("ghi_chu", "Ghi chú"),
]
ROWS = [
    {"so_den": 4129, "ngay_den": date(2026, 10, 5), "trich_yeu": "V/v tổ chức Hội nghị, \"tổng kết\" năm 2026",
     "han_xu_ly": datetime(2026, 10, 20, 10, 0, tzinfo=timezone.utc), "ghi_chu": None},
    {"so_den": 2, "ngay_den": date(2026, 10, 6), "trich_yeu": "Dòng một\nDòng hai",
     "han_xu_ly": None, "ghi_chu": "Đã xử lý"},
]
INJECTIONS = ["=HYPERLINK(\"http://evil.invalid\",\"Bấm vào\")", "+1+2", "-2+3", "@SUM(A1:A2)",
              "\t=1+1", "\r=1+1"]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- CSV ----------------------------------------------------------------------------------------

def test_csv_starts_with_a_bom_and_round_trips_vietnamese():
    data = to_csv(COLUMNS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = read_csv(data)
    assert rows[0] == ["Số đến", "Ngày đến", "Trích yếu", "Hạn xử lý", "Ghi chú"]
    assert rows[1] == ["4129", "05/10/2026", "V/v tổ chức Hội nghị, \"tổng kết\" năm 2026",
                       "20/10/2026 17:00", ""]
    assert rows[2] == ["2", "06/10/2026", "Dòng một\nDòng hai", "", "Đã xử lý"]


def test_csv_neutralises_formulas_in_user_text():
    rows = read_csv(to_csv([Column("text", "=Tiêu đề")], [{"text": value} for value in INJECTIONS]))
    assert rows[0] == ["'=Tiêu đề"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in INJECTIONS]


def test_csv_keeps_numbers_and_harmless_text_as_they_are():
    rows = read_csv(to_csv([Column("value", "Giá trị")], [{"value": -3}, {"value": "Số 12"}, {"value": "a=b"}]))
    assert [row[0] for row in rows[1:]] == ["-3", "Số 12", "a=b"]


# --- XLSX ---------------------------------------------------------------------------------------

def load(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_xlsx_header_is_bold_frozen_and_filterable():
    data = to_xlsx(COLUMNS, ROWS, title="SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", sheet_name="Văn bản đến")
    sheet = load(data)
    assert sheet.title == "Văn bản đến"
    assert [cell.value for cell in sheet[1]] == [column.title for column in COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.oddHeader.center.text == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert load_workbook(io.BytesIO(data)).properties.title == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"


def test_xlsx_values_keep_their_types():
    sheet = load(to_xlsx(COLUMNS, ROWS, title="Sổ", sheet_name="Sổ"))
    number, day, subject, deadline, note = sheet[2]
    assert number.value == 4129 and number.data_type == "n" and number.number_format == "0"
    assert day.is_date and day.value == datetime(2026, 10, 5) and day.number_format == "dd/mm/yyyy"
    assert deadline.is_date and deadline.value == datetime(2026, 10, 20, 17, 0)  # Vietnam time
    assert deadline.number_format == "dd/mm/yyyy hh:mm"
    assert subject.value == "V/v tổ chức Hội nghị, \"tổng kết\" năm 2026"
    assert note.value is None
    assert sheet["C3"].value == "Dòng một\nDòng hai"


def test_xlsx_groups_quantities():
    sheet = load(to_xlsx([Column("count", "Số lượng")], [{"count": 4129}], title="Sổ", sheet_name="Sổ"))
    assert sheet["A2"].value == 4129 and sheet["A2"].number_format == "#,##0"


def test_xlsx_writes_formula_like_text_as_text():
    rows = [{"text": value} for value in [*INJECTIONS, "#N/A"]]
    data = to_xlsx([Column("text", "=Tiêu đề")], rows, title="Sổ", sheet_name="Sổ")
    sheet = load(data)
    values = [cell.value for (cell,) in sheet.iter_rows(min_row=2)]
    assert values == [*INJECTIONS, "#N/A"]  # unchanged text...
    assert all(cell.data_type == "s" for (cell,) in sheet.iter_rows())  # ...in string cells
    assert sheet["A1"].value == "=Tiêu đề" and sheet["A1"].data_type == "s"
    assert sheet["A2"].quotePrefix  # stays text when edited in Excel
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_xlsx_column_widths():
    sheet = load(to_xlsx(COLUMNS, ROWS, title="Sổ", sheet_name="Sổ"))
    # 16 mm ≈ 60 px ≈ 7.9 widths of "0"; 22 mm ≈ 83 px ≈ 11.2.
    assert sheet.column_dimensions["A"].width == pytest.approx(7.9, abs=0.2)
    assert sheet.column_dimensions["B"].width == pytest.approx(11.2, abs=0.2)
    # Without a width: fitted to the longest text (+2).
    assert sheet.column_dimensions["C"].width == len(ROWS[0]["trich_yeu"]) + 2


def test_xlsx_drops_control_characters_and_cleans_the_sheet_name():
    sheet = load(to_xlsx([Column("text", "Nội dung")], [{"text": "Báo\x00 cáo\x1b"}],
                         title="Sổ", sheet_name="Sổ [2026]: quý 1/2 *tạm*?"))
    assert sheet["A2"].value == "Báo cáo"
    assert sheet.title == "Sổ  2026   quý 1 2  tạm"[:31]


def test_safe_sheet_name():
    assert safe_sheet_name("") == "Sheet1"
    assert safe_sheet_name("'Sổ'") == "Sổ"
    assert len(safe_sheet_name("Sổ đăng ký văn bản đến năm 2026 của Văn phòng")) == 31
