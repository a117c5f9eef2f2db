"""Task and instance endpoints: the same services and forms as the web pages, in JSON."""
from flask import g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from app.auditing.replay_checks import check_instance, verdict_text
from app.documents.access import open_case
from app.extensions import db
from app.workflow.access import my_tasks_query
from app.workflow.errors import WorkflowError
from app.workflow.history import events_json
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import settle_refused_completion, start_instance
from app.workflow.signing_node import SIGNATURE_RESULT_KEY
from app.workflow.submission import AnswerInvalid, JsonAnswer, submit_task
from app.workflow.task_pages import find_my_task, picker_choices, task_view

from .auth import token_required
from .blueprint import bp
from .errors import api_error_response
from .openapi import documented
from .pagination import paged_json
from .schemas import InstanceOut, PageQuery, ReplayOut, TaskCompletion, TaskDetail, TaskOut, page_of


def task_json(row: HumanTask) -> dict:
    return {"id": row.task_uuid, "title": row.title, "spec_id": row.spec_id, "lane": row.lane,
            "instance_id": row.instance_id, "process_id": row.instance.process_id,
            "candidate_role": row.candidate_role,
            "assigned_to": row.assigned_user.username if row.assigned_user else None,
            "due_at": row.due_at.isoformat() if row.due_at else None, "urgency": row.urgency,
            "created_at": row.created_at.isoformat()}


@bp.route("/api/v1/tasks")
@token_required
@documented("Việc của tôi (được giao hoặc có thể nhận)", query=PageQuery, response=page_of(TaskOut))
def list_tasks(query: PageQuery):
    stmt = my_tasks_query(g.api_user).order_by(HumanTask.urgency.desc(), HumanTask.due_at.is_(None),
                                                HumanTask.due_at, HumanTask.id)
    return paged_json(stmt, task_json, query)


@bp.route("/api/v1/tasks/<task_id>")
@token_required
@documented("Một công việc: biểu mẫu (JSON Schema, UI schema), dữ liệu hiện tại, hướng dẫn", response=TaskDetail)
def get_task(task_id: str):
    row = find_my_task(task_id, g.api_user)
    if row is None:
        return api_error_response(404, _("Không tìm thấy công việc."))
    view = task_view(row, g.api_user)
    return jsonify(**task_json(row), schema=view.form.schema if view.form else None,
                   ui_schema=view.form.ui_schema if view.form else None, data=view.data,
                   instructions=str(view.instructions),
                   choices={name: [choice.value for choice in options]
                            for name, options in picker_choices(view.form, g.api_user).items()})


@bp.route("/api/v1/tasks/<task_id>", methods=["POST"])
@token_required
@documented("Hoàn thành công việc với dữ liệu biểu mẫu (bước ký số: thêm \"pin\")", response=TaskCompletion,
            errors=(409,), request_body={"required": True, "content": {"application/json": {"schema": {
                "type": "object", "description": "dữ liệu theo biểu mẫu của bước (GET /api/v1/tasks/{task_id})"}}}})
def post_task(task_id: str):
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return api_error_response(400, _("Nội dung phải là một đối tượng JSON."))
    # A signing step's PIN travels beside the form data, never inside it (nor into the audit chain).
    pin = data.pop("pin", "")
    answer = JsonAnswer(data)
    try:
        completion = submit_task(task_id, answer, actor=g.api_user, channel="api",
                                 secret=pin if isinstance(pin, str) else "")
    except AnswerInvalid as invalid:
        db.session.rollback()
        return api_error_response(422, invalid.message, invalid.errors)
    except WorkflowError as refused:
        settle_refused_completion(task_id, refused, actor=g.api_user)
        return api_error_response(refused.status, refused.message)
    # Read before the commit, while the instance holds the values just saved: after it, the expired
    # object would load its whole row again (the engine state with it) only to say the same.
    # The open tasks after this step ride along, so that a client sending each step's answer (an
    # integration) need not open the case again to learn the next task's id: one statement instead of a
    # request. Whoever completed a step of the case may open it (GET instance): nothing new is told.
    instance = instance_json(completion.instance, with_tasks=True, with_history=False)
    db.session.commit()
    signed = completion.prepared.get(SIGNATURE_RESULT_KEY)
    return jsonify(status="completed", task_spec=completion.task_spec_id, instance=instance,
                   signature=signed, ignored_fields=answer.ignored)


# Built once: the open tasks' columns, not whole rows (the body names four of them).
_ACTIVE_TASKS = select(HumanTask.task_uuid, HumanTask.spec_id, HumanTask.title, HumanTask.lane).where(
    HumanTask.instance_id == bindparam("instance_id")).order_by(HumanTask.id)


def active_tasks_json(instance_id: int) -> list[dict]:
    """The case's open tasks, from the inbox index (rows this transaction wrote included)."""
    return [{"id": r.task_uuid, "spec_id": r.spec_id, "title": r.title, "lane": r.lane}
            for r in db.session.execute(_ACTIVE_TASKS, {"instance_id": instance_id})]


def instance_json(instance: ProcessInstance, *, with_tasks: bool = False, with_history: bool = True) -> dict:
    body = {"id": instance.id, "process_id": instance.process_id, "title": instance.title,
            "status": instance.status, "version": instance.version.number,
            "started_at": instance.started_at.isoformat(),
            "completed_at": instance.completed_at.isoformat() if instance.completed_at else None}
    if with_tasks:
        body["active_tasks"] = active_tasks_json(instance.id)
        if with_history:
            body["history"] = events_json(instance.id)
    return body


@bp.route("/api/v1/processes/<process_id>/instances", methods=["POST"])
@token_required
@documented("Khởi tạo một quy trình", response=InstanceOut, status=201, errors=(400, 409, 422))
def post_instance(process_id: str):
    try:
        instance = start_instance(process_id, actor=g.api_user)
    except WorkflowError as refused:
        db.session.rollback()
        return api_error_response(refused.status, refused.message)
    db.session.commit()
    return jsonify(instance_json(instance, with_tasks=True)), 201


@bp.route("/api/v1/instances/<int:instance_id>")
@token_required
@documented("Trạng thái một hồ sơ quy trình, các việc đang mở và lịch sử", response=InstanceOut)
def get_instance(instance_id: int):
    case = open_case(instance_id, g.api_user, shallow=True)
    if case is None:
        return api_error_response(404, _("Không tìm thấy hồ sơ quy trình."))
    body = instance_json(case.instance, with_tasks=True)
    db.session.commit()  # keeps the audit event of a secret document's case being opened
    return jsonify(body)


@bp.route("/api/v1/instances/<int:instance_id>/replay", methods=["POST"])
@token_required
@documented("Phát lại hồ sơ từ nhật ký kiểm toán và so sánh từng bước (khớp / sự kiện đầu tiên không khớp)",
            response=ReplayOut)
def replay_instance(instance_id: int):
    case = open_case(instance_id, g.api_user)
    if case is None:
        return api_error_response(404, _("Không tìm thấy hồ sơ quy trình."))
    instance = case.instance
    check = check_instance(instance, g.api_user)
    db.session.commit()
    return jsonify(instance_id=instance.id, matches=check.matches, events=check.events,
                   divergent_seq=check.divergent_seq, problem=None if check.matches else check.problem,
                   summary=verdict_text(check))
