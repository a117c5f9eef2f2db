"""Báo cáo, thống kê: the statistics and handling-performance pages and their downloads."""
from flask import Blueprint, abort, render_template, request

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.models import Agency
from app.documents.access import reads_documents
from app.extensions import db
from app.web.refusals import BadInput

from .access import REPORT_ROLES, AgencyNotVisible, reads_reports
from .charts import backlog_age, monthly_trend, on_time_share
from .exports import (
    FORMATS,
    download,
    performance_columns,
    performance_rows,
    statistics_columns,
    statistics_rows,
    timing_labels,
)
from .facts import facts_refreshed_at
from .performance import build_performance
from .periods import KINDS, PeriodRefused
from .requests import ReportRequest, read_report_request
from .statistics import build_statistics

bp = Blueprint("reports", __name__)
OUTPUT_ARG = "dinh-dang"


def _read(actor) -> tuple[ReportRequest | None, str | None]:
    try:
        return read_report_request(request.args, actor), None
    except AgencyNotVisible:
        abort(404)
    except PeriodRefused as refused:
        if request.args.get(OUTPUT_ARG) in FORMATS:  # a download cannot carry the warning
            raise BadInput(str(refused)) from None
        return read_report_request({}, actor), str(refused)


def _heading(actor, asked: ReportRequest) -> str:
    if asked.agency_id is not None:
        return db.session.get(Agency, asked.agency_id).name
    return actor.agency.name


@bp.route("/bao-cao/thong-ke")
@role_required(*REPORT_ROLES)
def statistics():
    actor = signed_in_user()
    asked, error = _read(actor)
    report = build_statistics(asked.period, asked.agency_ids)
    output = request.args.get(OUTPUT_ARG)
    if output in FORMATS:
        return download(output=output, title="THỐNG KÊ VĂN BẢN ĐẾN, VĂN BẢN ĐI", name="thong-ke",
                        columns=statistics_columns(), rows=statistics_rows(report), period=asked.period,
                        agency_name=_heading(actor, asked))
    return render_template("reports/statistics.html", report=report, asked=asked, error=error, kinds=KINDS,
                           heading=_heading(actor, asked), links=reads_documents(actor), output_arg=OUTPUT_ARG,
                           columns=statistics_columns(), refreshed_at=facts_refreshed_at(),
                           charts=[monthly_trend(asked.period, asked.agency_ids)])


@bp.route("/bao-cao/hieu-qua-xu-ly")
@role_required(*REPORT_ROLES)
def performance():
    actor = signed_in_user()
    asked, error = _read(actor)
    report = build_performance(asked.period, asked.agency_ids, asked.group, asked.department_id)
    output = request.args.get(OUTPUT_ARG)
    if output == "pdf":  # the Decree 30 layout; imported here, that module adds its routes to this blueprint
        from .handling_views import incoming_decree_pdf
        return incoming_decree_pdf(actor, asked, performance_columns(asked.group), performance_rows(report))
    if output in FORMATS:
        return download(output=output, title="TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN", name="giai-quyet-van-ban-den",
                        columns=performance_columns(asked.group), rows=performance_rows(report), period=asked.period,
                        agency_name=_heading(actor, asked))
    return render_template("reports/performance.html", report=report, asked=asked, error=error, kinds=KINDS,
                           heading=_heading(actor, asked), links=reads_documents(actor), output_arg=OUTPUT_ARG,
                           timing_labels=timing_labels(), refreshed_at=facts_refreshed_at(),
                           charts=[on_time_share(report),
                                   backlog_age(asked.period, asked.agency_ids, asked.department_id)])


@bp.app_context_processor
def report_words():
    return {"reads_reports": reads_reports}
