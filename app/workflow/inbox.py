"""The HumanTask index: one row per ready manual task, rewritten in the same transaction as the state."""
from datetime import date, datetime, time, timezone

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
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


# Built once: every save runs it.
_ROWS_OF_INSTANCE = select(HumanTask).where(HumanTask.instance_id == bindparam("instance_id"))


def index_ready_tasks(instance: ProcessInstance, workflow) -> None:
    """Make the instance's inbox rows match the engine's ready manual tasks."""
    ready = {str(task.id): task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}
    rows = {row.task_uuid: row for row in db.session.scalars(_ROWS_OF_INSTANCE, {"instance_id": instance.id})}
    for task_uuid in set(rows) - set(ready):
        # Through the session, not a bulk DELETE: SQLite reuses the freed ids in this same
        # transaction, and the identity map must not still hold the old candidates.
        db.session.delete(rows[task_uuid])
    db.session.flush()
    for task_uuid in set(ready) - set(rows):
        task = ready[task_uuid]
        spec = task.task_spec
        assignment = assign(spec.lane, task.data, instance.agency_id)
        row = HumanTask(
            instance_id=instance.id, task_uuid=task_uuid, spec_id=spec.name,
            title=spec.bpmn_name or spec.name, lane=spec.lane, agency_id=instance.agency_id,
            candidate_role=assignment.role, candidate_department_id=assignment.department_id,
            assigned_user_id=assignment.assigned.id if assignment.assigned else None,
            due_at=_due_at(task.data), urgency=int(task.data.get("urgency") or 0),
            subject_type=task.data.get("subject_type"), subject_id=_text(task.data.get("subject_id")),
        )
        row.candidates = [HumanTaskCandidate(user_id=user.id) for user in assignment.candidates]
        db.session.add(row)
        if row.subject_type and row.subject_id:
            _remember_participants(row.subject_type, row.subject_id, assignment.candidates)


_INSERT_IGNORE = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _remember_participants(subject_type: str, subject_id: str, users) -> None:
    """Whoever is given work on a subject keeps seeing it afterwards (secret documents rely on it)."""
    if not users:
        return
    insert = _INSERT_IGNORE[db.session.get_bind().dialect.name]
    db.session.execute(insert(SubjectParticipant).values(
        [{"subject_type": subject_type, "subject_id": subject_id, "user_id": user.id} for user in users]
    ).on_conflict_do_nothing())


def _text(value) -> str | None:
    return None if value is None else str(value)
