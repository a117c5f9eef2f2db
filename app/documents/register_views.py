"""Sổ văn bản pages: the incoming, tracking and outgoing registers for a period, as HTML, PDF, CSV and XLSX."""

from flask import Blueprint, Response, abort, render_template, request

from app.auth.decorators import allowed_when
from app.auth.session import signed_in_user
from app.rendering.formats import period_text
from app.rendering.registers import render_register_pdf
from app.rendering.tables import to_csv, to_xlsx
from app.vietnam_time import parse_day_or_none, unreadable_day, vietnam_today
from app.web.refusals import day_refused
from app.web.routing import bounded_int

from .access import reads_registers
from .registers import KINDS, build_register, register_agencies, register_books

bp = Blueprint("registers", __name__)
MAX_DAYS = 366
FORMATS = {"pdf": "application/pdf", "csv": "text/csv",  # Werkzeug appends the charset to text types
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/so-van-ban/den")
@allowed_when(reads_registers)
def incoming_register():
    return _register_page("incoming", "den", "registers.incoming_register")


@bp.route("/so-van-ban/di")
@allowed_when(reads_registers)
def outgoing_register():
    return _register_page("outgoing", "di", "registers.outgoing_register")


def _register_page(direction: str, default_kind: str, endpoint: str):
    actor = signed_in_user()
    kinds = {key: kind for key, kind in KINDS.items() if kind.direction == direction}
    kind = request.args.get("loai") if request.args.get("loai") in kinds else default_kind
    today = vietnam_today()
    start = parse_day_or_none(request.args.get("from")) or today.replace(day=1)
    end = parse_day_or_none(request.args.get("to")) or today
    output = request.args.get("dinh-dang", "")
    error = None
    if unreadable_day(request.args.get("from")) or unreadable_day(request.args.get("to")):
        if output in FORMATS:  # a download cannot carry the warning: refuse rather than send another period
            raise day_refused()
        error = day_refused().detail
    if end < start:
        start, end = end, start
    if (end - start).days > MAX_DAYS:
        error = "Khoảng thời gian tối đa một năm."
        start = end.replace(year=end.year - 1)
    agencies = register_agencies(actor)
    wanted = request.args.get("co_quan", type=bounded_int)
    agency = next((a for a in agencies if a.id == wanted), None) or next(
        (a for a in agencies if a.id == actor.agency_id), agencies[0])
    books = register_books(actor, agency, direction)
    book = next((b for b in books if b.code == request.args.get("so")), books[0] if books else None)
    register = build_register(kind, actor, book, start, end) if book else None
    if output in FORMATS:
        if register is None:
            abort(404)
        return _download(register, kind, output, agency.name)
    return render_template("documents/register.html", register=register, books=books, kind=kind, kinds=kinds,
                           endpoint=endpoint, error=error, period=period_text(start, end), agency=agency,
                           agencies=agencies, start=start, end=end)


def _download(register, kind: str, output: str, agency_name: str) -> Response:
    name = f"so-{kind}-{register.book.code}-{register.start:%Y%m%d}-{register.end:%Y%m%d}.{output}"
    if output == "pdf":
        body = render_register_pdf(title=register.title, agency_name=agency_name,
                                   period_text=period_text(register.start, register.end),
                                   columns=register.columns, rows=register.rows, render=render_template)
    elif output == "csv":
        body = to_csv(register.columns, register.rows)
    else:
        body = to_xlsx(register.columns, register.rows, title=register.title, sheet_name=register.book.name)
    return Response(body, mimetype=FORMATS[output],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
