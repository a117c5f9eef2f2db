"""The Timer index: due times of pending timer events, rewritten in the same transaction as the state.

The engine computes a timer's due time once, when the event starts waiting, and keeps it in the
task's internal data; this index mirrors it so the timer job finds due instances with one indexed
query instead of loading every running instance.
"""
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, func, select

from app.extensions import db

from .models import ProcessInstance, Timer


def _is_timer(task_spec) -> bool:
    return isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)


def _due_time(task) -> datetime | None:
    """The UTC due time of a timer task, from the value the engine stored when it started waiting."""
    value = task.task_spec.event_definition.details(task).value
    if not isinstance(value, str):  # a cycle timer that has run all its cycles
        return None
    return TimerEventDefinition.get_datetime(value)


def pending_timers(workflow) -> dict[str, tuple[str, datetime]]:
    """Task id -> (timer spec name, due time in UTC) for every timer waiting or fired but not yet run."""
    # waiting_events() reads the same event manager but drops the task ids the index needs.
    waiting = [task for task in workflow.event_manager.tasks.values() if _is_timer(task.task_spec)]
    # A timer whose time passes in the engine's final refresh is READY but runs only at the next step.
    ready = [task for task in workflow.get_tasks(state=TaskState.READY, manual=False) if _is_timer(task.task_spec)]
    pending = {}
    for task in waiting + ready:
        due = _due_time(task)
        if due is not None:
            pending[str(task.id)] = (task.task_spec.name, due)
    return pending


def index_timers(instance: ProcessInstance, workflow) -> None:
    """Make the instance's Timer rows match the engine's pending timers."""
    pending = {} if workflow.is_completed() else pending_timers(workflow)
    existing = {row.task_uuid: row for row in db.session.scalars(
        select(Timer).where(Timer.instance_id == instance.id))}
    gone = set(existing) - set(pending)
    if gone:
        db.session.execute(delete(Timer).where(Timer.task_uuid.in_(gone)))
    for task_uuid, (spec_id, due_at) in pending.items():
        row = existing.get(task_uuid)
        if row is None:
            db.session.add(Timer(instance_id=instance.id, task_uuid=task_uuid, spec_id=spec_id, due_at=due_at))
        elif row.due_at != due_at:  # a cycle timer moves on to its next time
            row.due_at = due_at


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
