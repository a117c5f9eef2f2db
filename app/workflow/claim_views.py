"""Nhận việc, trả lại nhóm, giao lại: buttons on the task page and the agency's open-task list."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.models import User
from app.directory.scoping import get_visible
from app.extensions import db

from .blueprint import PAGE_SIZE, bp
from .case_secrecy import case_titles
from .claims import REASSIGNING_ROLES, claim_task, reassign_task, reassignment_choices, release_task
from .errors import WorkflowError
from .models import HumanTask, ProcessInstance


def _apply(change, success: str, next_url: str):
    try:
        change()
    except WorkflowError as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(next_url)


@bp.route("/cong-viec/<task_uuid>/nhan", methods=["POST"])
@login_required
def claim(task_uuid: str):
    return _apply(lambda: claim_task(task_uuid, actor=signed_in_user()), _("Bạn đã nhận việc này."),
                  url_for("tasks.task", task_uuid=task_uuid))


@bp.route("/cong-viec/<task_uuid>/tra-lai", methods=["POST"])
@login_required
def release(task_uuid: str):
    return _apply(lambda: release_task(task_uuid, actor=signed_in_user()), _("Đã trả việc về nhóm."),
                  url_for("tasks.inbox"))


@bp.route("/cong-viec/<task_uuid>/giao-lai", methods=["POST"])
@role_required(*REASSIGNING_ROLES)
def reassign(task_uuid: str):
    to_user = get_visible(User, request.form.get("user_id"), actor=current_user)
    if to_user is None:
        flash(_("Chọn người nhận việc."), "danger")
        return redirect(url_for("tasks.agency_tasks"))
    return _apply(lambda: reassign_task(task_uuid, to_user, actor=signed_in_user()),
                  _("Đã giao lại cho %(name)s.", name=to_user.full_name), url_for("tasks.agency_tasks"))


@bp.route("/viec-cua-co-quan")
@role_required(*REASSIGNING_ROLES)
def agency_tasks():
    actor = signed_in_user()
    stmt = (select(HumanTask).join(ProcessInstance).where(HumanTask.agency_id == actor.agency_id)
            .options(contains_eager(HumanTask.instance))
            .order_by(HumanTask.urgency.desc(), HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id))
    page = db.paginate(stmt, per_page=PAGE_SIZE, error_out=False)
    return render_template("workflow/agency_tasks.html", page=page, now=datetime.now(timezone.utc),
                           titles=case_titles(actor, [row.instance for row in page.items]),
                           choices=reassignment_choices(page.items, actor))
