"""Claim, release and reassign inbox tasks; each change is one conditional UPDATE and an audit event."""
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.audit.services import record
from app.directory.models import User
from app.directory.roles import LEADER, SPECIALIST, UNIT_HEAD
from app.extensions import db
from app.notifications.models import NEW_TASK
from app.notifications.services import notify, subject_document_id
from app.vietnamese_order import vietnamese

from .access import task_access
from .case_secrecy import hidden_subjects, may_see_subject, restricted_subjects
from .errors import TaskConflict, TaskForbidden, WorkflowError
from .models import HumanTask, HumanTaskCandidate

REASSIGNING_ROLES = (LEADER, UNIT_HEAD)
UNIT_LANES = (SPECIALIST, UNIT_HEAD)  # the lanes whose tasks a unit head hands on inside the unit


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


def may_reassign(actor: User, row: HumanTask, hidden: set | None = None) -> bool:
    """Whether the actor may hand this task on: leaders any lane's task, a unit head the specialists'
    and unit heads' tasks of their own department; a leader's task only its holder (or, unclaimed, one
    of its candidates) hands on, so nobody takes over the director's work; always someone who may see
    the task's subject."""
    if row.agency_id != actor.agency_id or not actor.has_role(*REASSIGNING_ROLES):
        return False
    if row.candidate_role == LEADER:
        if row.assigned_user_id is not None and row.assigned_user_id != actor.id:
            return False
        if row.assigned_user_id is None and not any(c.user_id == actor.id for c in row.candidates):
            return False
    elif not actor.has_role(LEADER):
        if row.candidate_role not in UNIT_LANES or actor.department_id is None:
            return False
        department_id = row.candidate_department_id or (row.assigned_user.department_id if row.assigned_user else None)
        if department_id != actor.department_id:
            return False
    return _sees(actor, row, hidden)


def _sees(person: User, row: HumanTask, hidden: set | None) -> bool:
    """Whether the person may see the row's subject; `hidden` (the subjects hidden from them) spares a query."""
    if hidden is None:
        return may_see_subject(person, row.subject_type, row.subject_id)
    return (row.subject_type, row.subject_id) not in hidden


def may_receive(row: HumanTask, person: User, hidden: set | None = None) -> bool:
    """Whether the task may be handed to this person: active, same agency, holding the task's lane role
    (in its department when it names one), and allowed to see its subject."""
    if not person.active or person.agency_id != row.agency_id:
        return False
    if row.candidate_role and not person.has_role(row.candidate_role):
        return False
    if row.candidate_department_id is not None and person.department_id != row.candidate_department_id:
        return False
    return _sees(person, row, hidden)


def reassignment_choices(rows: list[HumanTask], actor: User) -> dict[int, list[User]]:
    """For each row the actor may hand on, the people it may go to (see may_reassign, may_receive).

    Who may see a secret subject is asked once per person, and only when the page shows one.
    """
    people = db.session.scalars(select(User).where(User.agency_id == actor.agency_id, User.active.is_(True))
                                .order_by(vietnamese(User.full_name), User.id)).all()
    restricted = restricted_subjects((row.subject_type, row.subject_id) for row in rows)
    hidden = {person.id: hidden_subjects(person, restricted) if restricted else set() for person in people}
    hidden.setdefault(actor.id, hidden_subjects(actor, restricted) if restricted else set())
    return {row.id: [person for person in people if person.id != row.assigned_user_id
                     and may_receive(row, person, hidden[person.id])]
            for row in rows if may_reassign(actor, row, hidden[actor.id])}


def reassign_task(task_uuid: str, to_user: User, *, actor: User) -> HumanTask:
    """A leader or unit head hands a task to someone who holds its lane role (see may_reassign, may_receive)."""
    if not actor.has_role(*REASSIGNING_ROLES):
        raise TaskForbidden(_("Chỉ lãnh đạo hoặc lãnh đạo đơn vị được giao lại công việc."))
    row = _task(task_uuid, actor)
    if not may_reassign(actor, row):
        raise TaskForbidden(_("Bạn không được giao lại công việc này."))
    if not may_receive(row, to_user):
        raise WorkflowError(_("Người nhận phải đang làm việc tại cơ quan, giữ vai trò của bước này và được xem "
                              "văn bản của hồ sơ."))
    previous = row.assigned_user_id
    _set_assignee(row, expected=previous, new=to_user.id)
    if not any(c.user_id == to_user.id for c in row.candidates):
        db.session.add(HumanTaskCandidate(task_id=row.id, user_id=to_user.id))
    notify(to_user.id, NEW_TASK, task_uuid=task_uuid, actor=actor, dedupe_key=f"{NEW_TASK}:{task_uuid}",
           document_id=subject_document_id(row.subject_type, row.subject_id))
    record("task_reassigned", actor=actor, subject=("task", task_uuid), instance_id=row.instance_id,
           task_spec=row.spec_id, task_title=row.title, from_user_id=previous, to_user_id=to_user.id)
    db.session.flush()
    return row
