"""The HumanTask index: one row per ready manual task, rewritten in the same transaction as the state."""
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from functools import cache

from sqlalchemy import String, bindparam, delete, insert, select, true

from app.database import CONFLICT_INSERTS, built_once
from app.extensions import db
from app.notifications.services import notify_new_task_holder, subject_document_id
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM

from .assignment import OWNERS, Assignment, assign, people_select, sole_owner
from .engine_loop import ready_tasks
from .models import HumanTask, HumanTaskCandidate, ProcessInstance, SubjectParticipant


def due_at(data: dict) -> datetime | None:
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
_INSERT_TASK = insert(_TASKS).inline()


# Statements built once per kind of assignment rule (and dialect): building them costs more than running.
@cache
def _insert_task_held_by_sole_owner():
    return _INSERT_TASK.values(assigned_user_id=sole_owner())


@cache
def _insert_candidates(kind: str):
    task_id = select(_TASKS.c.id).where(_TASKS.c.task_uuid == bindparam("task_uuid")).scalar_subquery()
    return insert(_CANDIDATES).inline().from_select(["task_id", "user_id"], people_select(kind, task_id))


@cache
def _insert_participants(kind: str, dialect: str):
    subject = (bindparam("subject_type", type_=String), bindparam("subject_id", type_=String))
    return built_once(CONFLICT_INSERTS[dialect](SubjectParticipant.__table__).inline().from_select(
        ["subject_type", "subject_id", "user_id"], people_select(kind, *subject)).on_conflict_do_nothing())


# The columns of a new row (InboxChange.new), besides the holder the assignment rule gives.
_ROW_COLUMNS = ("instance_id", "task_uuid", "spec_id", "title", "lane", "agency_id", "candidate_role",
                "candidate_department_id", "due_at", "urgency", "subject_type", "subject_id", "created_at")


@cache
def _insert_task_with_people(kind: str, with_subject: bool):
    """PostgreSQL: a new task's row, its candidates and its subject's participants in one statement, the
    people selected once. Data-modifying CTEs all run, whether read or not; the candidates take the row's
    id from its RETURNING (a sibling cannot see the row itself)."""
    values = {column: bindparam(column, type_=_TASKS.c[column].type) for column in _ROW_COLUMNS}
    if kind == OWNERS:
        values["assigned_user_id"] = sole_owner()
    task = insert(_TASKS).values(values).returning(_TASKS.c.id).cte("new_task")
    people = people_select(kind).cte("people")
    candidates = insert(_CANDIDATES).from_select(["task_id", "user_id"], select(task.c.id, people.c.id)
                                                       .select_from(task.join(people, true())))  # one task: all of them
    if not with_subject:
        return candidates.add_cte(task, people)
    subject = (bindparam("subject_type", type_=String), bindparam("subject_id", type_=String))
    return built_once(CONFLICT_INSERTS["postgresql"](SubjectParticipant.__table__)
                      .from_select(["subject_type", "subject_id", "user_id"], select(*subject, people.c.id))
                      .on_conflict_do_nothing().add_cte(task, people, candidates.cte("candidates")))


def ready_manual_tasks(workflow, ready: list | None = None) -> dict[str, object]:
    """Task id -> task for every ready manual task: what the inbox index holds for this state. `ready` is
    the workflow's READY tasks when the caller has them (one walk of the tree serves the timers too)."""
    if ready is None:
        ready = ready_tasks(workflow)
    return {str(task.id): task for task in ready if task.task_spec.manual}


@dataclass
class InboxChange:
    """How a saved state changes the instance's inbox rows, worked out from the engine alone: the
    writes that follow need no answer from the database (the people are resolved inside them)."""

    instance_id: int
    kept: list[str]  # ready before and after: their rows (and claims) stay
    drop: bool  # some row goes: every row of the instance but the kept ones is deleted
    new: list[tuple[dict, Assignment]] = field(default_factory=list)  # a row per new task, and its people

    @property
    def remaining(self) -> list[str]:
        """The task ids whose rows stay once the change is written: the kept ones and the new ones."""
        return self.kept + [row["task_uuid"] for row, _ in self.new]


def inbox_change(instance: ProcessInstance, workflow, *, indexed: Collection[str],
                 ready: list | None = None) -> InboxChange:
    """Compare the engine's ready manual tasks with `indexed`, those ready when the state was loaded.

    Every state change rewrites the index in its own transaction, so those are the rows there are:
    the index is not read back. Rows for tasks no longer ready go in one DELETE that keeps only the
    still-ready ones (whatever else the instance has, a stray row included, goes); new tasks get
    fresh rows, with the assignment rule their task data gives (the database resolves the people).
    """
    ready = ready_manual_tasks(workflow, ready)
    new = [task for task_uuid, task in ready.items() if task_uuid not in indexed]
    kept = [task_uuid for task_uuid in ready if task_uuid in indexed]
    change = InboxChange(instance.id, kept, drop=bool(new) or len(kept) < len(indexed))
    for task in new:
        spec = task.task_spec
        assignment = assign(spec.lane, task.data, instance.agency_id)
        change.new.append(({
            "instance_id": instance.id, "task_uuid": str(task.id), "spec_id": spec.name,
            "title": spec.bpmn_name or spec.name, "lane": spec.lane, "agency_id": instance.agency_id,
            "candidate_role": assignment.role, "candidate_department_id": assignment.department_id,
            "due_at": due_at(task.data), "urgency": int(task.data.get("urgency") or 0),
            # The instance names the subject; task data is user input.
            "subject_type": instance.subject_type, "subject_id": instance.subject_id,
            "created_at": utcnow()}, assignment))
    return change


def write_inbox(change: InboxChange, *, actor_id: int | None = None, drop: bool = True) -> None:
    """Write the change with statements whose answers nobody waits for (database.pipelined_writes):
    the holder, the candidates and the subject's participants are selected by the database from the
    assignment rule, the candidates finding their task by its task id. A new task's holder is told of
    it (app.notifications), unless they are the actor whose step made it. `drop=False` leaves the
    DELETE of the rows that go to the caller, who sends it after these writes keeping `remaining`."""
    if change.drop:
        if drop:  # candidates go by ON DELETE CASCADE; a claim on a kept row stays
            db.session.execute(_DROP_ROWS_NOT_KEPT, {"instance_id": change.instance_id, "kept": change.kept})
        _forget(change.instance_id, set(change.kept))
    dialect = db.session.get_bind().dialect.name if change.new else None
    for row, assignment in change.new:
        _insert_task(row, assignment, dialect)
        if assignment.kind == OWNERS:  # only named owners give a row a holder; role tasks wait to be claimed
            notify_new_task_holder(row["task_uuid"], actor_id=actor_id,
                                   document_id=subject_document_id(row["subject_type"], row["subject_id"]))


def _insert_task(row: dict, assignment: Assignment, dialect: str) -> None:
    """Write a new task's row with its candidates and, when the case names a subject, its participants:
    whoever is given work on a subject keeps seeing it afterwards (secret documents rely on it)."""
    kind, parameters = assignment.kind, {**row, **assignment.parameters}
    with_subject = bool(row["subject_type"] and row["subject_id"])
    if dialect == "postgresql":
        db.session.execute(_insert_task_with_people(kind, with_subject), parameters)
        return
    db.session.execute(_insert_task_held_by_sole_owner() if kind == OWNERS else _INSERT_TASK, parameters)
    db.session.execute(_insert_candidates(kind), parameters)
    if with_subject:
        db.session.execute(_insert_participants(kind, dialect), parameters)


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


def _text(value) -> str | None:
    return None if value is None else str(value)
