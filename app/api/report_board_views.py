"""The outgoing timeline board as JSON: the same request, scope, filters and rows as Theo dõi văn bản đi."""
from flask import g, jsonify, request
from flask_babel import gettext as _

from app.reports.access import BOARD_ROLES, AgencyNotVisible
from app.reports.board import BoardDocument, build_board, read_board_request
from app.reports.periods import PeriodRefused

from .auth import roles_required, token_required
from .blueprint import bp
from .errors import api_error_response
from .openapi import documented
from .report_board_schemas import OutgoingTimelineOut, OutgoingTimelineQuery
from .report_views import _period_json


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _document_json(document: BoardDocument) -> dict:
    hidden = document.subject is None  # a secret document the caller may not open: no recipient's words either
    return {
        "id": document.id, "symbol": document.symbol, "document_date": _iso(document.document_date),
        "released_at": document.released_at.isoformat(), "subject": document.subject, "secrecy": document.secrecy,
        "urgency": document.urgency, "stage": document.stage, "slow": document.slow,
        "incomplete": document.incomplete,
        "recipients": [{
            "code": r.status.code, "name": r.status.name, "internal": r.status.internal, "status": r.status.status_code,
            "at": _iso(r.status.at), "outbox_state": r.status.outbox_state,
            "steps": {code: at.isoformat() for code, at in r.steps.items()},
            "timeline": [{"code": s.code, "at": s.at.isoformat(), "note": None if hidden else (s.note or None)}
                         for s in r.status.timeline],
            "slow": r.status.slow, "incomplete": r.incomplete} for r in document.recipients]}


@bp.route("/api/v1/reports/outgoing-timeline")
@token_required
@roles_required(*BOARD_ROLES)
@documented("Theo dõi văn bản đi: văn bản đã phát hành trong kỳ, từng nơi nhận (trong hệ thống và qua trục) với "
            "thời điểm trạng thái 01–06, cảnh báo chậm tiếp nhận và chưa hoàn thành",
            query=OutgoingTimelineQuery, response=OutgoingTimelineOut, errors=(404,))
def report_outgoing_timeline(query: OutgoingTimelineQuery):
    try:
        asked = read_board_request(request.args, g.api_user)
    except AgencyNotVisible:
        return api_error_response(404, _("Không tìm thấy cơ quan, đơn vị."))
    except PeriodRefused as refused:
        return api_error_response(400, str(refused))
    board = build_board(asked.period, asked.agency_id, asked.filters, actor=g.api_user, page=query.page,
                        per_page=query.per_page)
    return jsonify(period=_period_json(board.period), agency_id=board.agency_id,
                   items=[_document_json(d) for d in board.page.items], total=board.page.total,
                   page=board.page.page, pages=board.page.pages,
                   recipients=[{"code": code, "name": name} for code, name in board.recipient_choices])
