"""Pages of outgoing documents: the released list, the drafts, the draft's preview, replying to an incoming one."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import DOCUMENT_READERS
from app.documents.access import open_document
from app.documents.holders import holders_by_instance
from app.extensions import db
from app.web.routing import bounded_int
from app.workflow.access import my_tasks_query
from app.workflow.errors import WorkflowError
from app.workflow.models import HumanTask
from app.workflow.runtime import start_instance

from .letter import render_letter
from .list_filters import ReleasedFilters
from .lists import drafts_by_document, drafts_query, external_sending, released_query
from .models import OutgoingDraft
from .recall import request_recall
from .replacement import replacement_data
from .returns import latest_returns
from .update import send_update

bp = Blueprint("outgoing", __name__)
PER_PAGE = 25
PROCESS_ID = "outgoing_document"


@bp.route("/van-ban-di")
@role_required(*DOCUMENT_READERS)
def released_list():
    actor = signed_in_user()
    text = request.args.get("q", "").strip()[:200]
    filters = ReleasedFilters.from_args(request.args)
    page = db.paginate(released_query(actor, text, filters), page=request.args.get("page", 1, type=bounded_int), per_page=PER_PAGE,
                       error_out=False)
    return render_template("documents/outgoing_list.html", page=page, q=text, filters=filters, drafts=drafts_by_document(page.items),
                           sending=external_sending(page.items))


@bp.route("/du-thao")
@role_required(*DOCUMENT_READERS)
def drafts_list():
    actor = signed_in_user()
    page = db.paginate(drafts_query(actor), page=request.args.get("page", 1, type=bounded_int), per_page=PER_PAGE,
                       error_out=False)
    return render_template("documents/drafts_list.html", page=page, drafts=drafts_by_document(page.items),
                           returns=latest_returns(d.id for d in page.items),
                           holders=holders_by_instance([d.instance_id for d in page.items]))


@bp.route("/van-ban-di/<int:document_id>/xem-truoc")
@login_required
def preview(document_id: int):
    """The draft as it will be printed (rendered once per content, then served from the cache)."""
    document = open_document(document_id, signed_in_user())
    draft = db.session.get(OutgoingDraft, document_id) if document is not None else None
    if draft is None:
        abort(404)
    db.session.commit()
    return send_file(render_letter(draft, document).path, mimetype="application/pdf",
                     download_name=f"du-thao-{document.id}.pdf", max_age=0,
                     as_attachment=request.args.get("download") == "1")


def _ask_recipients(document_id: int, ask, success):
    """A sender's request about a released document (recall, update): `ask(document, actor, reason)` returns
    how many recipients were asked; `success(document, n)` says so."""
    actor = signed_in_user()
    document = open_document(document_id, actor)
    if document is None or document.direction != "outgoing":
        abort(404)
    try:
        asked = ask(document, actor, request.form.get("reason", ""))
    except WorkflowError as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(success(document, asked), "success")
    return redirect(url_for("documents.document_detail", document_id=document_id))


@bp.route("/van-ban-di/<int:document_id>/thu-hoi", methods=["POST"])
@login_required
def recall(document_id: int):
    return _ask_recipients(
        document_id, lambda document, actor, reason: request_recall(document, actor=actor, reason=reason),
        lambda document, n: _("Đã đề nghị %(n)s nơi nhận thu hồi văn bản %(symbol)s.", n=n, symbol=document.symbol))


@bp.route("/van-ban-di/<int:document_id>/cap-nhat", methods=["POST"])
@login_required
def update(document_id: int):
    """Gửi cập nhật: an update package with the reason to the external recipients of a released document."""
    return _ask_recipients(
        document_id, lambda document, actor, reason: send_update(document, actor=actor, reason=reason),
        lambda document, n: _("Đã gửi cập nhật văn bản %(symbol)s tới %(n)s nơi nhận ngoài hệ thống.",
                              symbol=document.symbol, n=n))


@bp.route("/van-ban/<int:document_id>/soan-tra-loi", methods=["POST"])
@login_required
def reply(document_id: int):
    """Start a draft that answers an incoming document; the drafter lands on its form."""
    actor = signed_in_user()
    incoming = open_document(document_id, actor)
    if incoming is None or incoming.direction != "incoming":
        abort(404)
    return _start_draft(actor, {"reply_to_document_id": incoming.id},
                        _("Trả lời %(symbol)s", symbol=incoming.symbol), document_id)


@bp.route("/van-ban-di/<int:document_id>/thay-the", methods=["POST"])
@login_required
def replace(document_id: int):
    """Start a replacement: a new draft carrying the old document's content, linked to it."""
    actor = signed_in_user()
    document = open_document(document_id, actor)
    draft = db.session.get(OutgoingDraft, document_id) if document is not None else None
    if draft is None:
        abort(404)
    return _start_draft(actor, replacement_data(draft), _("Thay thế %(symbol)s", symbol=document.symbol), document_id)


def _start_draft(actor, data: dict, title: str, back_to: int):
    try:
        instance = start_instance(PROCESS_ID, actor=actor, data=data, title=title)
    except WorkflowError as refused:
        db.session.rollback()
        flash(refused.message, "danger")
        return redirect(url_for("documents.document_detail", document_id=back_to))
    db.session.commit()
    first = db.session.scalars(my_tasks_query(actor).where(HumanTask.instance_id == instance.id)).first()
    return redirect(url_for("tasks.task", task_uuid=first.task_uuid) if first else url_for("tasks.inbox"))
