"""Thông báo: the notification centre, opening a notice, and the leaders' đôn đốc on a document."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.session import signed_in_user
from app.extensions import db
from app.web.routing import bounded_int

from .centre import notice_rows, notice_target
from .reminders import ReminderRefused, remind_handlers
from .services import mark_all_read, my_notices, open_notice, unread_count

bp = Blueprint("notifications", __name__)
PER_PAGE = 25


@bp.app_context_processor
def notice_bell():
    # A callable: the COUNT runs only on pages that show the header.
    return {"unread_notice_count": lambda: unread_count(current_user) if current_user.is_authenticated else 0}


@bp.route("/thong-bao")
@login_required
def centre():
    actor = signed_in_user()
    page = db.paginate(my_notices(actor), page=request.args.get("page", 1, type=bounded_int), per_page=PER_PAGE,
                       error_out=False)
    return render_template("notifications/centre.html", page=page, rows=notice_rows(page.items, actor))


@bp.route("/thong-bao/<int:notice_id>")
@login_required
def open_one(notice_id: int):
    actor = signed_in_user()
    notice = open_notice(notice_id, actor=actor)
    if notice is None:
        abort(404)
    db.session.commit()
    endpoint, arguments = notice_target(notice, actor)
    if endpoint == "notifications.centre" and notice.document_id:
        flash(_("Bạn không còn được xem văn bản của thông báo này."), "info")
    return redirect(url_for(endpoint, **arguments))


@bp.route("/thong-bao/da-doc", methods=["POST"])
@login_required
def mark_read():
    count = mark_all_read(actor=signed_in_user())
    db.session.commit()
    flash(_("Đã đánh dấu %(n)s thông báo là đã đọc.", n=count), "success")
    return redirect(url_for("notifications.centre"))


@bp.route("/van-ban/<int:document_id>/don-doc", methods=["POST"])
@login_required
def remind(document_id: int):
    try:
        handlers = remind_handlers(document_id, request.form.get("message", ""), actor=signed_in_user())
    except ReminderRefused as refused:
        db.session.rollback()
        flash(refused.message, "warning")
    else:
        db.session.commit()
        flash(_("Đã đôn đốc %(n)s người đang xử lý.", n=len(handlers)), "success")
    return redirect(url_for("documents.document_detail", document_id=document_id))
