"""Theo dõi văn bản đi: the board page and its downloads (on the reports blueprint)."""
from flask import abort, render_template, request

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.models import Agency
from app.extensions import db
from app.web.refusals import BadInput
from app.web.routing import bounded_int

from .access import BOARD_ROLES, AgencyNotVisible, reads_board
from .board import board_documents, build_board, read_board_request
from .board_table import board_columns, board_rows
from .exports import FORMATS, download
from .periods import KINDS, PeriodRefused
from .views import OUTPUT_ARG, bp


@bp.route("/bao-cao/theo-doi-van-ban-di")
@role_required(*BOARD_ROLES)
def outgoing_board():
    actor = signed_in_user()
    output = request.args.get(OUTPUT_ARG)
    error = None
    try:
        asked = read_board_request(request.args, actor)
    except AgencyNotVisible:
        abort(404)
    except PeriodRefused as refused:
        if output in FORMATS:  # a download cannot carry the warning
            raise BadInput(str(refused)) from None
        asked, error = read_board_request({}, actor), str(refused)
    agency = actor.agency if asked.agency_id == actor.agency_id else db.session.get(Agency, asked.agency_id)
    agency_name = agency.name
    if output in FORMATS:
        documents = board_documents(asked.period, asked.agency_id, asked.filters, actor=actor)
        return download(output=output, title="THEO DÕI VĂN BẢN ĐI", name="theo-doi-van-ban-di",
                        columns=board_columns(), rows=board_rows(documents), period=asked.period,
                        agency_name=agency_name)
    board = build_board(asked.period, asked.agency_id, asked.filters, actor=actor,
                        page=request.args.get("page", 1, type=bounded_int) or 1)
    return render_template("reports/board.html", board=board, asked=asked, error=error, kinds=KINDS,
                           heading=agency_name, output_arg=OUTPUT_ARG)


@bp.app_context_processor
def board_words():
    return {"reads_board": reads_board}
