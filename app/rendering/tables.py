"""Registers and reports as plain tables: column definitions, rows as dicts, CSV and XLSX exports.

Rows map a column key to str, int, date, datetime (aware = converted to Vietnam time) or None.

Formula injection: a spreadsheet evaluates a cell that starts with =, +, - or @ (and some apps
also after a leading tab or carriage return). Subjects and names are typed by users, so such text
is never written as a formula: CSV prefixes it with an apostrophe (the OWASP advice; Excel and
LibreOffice show the rest as text), XLSX stores it as a string cell marked quotePrefix, with the
text unchanged.
"""
import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.rendering.formats import display_value, vietnam_time

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Row = Mapping[str, object]


@dataclass(frozen=True)
class Column:
    """One column of a register or report.

    `width_mm` sizes the printed and the XLSX column (None: share the rest / fit the text).
    `grouped`: whole numbers show thousands separators (4.129), as quantities should; set it to
    False for numbers that are identifiers, such as số đến, which are printed as written (4129).
    """

    key: str
    title: str
    width_mm: float | None = None
    grouped: bool = True


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


# --- CSV --------------------------------------------------------------------------------------

def to_csv(columns: Sequence[Column], rows: Iterable[Row]) -> bytes:
    """RFC 4180 CSV: comma-separated, fields quoted when needed, CRLF, UTF-8 with a BOM.

    The BOM is what makes Excel read the file as UTF-8 (without it Vietnamese letters turn into
    mojibake). The separator is a comma, not the semicolon that Excel expects under Vietnamese
    regional settings: a comma is what LibreOffice, Google Sheets, scripts and other systems read
    by default, and a "sep=" hint line would make Excel ignore the BOM. Users who work in Excel
    get the XLSX export, which has no separator question at all.

    Dates are written dd/mm/yyyy, times dd/mm/yyyy HH:mm in Vietnam time, numbers without
    thousands separators so that they stay numbers whatever the reader's locale.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(column.title) for column in columns])
    for row in rows:
        writer.writerow([_csv_value(row.get(column.key)) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value) -> str:
    if isinstance(value, str):
        return _csv_text(value)
    # Dates dd/mm/yyyy, our own numbers ungrouped ("-3" stays a number, never a formula).
    return display_value(value, grouped=False)


def _csv_text(text: str) -> str:
    return "'" + text if is_formula_like(text) else text


# --- XLSX -------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
INTEGER_FORMAT = "#,##0"  # shown with the reader's own separator: 4.129 under Vietnamese settings


def to_xlsx(columns: Sequence[Column], rows: Iterable[Row], *, title: str, sheet_name: str) -> bytes:
    """One worksheet: the header on row 1 (bold, frozen, with filter buttons), one row per row.

    The header stays on row 1, with no title row above it, so that sorting, filtering and pivot
    tables pick the table up without the user selecting a range. The title goes where it is
    still seen: the document properties and the printed page header (with "Trang X/Y" in the
    footer and the header row repeated on every printed page).

    Dates and times are real Excel dates (formatted dd/mm/yyyy, times in Vietnam time), numbers
    real numbers, text always text (never a formula).
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = safe_sheet_name(sheet_name)
    workbook.properties.title = title

    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        _set_text(cell, column.title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)

    longest = [len(column.title) for column in columns]
    row_count = 0
    for row_count, row in enumerate(rows, start=1):
        for index, column in enumerate(columns, start=1):
            value = row.get(column.key)
            if value is not None:
                _set_value(sheet.cell(row=row_count + 1, column=index), value, column.grouped)
                longest[index - 1] = max(longest[index - 1], _display_length(value))

    for index, column in enumerate(columns, start=1):
        width = _excel_width(column.width_mm) if column.width_mm else min(longest[index - 1] + 2, 60)
        sheet.column_dimensions[get_column_letter(index)].width = width

    if columns:
        last_column = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last_column}{row_count + 1}"
    sheet.freeze_panes = "A2"
    _set_print_layout(sheet, title)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_sheet_name(name: str) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, not empty."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in name).strip().strip("'")
    return cleaned[:31] or "Sheet1"


def _set_value(cell, value, grouped: bool) -> None:
    if isinstance(value, bool):
        _set_text(cell, "Có" if value else "Không")
    elif isinstance(value, datetime):
        # Excel has no time zones: write the Vietnam wall-clock time the user expects.
        cell.value = vietnam_time(value).replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = INTEGER_FORMAT if grouped else "0"
    elif isinstance(value, float | Decimal):
        cell.value = value
    else:
        _set_text(cell, str(value))


def _set_text(cell, text: str) -> None:
    """Store text as a string cell, whatever it starts with.

    openpyxl turns a str starting with "=" into a formula and "#N/A" into an error value;
    forcing the data type keeps user text inert. quotePrefix keeps it text even after the user
    edits the cell in Excel.
    """
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)  # control characters make the file unreadable
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def _display_length(value) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _excel_width(width_mm: float) -> float:
    """Excel column width (in widths of "0" in Calibri 11: 7 px + 5 px padding at 96 dpi)."""
    pixels = width_mm / 25.4 * 96
    return max(1.0, math.floor((pixels - 5) / 7 * 100) / 100)


def _set_print_layout(sheet, title: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    # "&" starts a control code in Excel headers; the text is limited to 255 characters.
    sheet.oddHeader.center.text = title.replace("&", "&&")[:200]
    sheet.oddHeader.center.font = "Times New Roman,Bold"
    sheet.oddFooter.center.text = "Trang &P/&N"
