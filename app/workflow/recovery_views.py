"""Hồ sơ lỗi (failed instances) for administrators, with "Chạy lại"."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import ADMIN
from app.extensions import db

from .blueprint import PAGE_SIZE, bp
from .errors import WorkflowError
from .recovery import failed_instances_query, retry_instance


@bp.route("/quan-tri/ho-so-loi")
@role_required(ADMIN)
def failed_instances():
    page = db.paginate(failed_instances_query(current_user), per_page=PAGE_SIZE, error_out=False)
    return render_template("workflow/failed_instances.html", page=page)


@bp.route("/quan-tri/ho-so-loi/<int:instance_id>/chay-lai", methods=["POST"])
@role_required(ADMIN)
def retry(instance_id: int):
    try:
        retry_instance(instance_id, actor=signed_in_user())
    except WorkflowError as refused:
        db.session.rollback()
        flash(_("Chạy lại không thành công: %(error)s", error=refused.message), "danger")
        return redirect(url_for("tasks.failed_instances"))
    db.session.commit()
    flash(_("Đã chạy lại hồ sơ."), "success")
    return redirect(url_for("tasks.failed_instances"))
