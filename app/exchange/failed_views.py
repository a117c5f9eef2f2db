""""Gửi lỗi": the sending agency's clerk sees dead outbox messages and resends or cancels them."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import CLERK
from app.extensions import db

from .directory import external_agency_names
from .outbox import MessageNotFound, OutboxError, cancel_message, failed_messages_query, resend_message

bp = Blueprint("outbox", __name__)
PAGE_SIZE = 50


@bp.route("/lien-thong/gui-loi")
@role_required(CLERK)
def failed_messages():
    page = db.paginate(failed_messages_query(current_user), per_page=PAGE_SIZE, error_out=False)
    names = external_agency_names(code for message in page.items for code in message.recipient_codes)
    return render_template("exchange/failed_messages.html", page=page, names=names)


def _act(service, message_id: int, done: str):
    try:
        service(message_id, actor=signed_in_user())
    except MessageNotFound:
        db.session.rollback()
        abort(404)
    except OutboxError as refused:
        db.session.rollback()
        flash(refused.message, "warning")
        return redirect(url_for("outbox.failed_messages"))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("outbox.failed_messages"))


@bp.route("/lien-thong/gui-loi/<int:message_id>/gui-lai", methods=["POST"])
@role_required(CLERK)
def resend(message_id: int):
    return _act(resend_message, message_id, _("Đã đưa gói tin vào hàng đợi gửi lại."))


@bp.route("/lien-thong/gui-loi/<int:message_id>/huy", methods=["POST"])
@role_required(CLERK)
def cancel(message_id: int):
    return _act(cancel_message, message_id, _("Đã hủy gửi gói tin."))
