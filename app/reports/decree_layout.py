"""The two reports Decree 30 requires ("Báo cáo tình hình giải quyết văn bản đến / đi") in its layout:
Quốc hiệu, agency, "Số: …/BC-<short name>", place and date, title with the period, the tables, Nơi nhận
and the signer's block (print/decree_report.html), as the PDF export and the monthly report's pages."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.rendering.formats import display_value, period_text
from app.rendering.jinja import TemplateRenderer, environment_renderer
from app.rendering.tables import Column

TEMPLATE = "print/decree_report.html"
INCOMING_SUBJECT = "Tình hình giải quyết văn bản đến"
OUTGOING_SUBJECT = "Tình hình giải quyết văn bản đi"
BOTH_SUBJECT = "Tình hình giải quyết văn bản đến, văn bản đi"
FIRST_COLUMN_MM = 42.0
RECIPIENTS = ("Văn phòng Ủy ban nhân dân tỉnh (để báo cáo)", "Lưu: VT")
SIGNER_POSITION = "Thủ trưởng cơ quan"


@dataclass(frozen=True)
class Section:
    heading: str
    columns: Sequence[Column]
    rows: Sequence[dict]  # the last row is the total


@dataclass(frozen=True)
class Letterhead:
    agency_name: str
    short_name: str
    place: str
    parent_agency: str | None = None


def report_symbol(short_name: str) -> str:
    return f"BC-{short_name}" if short_name else "BC"


def decree_report_html(letterhead: Letterhead, *, subject: str, start: date, end: date,
                       sections: Sequence[Section], issued_on: date | None = None,
                       render: TemplateRenderer | None = None) -> str:
    render = render if render is not None else environment_renderer()
    return render(TEMPLATE, agency_name=letterhead.agency_name, parent_agency=letterhead.parent_agency,
                  symbol=report_symbol(letterhead.short_name), place=letterhead.place, issued_on=issued_on,
                  subject=subject, period_text=period_text(start, end), recipients=list(RECIPIENTS),
                  authority=None, signer_position=SIGNER_POSITION, signer_name="",
                  sections=[_section(section) for section in sections])


def render_decree_report(letterhead: Letterhead, **kwargs) -> bytes:
    """The report as PDF (WeasyPrint, imported here: the pages without a PDF never pay for it)."""
    from app.rendering.pdf import render_pdf

    return render_pdf(decree_report_html(letterhead, **kwargs))


def _section(section: Section) -> dict:
    columns = list(section.columns)
    cells = [[display_value(row.get(column.key), column.grouped) for column in columns] for row in section.rows]
    return {"heading": section.heading, "columns": columns, "cells": cells,
            "widths_mm": [FIRST_COLUMN_MM] + [None] * (len(columns) - 1)}
