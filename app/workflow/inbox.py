"""The HumanTask index: one row per ready manual task, rewritten in the same transaction as the state."""
from datetime import date, datetime, time, timezone

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM

from .assignment import assign
from .models import HumanTask, HumanTaskCandidate, ProcessInstance, SubjectParticipant


def _due_at(data: dict) -> datetime | None:
    """A `due_date` (ISO date) in the task data means the end of that day in Vietnam."""
    value = data.get("due_date")
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return datetime.combine(day, time(23, 59, 59), VIETNAM).astimezone(timezone.utc)


# Table statements, built once: every save runs them, and the index rows need none of the ORM's
# bookkeeping (the rows are rewritten whole; nothing in the session holds them for long).
_TASKS, _CANDIDATES = HumanTask.__table__, HumanTaskCandidate.__table__
_ROWS_OF_INSTANCE = select(_TASKS.c.task_uuid, _TASKS.c.id).where(_TASKS.c.instance_id == bindparam("instance_id"))
_INSERT_TASKS = insert(_TASKS).returning(_TASKS.c.id, sort_by_parameter_order=True)


def index_ready_tasks(instance: ProcessInstance, workflow) -> None:
    """Make the instance's inbox rows match the engine's ready manual tasks."""
    ready = {str(task.id): task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}
    rows = dict(db.session.execute(_ROWS_OF_INSTANCE, {"instance_id": instance.id}).all())
    gone = [rows[task_uuid] for task_uuid in rows.keys() - ready.keys()]
    if gone:
        db.session.execute(delete(_TASKS).where(_TASKS.c.id.in_(gone)))  # candidates go by ON DELETE CASCADE
        _forget(set(gone))
    new = [ready[task_uuid] for task_uuid in ready if task_uuid not in rows]
    if not new:
        return
    values, candidates = [], []
    for task in new:
        spec = task.task_spec
        assignment = assign(spec.lane, task.data, instance.agency_id)
        values.append({
            "instance_id": instance.id, "task_uuid": str(task.id), "spec_id": spec.name,
            "title": spec.bpmn_name or spec.name, "lane": spec.lane, "agency_id": instance.agency_id,
            "candidate_role": assignment.role, "candidate_department_id": assignment.department_id,
            "assigned_user_id": assignment.assigned_id,
            "due_at": _due_at(task.data), "urgency": int(task.data.get("urgency") or 0),
            "subject_type": task.data.get("subject_type"), "subject_id": _text(task.data.get("subject_id")),
            "created_at": utcnow()})
        candidates.append(assignment.candidate_ids)
    ids = db.session.execute(_INSERT_TASKS, values).scalars().all()
    pairs = [{"task_id": task_id, "user_id": user_id} for task_id, users in zip(ids, candidates) for user_id in users]
    if pairs:
        db.session.execute(insert(_CANDIDATES), pairs)
    for row, users in zip(values, candidates):
        if row["subject_type"] and row["subject_id"]:
            _remember_participants(row["subject_type"], row["subject_id"], users)


def _forget(task_ids: set[int]) -> None:
    """Drop deleted rows the session still holds: SQLite hands their ids to the next inserts, and a stale
    object under a reused id would be taken for the new row."""
    for obj in list(db.session.identity_map.values()):
        stale = (isinstance(obj, HumanTask) and obj.id in task_ids) or (
            isinstance(obj, HumanTaskCandidate) and obj.task_id in task_ids)
        if stale and obj in db.session:  # a task's expunge takes its candidates along
            db.session.expunge(obj)


_INSERT_IGNORE = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _remember_participants(subject_type: str, subject_id: str, user_ids: list[int]) -> None:
    """Whoever is given work on a subject keeps seeing it afterwards (secret documents rely on it)."""
    if not user_ids:
        return
    insert_ignoring = _INSERT_IGNORE[db.session.get_bind().dialect.name]
    db.session.execute(insert_ignoring(SubjectParticipant).values(
        [{"subject_type": subject_type, "subject_id": subject_id, "user_id": user_id} for user_id in user_ids]
    ).on_conflict_do_nothing())


def _text(value) -> str | None:
    return None if value is None else str(value)
