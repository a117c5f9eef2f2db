"""The HumanTask index: one row per ready manual task, rewritten in the same transaction as the state."""
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Integer, bindparam, delete, insert, select
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
_DROP_ROWS_NOT_KEPT = delete(_TASKS).where(_TASKS.c.instance_id == bindparam("instance_id"),
                                           _TASKS.c.task_uuid.not_in(bindparam("kept", expanding=True)))
# inline(): no implicit RETURNING of the new id, which a pipelined write would have to wait for.
_INSERT_TASKS = insert(_TASKS).inline()
_INSERT_CANDIDATES = insert(_CANDIDATES).inline().from_select(
    ["task_id", "user_id"],
    select(_TASKS.c.id, bindparam("user_id", type_=Integer)).where(_TASKS.c.task_uuid == bindparam("task_uuid")))


def ready_manual_tasks(workflow) -> dict[str, object]:
    """Task id -> task for every ready manual task: what the inbox index holds for this state."""
    return {str(task.id): task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}


@dataclass
class InboxChange:
    """How a saved state changes the instance's inbox rows, worked out before anything is written: the
    people are read here, so the writes that follow need no answer from the database."""

    instance_id: int
    kept: list[str]  # ready before and after: their rows (and claims) stay
    drop: bool  # some row goes: every row of the instance but the kept ones is deleted
    rows: list[dict] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)
    participants: list[tuple[str, str, list[int]]] = field(default_factory=list)


def inbox_change(instance: ProcessInstance, workflow, *, indexed: Collection[str]) -> InboxChange:
    """Compare the engine's ready manual tasks with `indexed`, those ready when the state was loaded.

    Every state change rewrites the index in its own transaction, so those are the rows there are:
    the index is not read back. Rows for tasks no longer ready go in one DELETE that keeps only the
    still-ready ones (whatever else the instance has, a stray row included, goes); new tasks get
    fresh rows, their candidates worked out from the task data (assignment reads the people).
    """
    ready = ready_manual_tasks(workflow)
    new = [task for task_uuid, task in ready.items() if task_uuid not in indexed]
    kept = [task_uuid for task_uuid in ready if task_uuid in indexed]
    change = InboxChange(instance.id, kept, drop=bool(new) or len(kept) < len(indexed))
    for task in new:
        spec, task_uuid = task.task_spec, str(task.id)
        assignment = assign(spec.lane, task.data, instance.agency_id)
        subject_type, subject_id = task.data.get("subject_type"), _text(task.data.get("subject_id"))
        change.rows.append({
            "instance_id": instance.id, "task_uuid": task_uuid, "spec_id": spec.name,
            "title": spec.bpmn_name or spec.name, "lane": spec.lane, "agency_id": instance.agency_id,
            "candidate_role": assignment.role, "candidate_department_id": assignment.department_id,
            "assigned_user_id": assignment.assigned_id,
            "due_at": _due_at(task.data), "urgency": int(task.data.get("urgency") or 0),
            "subject_type": subject_type, "subject_id": subject_id, "created_at": utcnow()})
        change.candidates += [{"task_uuid": task_uuid, "user_id": user_id} for user_id in assignment.candidate_ids]
        if subject_type and subject_id and assignment.candidate_ids:
            change.participants.append((subject_type, subject_id, assignment.candidate_ids))
    return change


def write_inbox(change: InboxChange) -> None:
    """Write the change with statements whose answers nobody waits for (see runtime's pipelined writes):
    candidates find their task's id by its task id in the database."""
    if change.drop:
        # Candidates go by ON DELETE CASCADE; a claim on a kept row stays.
        db.session.execute(_DROP_ROWS_NOT_KEPT, {"instance_id": change.instance_id, "kept": change.kept})
        _forget(change.instance_id, set(change.kept))
    if change.rows:
        db.session.execute(_INSERT_TASKS, change.rows)
    if change.candidates:
        db.session.execute(_INSERT_CANDIDATES, change.candidates)
    for subject_type, subject_id, user_ids in change.participants:
        _remember_participants(subject_type, subject_id, user_ids)


def _forget(instance_id: int, kept: set[str]) -> None:
    """Drop the deleted rows the session still holds: SQLite hands their ids to the next inserts, and a
    stale object under a reused id would be taken for the new row."""
    held = list(db.session.identity_map.values())
    gone = {obj.id for obj in held
            if isinstance(obj, HumanTask) and obj.instance_id == instance_id and obj.task_uuid not in kept}
    for obj in held:
        stale = (isinstance(obj, HumanTask) and obj.id in gone) or (
            isinstance(obj, HumanTaskCandidate) and obj.task_id in gone)
        if stale and obj in db.session:  # a task's expunge takes its candidates along
            db.session.expunge(obj)


_INSERT_IGNORE = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _remember_participants(subject_type: str, subject_id: str, user_ids: list[int]) -> None:
    """Whoever is given work on a subject keeps seeing it afterwards (secret documents rely on it)."""
    insert_ignoring = _INSERT_IGNORE[db.session.get_bind().dialect.name]
    db.session.execute(insert_ignoring(SubjectParticipant).inline().values(
        [{"subject_type": subject_type, "subject_id": subject_id, "user_id": user_id} for user_id in user_ids]
    ).on_conflict_do_nothing())


def _text(value) -> str | None:
    return None if value is None else str(value)
