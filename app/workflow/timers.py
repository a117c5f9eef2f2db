"""The Timer index: due times of pending timer events, rewritten in the same transaction as the state.

The engine computes a timer's due time once, when the event starts waiting, and keeps it in the
task's internal data; this index mirrors it so the timer job finds due instances with one indexed
query instead of loading every running instance.
"""
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, func, insert, select, update

from app.extensions import db

from .engine_loop import ready_tasks
from .models import ProcessInstance, Timer


def _is_timer(task_spec) -> bool:
    return isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)


def _due_time(task) -> datetime | None:
    """The UTC due time of a timer task, from the value the engine stored when it started waiting."""
    value = task.task_spec.event_definition.details(task).value
    if not isinstance(value, str):  # a cycle timer that has run all its cycles
        return None
    return TimerEventDefinition.get_datetime(value)


def pending_timers(workflow, ready: list | None = None) -> dict[str, tuple[str, datetime]]:
    """Task id -> (timer spec name, due time in UTC) for every timer waiting or fired but not yet run;
    `ready` is the workflow's READY tasks when the caller has them."""
    # waiting_events() reads the same event manager but drops the task ids the index needs.
    waiting = [task for task in workflow.event_manager.tasks.values() if _is_timer(task.task_spec)]
    # A timer whose time passes in the engine's final refresh is READY but runs only at the next step.
    if ready is None:
        ready = ready_tasks(workflow)
    ready = [task for task in ready if not task.task_spec.manual and _is_timer(task.task_spec)]
    pending = {}
    for task in waiting + ready:
        due = _due_time(task)
        if due is not None:
            pending[str(task.id)] = (task.task_spec.name, due)
    return pending


# The tasks a case's values live on until it moves on: the data of the next steps is copied from them.
_OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def set_case_values(workflow, values: dict) -> list[str]:
    """Give the case's open steps new values (e.g. due_date) and re-arm its waiting date timers with them.

    The engine computes a date timer's time once, when it starts waiting: forgetting that time makes
    the next refresh compute it again from the new values. A waiting event takes its data from its parent
    (a boundary event's, the task it is attached to) at every refresh, so the parent gets them too.
    Returns the timer specs re-armed. Live runs and replay both go through here, so a replayed case holds
    the same data.
    """
    moved = []
    for task in workflow.get_tasks(state=_OPEN):
        task.data.update(values)
        if task.state == TaskState.WAITING and isinstance(getattr(task.task_spec, "event_definition", None),
                                                          TimeDateEventDefinition):
            if task.parent is not None:
                task.parent.data.update(values)
            task.internal_data.pop("event_value", None)
            task.internal_data.pop("event_fired", None)
            moved.append(task.task_spec.name)
    return sorted(moved)


# Table statements, built once (see inbox): timers need no ids back, so new ones go in one executemany.
_TIMERS = Timer.__table__
_DROP_TIMERS_NOT_KEPT = delete(_TIMERS).where(_TIMERS.c.instance_id == bindparam("instance_id"),
                                              _TIMERS.c.task_uuid.not_in(bindparam("kept", expanding=True)))
_INSERT_TIMERS = insert(_TIMERS).inline()  # no RETURNING to wait for (database.pipelined_writes)
_MOVE_TIMER = update(_TIMERS).where(_TIMERS.c.task_uuid == bindparam("uuid")).values(due_at=bindparam("due"))


@dataclass
class TimerChange:
    """How a saved state changes the instance's Timer rows, worked out from the engine alone (see inbox)."""

    instance_id: int
    remaining: list[str]  # the pending timers' task ids: every other row of the instance goes
    drop: bool  # some row goes
    new: list[dict]
    moved: list[dict]  # a cycle timer moves on


def timer_change(instance: ProcessInstance, workflow, *, indexed: dict[str, tuple[str, datetime]],
                 ready: list | None = None) -> TimerChange:
    """Compare the engine's pending timers with `indexed`, `pending_timers` of the state as loaded: the
    rows there are (see inbox), not read back."""
    pending = {} if workflow.is_completed() else pending_timers(workflow, ready)
    new = [{"instance_id": instance.id, "task_uuid": task_uuid, "spec_id": spec_id, "due_at": due_at}
           for task_uuid, (spec_id, due_at) in pending.items() if task_uuid not in indexed]
    kept = [task_uuid for task_uuid in pending if task_uuid in indexed]
    moved = [{"uuid": task_uuid, "due": pending[task_uuid][1]} for task_uuid in kept
             if indexed[task_uuid][1] != pending[task_uuid][1]]
    return TimerChange(instance.id, list(pending), bool(new) or len(kept) < len(indexed), new, moved)


def write_timers(change: TimerChange, *, drop: bool = True) -> None:
    """Make the instance's Timer rows match the engine's pending timers; `drop=False` leaves the DELETE
    of the rows that go to the caller, who sends it after these writes keeping `remaining`."""
    if change.drop and drop:  # before the new rows go in: keeping theirs too changes nothing
        db.session.execute(_DROP_TIMERS_NOT_KEPT, {"instance_id": change.instance_id, "kept": change.remaining})
    if change.new:
        db.session.execute(_INSERT_TIMERS, change.new)
    if change.moved:
        db.session.execute(_MOVE_TIMER, change.moved)


def due_instance_ids(now: datetime, *, limit: int) -> list[int]:
    """Running instances with a timer due by `now`, earliest first."""
    return list(db.session.scalars(
        select(Timer.instance_id).join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .where(Timer.due_at <= now, ProcessInstance.status == "running")
        .group_by(Timer.instance_id).order_by(func.min(Timer.due_at)).limit(limit)))


class FiredTimers(list):
    """A `did_complete_task` callback collecting the timer events the engine ran, by spec name."""

    def __call__(self, task) -> None:
        if _is_timer(task.task_spec):
            self.append(task.task_spec.name)
