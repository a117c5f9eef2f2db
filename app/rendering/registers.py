"""Registers and reports as A4 landscape PDFs (print/register.html)."""
from collections.abc import Iterable, Sequence
from datetime import date

from app.rendering.formats import display_value
from app.rendering.jinja import TemplateRenderer, environment_renderer
from app.rendering.pdf import render_pdf
from app.rendering.tables import Column, Row

REGISTER_TEMPLATE = "print/register.html"

# The table's line on A4 landscape: 297 mm less the 25 mm and 15 mm side margins of print/base.html.
LANDSCAPE_LINE_MM = 257.0
# What a column without a width keeps at least when the widths are fitted.
MIN_FREE_COLUMN_MM = 20.0
# "13/11/2026" in 11 pt Times (≈ 17.7 mm) plus the cell's padding and borders.
DATE_COLUMN_MM = 21.0


def fitted_widths(columns: Sequence[Column], line_mm: float = LANDSCAPE_LINE_MM,
                  floors: Sequence[float] = ()) -> list[float | None]:
    """The columns' widths in mm, scaled down together when they would not fit on the line.

    With a fixed table layout, widths that add up to more than the line push the table past the
    right edge of the paper; scaling keeps the proportions the register designer chose. Columns
    without a width stay None (they share what is left, at least MIN_FREE_COLUMN_MM each). A column
    is never scaled below its floor (`floors`, by position: dates): the others give up the room.
    """
    floors = list(floors) + [0.0] * (len(columns) - len(floors))
    free_columns = sum(1 for column in columns if not column.width_mm)
    room = line_mm - free_columns * MIN_FREE_COLUMN_MM
    held: dict[int, float] = {}
    while True:
        scaled = {i: column.width_mm for i, column in enumerate(columns) if column.width_mm and i not in held}
        left = room - sum(held.values())
        given = sum(scaled.values())
        scale = left / given if given > left > 0 else 1.0
        newly = {i: floors[i] for i, width in scaled.items() if width * scale < floors[i]}
        if not newly:
            break
        held.update(newly)
    return [round(held[i] if i in held else column.width_mm * scale, 2) if column.width_mm else None
            for i, column in enumerate(columns)]


def register_html(*, title: str, agency_name: str, period_text: str, columns: Sequence[Column],
                  rows: Iterable[Row], render: TemplateRenderer | None = None) -> str:
    """The register page as HTML; cells are formatted here (dd/mm/yyyy, 4.129) so the template
    needs no Flask filters. Columns holding dates are kept wide enough for one and never break inside it."""
    render = render if render is not None else environment_renderer()
    rows = list(rows)
    dated = [any(isinstance(row.get(column.key), date) for row in rows) for column in columns]
    cells = [[display_value(row.get(column.key), column.grouped) for column in columns] for row in rows]
    return render(REGISTER_TEMPLATE, title=title, agency_name=agency_name, period_text=period_text,
                  columns=list(columns), cells=cells, date_columns=dated,
                  widths_mm=fitted_widths(columns, floors=[DATE_COLUMN_MM if d else 0.0 for d in dated]))


def render_register_pdf(*, title: str, agency_name: str, period_text: str, columns: Sequence[Column],
                        rows: Iterable[Row], render: TemplateRenderer | None = None) -> bytes:
    """The register as PDF. `render` is `flask.render_template` inside a request, or by default a
    plain Jinja environment (no application context needed)."""
    return render_pdf(register_html(title=title, agency_name=agency_name, period_text=period_text,
                                    columns=columns, rows=rows, render=render))
