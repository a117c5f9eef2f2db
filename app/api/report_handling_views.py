"""The outgoing handling report and the kept monthly reports as JSON."""
from dataclasses import asdict
from pathlib import Path

from flask import current_app, g, jsonify, send_file, url_for
from flask_babel import gettext as _

from app.filestore import path_for
from app.reports.access import REPORT_ROLES
from app.reports.monthly import MonthRefused
from app.reports.monthly_listing import monthly_report_for, monthly_reports_for
from app.reports.outgoing_handling import build_outgoing_handling

from .auth import roles_required, token_required
from .blueprint import bp
from .errors import api_error_response
from .openapi import documented
from .report_handling_schemas import (
    MonthlyQuery,
    MonthlyReportsOut,
    OutgoingHandlingOut,
    OutgoingHandlingQuery,
)
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


@bp.route("/api/v1/reports/monthly")
@token_required
@roles_required(*REPORT_ROLES)
@documented("Báo cáo định kỳ tháng của các cơ quan (ký số bằng khóa của cơ quan), hoặc lý do chưa lập được",
            query=MonthlyQuery, response=MonthlyReportsOut)
def report_monthly(query: MonthlyQuery):
    try:
        rows = monthly_reports_for(g.api_user, query.month)
    except MonthRefused as refused:
        return api_error_response(400, str(refused))
    return jsonify(reports=[{
        "id": row.id, "agency_id": row.agency_id, "agency_code": row.agency.code, "agency_name": row.agency.name,
        "month": row.month, "done": row.done, "signed_at": row.signed_at.isoformat() if row.signed_at else None,
        "signer_subject": row.signer_subject, "sha256": row.file_sha256, "size": row.file_size,
        "failure": row.failure, "file_url": url_for("api.report_monthly_file", report_id=row.id) if row.done else None,
    } for row in rows])


@bp.route("/api/v1/reports/monthly/<int:report_id>/file")
@token_required
@roles_required(*REPORT_ROLES)
@documented("Tệp PDF đã ký số của một báo cáo định kỳ tháng", response="application/pdf", errors=(404,))
def report_monthly_file(report_id: int):
    row = monthly_report_for(g.api_user, report_id)
    if row is None:
        return api_error_response(404, _("Không tìm thấy báo cáo."))
    return send_file(path_for(Path(current_app.config["FILES_DIR"]), row.file_sha256), mimetype="application/pdf",
                     download_name=f"bao-cao-dinh-ky-{row.agency.code}-{row.month}.pdf", as_attachment=True)
