"""Tình hình giải quyết văn bản đi (page and downloads), and the Decree 30 PDF of the incoming one."""
from flask import current_app, render_template, request

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.models import Agency
from app.extensions import db

from .access import REPORT_ROLES
from .decree_layout import INCOMING_SUBJECT, OUTGOING_SUBJECT
from .exports import FORMATS, download
from .facts import facts_refreshed_at
from .handling_exports import decree_pdf_download, letterhead_for, outgoing_columns, outgoing_rows
from .outgoing_handling import build_outgoing_handling
from .periods import KINDS
from .views import OUTPUT_ARG, _heading, _read, bp


def _letterhead(actor, asked):
    agency = db.session.get(Agency, asked.agency_id) if asked.agency_id is not None else actor.agency
    return letterhead_for(agency, current_app.config["DOCUMENT_PLACE_NAME"])


def incoming_decree_pdf(actor, asked, columns, rows):
    """The incoming handling report's PDF export, in the Decree 30 layout (called by views.performance)."""
    return decree_pdf_download(letterhead=_letterhead(actor, asked), subject=INCOMING_SUBJECT,
                               name="giai-quyet-van-ban-den", columns=columns, rows=rows, period=asked.period)


@bp.route("/bao-cao/giai-quyet-van-ban-di")
@role_required(*REPORT_ROLES)
def outgoing_handling():
    actor = signed_in_user()
    asked, error = _read(actor)
    report = build_outgoing_handling(asked.period, asked.agency_ids, asked.group, asked.department_id)
    columns, output = outgoing_columns(report.group), request.args.get(OUTPUT_ARG)
    if output == "pdf":
        return decree_pdf_download(letterhead=_letterhead(actor, asked), subject=OUTGOING_SUBJECT,
                                   name="giai-quyet-van-ban-di", columns=columns, rows=outgoing_rows(report),
                                   period=asked.period)
    if output in FORMATS:
        return download(output=output, title="TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐI", name="giai-quyet-van-ban-di",
                        columns=columns, rows=outgoing_rows(report), period=asked.period,
                        agency_name=_heading(actor, asked))
    return render_template("reports/outgoing_handling.html", report=report, asked=asked, error=error, kinds=KINDS,
                           heading=_heading(actor, asked), output_arg=OUTPUT_ARG, columns=columns,
                           refreshed_at=facts_refreshed_at())
