"""Việc của tôi (my tasks), the task page with its form, and starting a process."""
from datetime import datetime, timezone

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from app.auth.session import signed_in_user
from app.extensions import db

from . import submission
from .access import INBOX_ORDERS, my_tasks_query
from .blueprint import PAGE_SIZE, bp
from .case_secrecy import case_labels
from .errors import WorkflowError
from .forms import error_summary
from .history import ENGINE_EVENTS, instance_events
from .models import HumanTask, ProcessInstance
from .readable_history import readable_history
from .registry import catalogue
from .runtime import settle_refused_completion, start_instance
from .signing_node import SIGNATURE_RESULT_KEY
from .subject_panels import completion_note, subject_panel
from .submission import AnswerInvalid, PostedForm
from .task_pages import find_my_task, picker_choices, task_view
from .task_rounds import earlier_rounds


@bp.route("/viec-cua-toi")
@login_required
def inbox():
    sort = request.args.get("sap_xep", "khan")
    process_id = request.args.get("quy_trinh") or None
    stmt = my_tasks_query(current_user).join(ProcessInstance).options(contains_eager(HumanTask.instance))
    if process_id:
        stmt = stmt.where(ProcessInstance.process_id == process_id)
    page = db.paginate(stmt.order_by(*INBOX_ORDERS.get(sort, INBOX_ORDERS["khan"])), per_page=PAGE_SIZE, error_out=False)
    return render_template("workflow/inbox.html", page=page, sort=sort, process_id=process_id,
                           labels=case_labels(current_user, [t.instance for t in page.items]),
                           processes=catalogue().processes, now=datetime.now(timezone.utc))


def _task_view(row, actor):
    events = instance_events(row.instance_id)
    return task_view(row, actor, events), [e for e in events if e.event_type not in ENGINE_EVENTS]


def _render_task(view, history, values, errors, status=200):
    choices = picker_choices(view.form, current_user)
    fields = view.form.fields(values, errors, choices) if view.form else []
    definition = catalogue().processes.get(view.row.instance.process_id)
    withdrawal = definition.withdrawal if definition is not None else None
    return render_template("workflow/task.html", view=view, fields=fields, error_summary=error_summary(fields, errors),
                           withdrawal=withdrawal if withdrawal and view.row.spec_id in withdrawal.tasks else None,
                           rounds=earlier_rounds(view.form, view.rounds, choices),
                           history=readable_history(view.row.instance.version, history),
                           subject=subject_panel(view.row, current_user)), status


@bp.route("/cong-viec/<task_uuid>", methods=["GET"])
@login_required
def task(task_uuid: str):
    row = find_my_task(task_uuid, current_user)
    if row is None:
        abort(404)
    view, history = _task_view(row, signed_in_user())
    return _render_task(view, history, view.values, {})


@bp.route("/cong-viec/<task_uuid>", methods=["POST"])
@login_required
def submit_task(task_uuid: str):
    actor = signed_in_user()
    try:
        completion = submission.submit_task(task_uuid, PostedForm(request.form, request.files), actor=actor,
                                             channel="web", secret=request.form.get("pin", ""))
    except WorkflowError as refused:
        settle_refused_completion(task_uuid, refused, actor=actor)
        row = find_my_task(task_uuid, actor)
        if row is None or refused.status in (403, 404, 409):
            flash(refused.message if row is not None or refused.status == 409 else
                  _("Công việc này không còn chờ bạn xử lý (có thể đã được người khác xử lý)."), "warning")
            return redirect(url_for("tasks.inbox"))
        view, history = _task_view(row, actor)
        if isinstance(refused, AnswerInvalid):
            return _render_task(view, history, {**view.values, **refused.data, **_raw(request.form, refused.errors)},
                                refused.errors, 422)
        flash(refused.message, "danger")
        return _render_task(view, history, view.values, {}, refused.status)
    # Before the commit expires them, from the objects the completion already holds: no statement when the
    # step did not finish its subject.
    note = completion_note(completion.instance.subject_type, completion.instance.subject_id, actor)
    db.session.commit()
    signed = completion.prepared.get(SIGNATURE_RESULT_KEY)
    flash(signed["summary"] if signed else _("Đã hoàn thành: %(title)s.", title=completion.task_title), "success")
    if note:
        flash(note, "info")
    if completion.incident:
        flash(_("Ý kiến của bạn đã được ghi nhận, nhưng bước tự động tiếp theo của hồ sơ gặp sự cố; quản trị viên "
                "đã được báo để xử lý."), "warning")
    return redirect(url_for("tasks.inbox"))


@bp.route("/cong-viec/<task_uuid>/huy", methods=["POST"])
@login_required
def withdraw(task_uuid: str):
    """Abandon the case from this task where its process allows it (e.g. "Hủy dự thảo")."""
    try:
        done = submission.withdraw_case(task_uuid, actor=signed_in_user())
    except WorkflowError as refused:
        db.session.rollback()
        flash(refused.message, "warning")
        return redirect(url_for("tasks.inbox"))
    db.session.commit()
    flash(_("Đã thực hiện: %(what)s.", what=done), "success")
    return redirect(url_for("tasks.inbox"))


def _raw(formdata, errors) -> dict:
    # Fields that failed to parse are shown again exactly as typed.
    return {name: formdata.get(name) for name in errors if name in formdata}


@bp.route("/quy-trinh/khoi-tao")
@login_required
def startable():
    definitions = [d for d in catalogue().processes.values() if current_user.has_role(*d.starter_roles)]
    return render_template("workflow/start.html", definitions=definitions)


@bp.route("/quy-trinh/<process_id>/khoi-tao", methods=["POST"])
@login_required
def start(process_id: str):
    actor = signed_in_user()
    try:
        instance = start_instance(process_id, actor=actor)
    except WorkflowError as refused:
        db.session.rollback()
        flash(refused.message, "danger")
        return redirect(url_for("tasks.startable"))
    db.session.commit()
    first = db.session.scalars(my_tasks_query(actor).where(HumanTask.instance_id == instance.id)).first()
    if first is not None:
        return redirect(url_for("tasks.task", task_uuid=first.task_uuid))
    flash(_("Đã khởi tạo %(title)s.", title=instance.title), "success")
    return redirect(url_for("tasks.inbox"))


def open_task_count(actor) -> int:
    return db.session.scalar(select(func.count()).select_from(my_tasks_query(actor).subquery()))


@bp.app_context_processor
def inbox_badge():
    # A callable: the count query runs only on pages that show the menu.
    return {"open_task_count": lambda: open_task_count(current_user) if current_user.is_authenticated else 0}

