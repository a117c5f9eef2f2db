"""Reports as JSON: the same requests, scope and numbers as the Báo cáo pages."""
from dataclasses import asdict

from flask import g, jsonify, request
from flask_babel import gettext as _

from app.reports.access import REPORT_ROLES, AgencyNotVisible
from app.reports.performance import build_performance
from app.reports.periods import PeriodRefused
from app.reports.requests import read_report_request
from app.reports.statistics import build_statistics

from .auth import roles_required, token_required
from .blueprint import bp
from .errors import api_error_response
from .openapi import documented
from .report_schemas import PerformanceOut, PerformanceQuery, ReportQuery, StatisticsOut


def _period_json(period) -> dict:
    return {"kind": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat(),
            "label": period.label}


def _asked():
    try:
        return read_report_request(request.args, g.api_user), None
    except AgencyNotVisible:
        return None, api_error_response(404, _("Không tìm thấy cơ quan, đơn vị."))
    except PeriodRefused as refused:
        return None, api_error_response(400, str(refused))


@bp.route("/api/v1/reports/statistics")
@token_required
@roles_required(*REPORT_ROLES)
@documented("Thống kê văn bản đến, đi theo cơ quan và kỳ (tháng, quý, năm, tùy chọn); văn bản mật chỉ được đếm",
            query=ReportQuery, response=StatisticsOut, errors=(404,))
def report_statistics(query: ReportQuery):
    asked, refusal = _asked()
    if refusal is not None:
        return refusal
    report = build_statistics(asked.period, asked.agency_ids)
    return jsonify(period=_period_json(report.period), agencies=[asdict(row) for row in report.agencies],
                   total=asdict(report.total), by_type=[asdict(row) for row in report.by_type],
                   by_urgency=[asdict(row) for row in report.by_urgency])


@bp.route("/api/v1/reports/performance")
@token_required
@roles_required(*REPORT_ROLES)
@documented("Tình hình giải quyết văn bản đến: đúng hạn, trễ hạn, quá hạn; thời gian (ngày làm việc) theo cơ quan, "
            "đơn vị hoặc người chủ trì", query=PerformanceQuery, response=PerformanceOut, errors=(404,))
def report_performance(query: PerformanceQuery):
    asked, refusal = _asked()
    if refusal is not None:
        return refusal
    report = build_performance(asked.period, asked.agency_ids, asked.group, asked.department_id)
    return jsonify(period=_period_json(report.period), group=report.group,
                   rows=[asdict(row) for row in report.rows], total=asdict(report.total))
