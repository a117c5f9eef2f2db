"""Claim, release and reassign inbox tasks; each change is one conditional UPDATE and an audit event."""
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.audit.services import record
from app.directory.models import User
from app.directory.roles import LEADER, UNIT_HEAD
from app.extensions import db

from .access import task_access
from .models import HumanTask, HumanTaskCandidate
from .runtime import TaskConflict, TaskForbidden, WorkflowError

REASSIGNING_ROLES = (LEADER, UNIT_HEAD)


def _task(task_uuid: str, actor: User) -> HumanTask:
    row = db.session.scalars(select(HumanTask).where(HumanTask.task_uuid == task_uuid,
                                                     HumanTask.agency_id == actor.agency_id)).first()
    if row is None:
        raise WorkflowError(_("Không tìm thấy công việc."))
    return row


def _set_assignee(row: HumanTask, *, expected, new) -> None:
    """Change the assignee only if nobody changed it meanwhile (two clicks: one winner)."""
    condition = HumanTask.assigned_user_id.is_(None) if expected is None else HumanTask.assigned_user_id == expected
    changed = db.session.execute(update(HumanTask).where(HumanTask.id == row.id, condition)
                                 .values(assigned_user_id=new).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise TaskConflict(_("Công việc vừa được người khác nhận hoặc giao lại. Vui lòng tải lại trang."))
    db.session.expire(row, ["assigned_user_id", "assigned_user"])


def claim_task(task_uuid: str, *, actor: User) -> HumanTask:
    """Take an unassigned task offered to the actor's role."""
    row = _task(task_uuid, actor)
    if row.assigned_user_id is not None:
        raise TaskConflict(_("Công việc đã có người nhận. Vui lòng tải lại trang."))
    allowed, on_behalf_of_id = task_access(row, actor)
    if not allowed:
        raise TaskForbidden(_("Bạn không thuộc nhóm được xử lý công việc này."))
    _set_assignee(row, expected=None, new=actor.id)
    record("task_claimed", actor=actor, subject=("task", task_uuid), instance_id=row.instance_id,
           task_spec=row.spec_id, task_title=row.title, on_behalf_of=db.session.get(User, on_behalf_of_id) if on_behalf_of_id else None)
    return row


def release_task(task_uuid: str, *, actor: User) -> HumanTask:
    """Give a claimed task back to its role's group."""
    row = _task(task_uuid, actor)
    if row.assigned_user_id != actor.id or not row.candidates:
        raise TaskForbidden(_("Chỉ người đã nhận việc theo nhóm mới trả lại được."))
    _set_assignee(row, expected=actor.id, new=None)
    record("task_released", actor=actor, subject=("task", task_uuid), instance_id=row.instance_id,
           task_spec=row.spec_id, task_title=row.title)
    return row


def reassign_task(task_uuid: str, to_user: User, *, actor: User) -> HumanTask:
    """A leader or unit head hands a task to someone else in the agency."""
    if not actor.has_role(*REASSIGNING_ROLES):
        raise TaskForbidden(_("Chỉ lãnh đạo hoặc lãnh đạo đơn vị được giao lại công việc."))
    row = _task(task_uuid, actor)
    if to_user.agency_id != actor.agency_id or not to_user.active:
        raise WorkflowError(_("Người nhận phải đang làm việc tại cùng cơ quan."))
    previous = row.assigned_user_id
    _set_assignee(row, expected=previous, new=to_user.id)
    if not any(c.user_id == to_user.id for c in row.candidates):
        db.session.add(HumanTaskCandidate(task_id=row.id, user_id=to_user.id))
    record("task_reassigned", actor=actor, subject=("task", task_uuid), instance_id=row.instance_id,
           task_spec=row.spec_id, task_title=row.title, from_user_id=previous, to_user_id=to_user.id)
    db.session.flush()
    return row
