"""Pages of incoming documents: the list with filters, the clerk's entry form, the document page, its files."""
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import CLERK, DOCUMENT_READERS
from app.extensions import db
from app.filestore import path_for
from app.notifications.reminders import reminder_state
from app.rendering.formats import format_datetime
from app.rendering.registers import render_register_pdf
from app.signing.validation import VERDICT_LABELS
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today
from app.web.routing import bounded_int

from .access import open_document, reads_documents, reads_registers
from .dossier import build_dossier, dossier_zip
from .entry import DuplicateSuspected, enter_incoming
from .holders import holders_by_instance
from .metadata import DocumentRefused
from .models import DocumentFile
from .page import document_page
from .search import IncomingFilters, incoming_query
from .verification import REPORT_COLUMNS, file_is_active, report_rows, verify_files, verify_signatures
from .vocabulary import (
    DOCUMENT_TYPES,
    LINK_LABELS,
    SECRECY_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
    note_label,
    type_name,
)

bp = Blueprint("documents", __name__)
PER_PAGE = 25
FILTERS_KEY = "incoming_filters"


@bp.app_context_processor
def document_words():
    return {"DOCUMENT_TYPE_OPTIONS": [(code, name) for code, (name, _abbr) in DOCUMENT_TYPES.items()], "URGENCY_LABELS": URGENCY_LABELS, "SECRECY_LABELS": SECRECY_LABELS,
            "STATUS_LABELS": STATUS_LABELS, "VERDICT_LABELS": VERDICT_LABELS, "today": vietnam_today(), "doc_type_name": type_name,
            "note_label": note_label, "STAGE_LABELS": STAGE_LABELS, "LINK_LABELS": LINK_LABELS,
            "reads_documents": reads_documents, "reads_registers": reads_registers}


@bp.route("/van-ban-den")
@role_required(*DOCUMENT_READERS)
def incoming_list():
    # Filters are remembered for the session: coming back to the list keeps what the clerk was looking at.
    if not request.args and session.get(FILTERS_KEY):
        return redirect(url_for("documents.incoming_list", **session[FILTERS_KEY]))
    filters = IncomingFilters.from_args(request.args)
    session[FILTERS_KEY] = filters.as_args()
    actor = signed_in_user()
    page = db.paginate(incoming_query(actor, filters), page=request.args.get("page", 1, type=bounded_int),
                       per_page=PER_PAGE, error_out=False)
    holders = holders_by_instance([d.instance_id for d in page.items])
    return render_template("documents/incoming_list.html", page=page, filters=filters, holders=holders)


@bp.route("/van-ban-den/xoa-loc", methods=["POST"])
@role_required(*DOCUMENT_READERS)
def clear_filters():
    session.pop(FILTERS_KEY, None)
    return redirect(url_for("documents.incoming_list", page=1))


@bp.route("/van-ban-den/vao-so", methods=["GET", "POST"])
@role_required(CLERK)
def enter_page():
    values, errors, duplicates = {}, {}, []
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            received = enter_incoming(signed_in_user(), request.form, request.files.get("file"),
                                      request.files.getlist("attachments"),
                                      confirm_duplicate=request.form.get("confirm_duplicate") == "1")
        except DocumentRefused as refused:
            db.session.rollback()
            errors = refused.fields
        except DuplicateSuspected as suspected:
            duplicates = suspected.duplicates
            for duplicate in duplicates:  # shown as read, not read again one by one after the rollback
                db.session.expunge(duplicate)
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Đã tiếp nhận văn bản %(symbol)s. Mời vào sổ để cấp số đến.", symbol=received.document.symbol),
                  "success")
            return redirect(url_for("documents.document_detail", document_id=received.document.id))
    status = 422 if errors or duplicates else 200
    return render_template("documents/enter.html", values=values, errors=errors, duplicates=duplicates), status


@bp.route("/van-ban/<int:document_id>")
@login_required
def document_detail(document_id: int):
    actor = signed_in_user()
    document = open_document(document_id, actor)
    if document is None:
        abort(404)
    # "Kiểm tra lại chữ ký": the signatures judged again now, against today's roots and CRLs.
    checked = verify_signatures(document, actor) if request.args.get("kiem_tra") == "1" else None
    db.session.commit()  # keeps the audit events (a secret document's opening, a signature check)
    return render_template("documents/detail.html", page=document_page(document, actor), checked_verdicts=checked,
                           reminder=reminder_state(document, actor))


@bp.route("/van-ban/<int:document_id>/tep/<int:file_id>")
@login_required
def document_file(document_id: int, file_id: int):
    document = open_document(document_id, signed_in_user())
    stored = db.session.get(DocumentFile, file_id)
    if document is None or stored is None or stored.document_id != document.id:
        abort(404)
    db.session.commit()
    path = path_for(Path(current_app.config["FILES_DIR"]), stored.sha256)
    if not path.is_file():
        abort(404)
    # Shown inline in the page's viewer, unless it holds scripts or automatic actions: a browser's PDF
    # viewer might run them. The name is the one the file came with.
    return send_file(path, mimetype=stored.content_type, download_name=stored.name,
                     as_attachment=request.args.get("download") == "1" or file_is_active(stored), max_age=0)


@bp.route("/van-ban/<int:document_id>/chu-ky")
@login_required
def signature_report(document_id: int):
    """Every signature of the document's files, judged now; as a page or a PDF to keep (auditors)."""
    actor = signed_in_user()
    document = open_document(document_id, actor)
    if document is None:
        abort(404)
    checked = verify_files(document, actor)
    db.session.commit()
    rows = report_rows(checked)
    heading = f"Văn bản {document.symbol or document.id}: {document.subject}"[:300]
    if request.args.get("dinh-dang") == "pdf":
        pdf = render_register_pdf(title="BÁO CÁO KIỂM TRA CHỮ KÝ SỐ", agency_name=document.agency.name,
                                  period_text=f"{heading} — kiểm tra lúc {format_datetime(utcnow())}",
                                  columns=REPORT_COLUMNS, rows=rows, render=render_template)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="kiem-tra-chu-ky-{document.id}.pdf"'})
    return render_template("documents/signature_report.html", document=document, columns=REPORT_COLUMNS,
                           rows=rows, heading=heading)


@bp.route("/van-ban/<int:document_id>/ho-so-kiem-toan")
@login_required
def dossier(document_id: int):
    """The auditor's dossier: the signed report, the original files and trail.json, in one ZIP."""
    actor = signed_in_user()
    document = open_document(document_id, actor)
    if document is None:
        abort(404)
    archive = dossier_zip(build_dossier(document, actor), actor)
    db.session.commit()
    return Response(archive, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="ho-so-kiem-toan-{document.id}.zip"'})


def document_panel(subject_id: str, actor):
    """The document beside a task about it (registered as the workflow's subject panel)."""
    document = open_document(subject_id, actor)
    if document is None:
        return None
    db.session.commit()  # keeps the audit event of a secret document's opening
    return Markup(render_template("documents/_panel.html", page=document_page(document, actor)))
