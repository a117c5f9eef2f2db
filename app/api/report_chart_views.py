"""The report charts' numbers as JSON: the same request, scope and Chart objects the Báo cáo pages draw."""
from flask import jsonify

from app.reports.access import REPORT_ROLES
from app.reports.charts import backlog_age, monthly_trend, on_time_share
from app.reports.performance import build_performance

from .auth import roles_required, token_required
from .blueprint import bp
from .openapi import documented
from .report_chart_schemas import ChartsOut
from .report_schemas import PerformanceQuery
from .report_views import _asked, _period_json


def _chart_json(chart) -> dict:
    return {"key": chart.key, "title": chart.title, "row_title": chart.row_title, **chart.as_data()}


@bp.route("/api/v1/reports/charts")
@token_required
@roles_required(*REPORT_ROLES)
@documented("Số liệu các biểu đồ báo cáo: văn bản đến, đi theo tháng; tỷ lệ đúng hạn theo cơ quan, đơn vị hoặc người "
            "chủ trì; văn bản đang xử lý theo số ngày làm việc từ khi đến", query=PerformanceQuery, response=ChartsOut,
            errors=(404,))
def report_charts(query: PerformanceQuery):
    asked, refusal = _asked()
    if refusal is not None:
        return refusal
    performance = build_performance(asked.period, asked.agency_ids, asked.group, asked.department_id)
    charts = [monthly_trend(asked.period, asked.agency_ids), on_time_share(performance),
              backlog_age(asked.period, asked.agency_ids, asked.department_id)]
    return jsonify(period=_period_json(asked.period), group=asked.group, charts=[_chart_json(c) for c in charts])
