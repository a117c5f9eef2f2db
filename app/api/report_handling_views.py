"""The outgoing handling report and the kept monthly reports as JSON."""
from dataclasses import asdict

from flask import jsonify

from app.reports.access import REPORT_ROLES
from app.reports.outgoing_handling import build_outgoing_handling

from .auth import roles_required, token_required
from .blueprint import bp
from .openapi import documented
from .report_handling_schemas import OutgoingHandlingOut, OutgoingHandlingQuery
from .report_views import _asked, _period_json


@bp.route("/api/v1/reports/outgoing-handling")
@token_required
@roles_required(*REPORT_ROLES)
@documented("Tình hình giải quyết văn bản đi: phát hành, ký số, gửi điện tử, qua trục; nơi nhận tiếp nhận đúng hạn, "
            "chậm tiếp nhận, hoàn thành; theo cơ quan hoặc đơn vị soạn thảo", query=OutgoingHandlingQuery,
            response=OutgoingHandlingOut, errors=(404,))
def report_outgoing_handling(query: OutgoingHandlingQuery):
    asked, refusal = _asked()
    if refusal is not None:
        return refusal
    report = build_outgoing_handling(asked.period, asked.agency_ids, asked.group, asked.department_id)
    return jsonify(period=_period_json(report.period), group=report.group,
                   rows=[asdict(row) for row in report.rows], total=asdict(report.total))
