"""Báo cáo định kỳ: the agencies' signed monthly reports, listed and downloaded."""
from pathlib import Path

from flask import abort, current_app, render_template, request, send_file

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.filestore import path_for

from .access import REPORT_ROLES
from .monthly import MonthRefused
from .monthly_listing import monthly_report_for, monthly_reports_for
from .views import bp

MONTH_ARG = "thang"


@bp.route("/bao-cao/dinh-ky")
@role_required(*REPORT_ROLES)
def monthly_reports():
    actor = signed_in_user()
    month, error = request.args.get(MONTH_ARG, ""), None
    try:
        rows = monthly_reports_for(actor, month)
    except MonthRefused as refused:
        rows, error, month = monthly_reports_for(actor), str(refused), ""
    return render_template("reports/monthly.html", rows=rows, month=month, error=error, month_arg=MONTH_ARG)


@bp.route("/bao-cao/dinh-ky/<int:report_id>/tep")
@role_required(*REPORT_ROLES)
def monthly_report_file(report_id: int):
    row = monthly_report_for(signed_in_user(), report_id)
    if row is None:
        abort(404)
    return send_file(path_for(Path(current_app.config["FILES_DIR"]), row.file_sha256), mimetype="application/pdf",
                     download_name=f"bao-cao-dinh-ky-{row.agency.code}-{row.month}.pdf", as_attachment=True)
