"""Changes to a running case that come from outside its tasks' answers: cancelling it (a recall, or the
person a task waits for abandoning the case), moving the values its timers follow (a new due date decided
elsewhere), putting it into an incident. Each takes the instance's lock and saves state, index and audit event
together, like runtime's completions.
"""
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from app.audit.services import record
from app.directory.models import User
from app.extensions import db
from app.sqltypes import utcnow

from .engine_loop import do_engine_steps
from .engine_steps import run_engine
from .failures import unloadable
from .inbox import due_at
from .incident_records import note_failure
from .instance_state import load_indexed, saved
from .models import HumanTask, Timer
from .runtime import lock_instance, record_timers_fired
from .timers import FiredTimers, set_case_values

if TYPE_CHECKING:
    from .runtime import LockedTask


def cancel_instance(instance_id: int, *, actor: User | None, reason: str) -> bool:
    """Stop a running instance for good (e.g. a document recalled by its sender); its open tasks leave
    every inbox. Returns False when it had already ended."""
    instance = lock_instance(instance_id)
    if instance.status not in ("running", "error"):
        return False
    workflow, indexed = load_indexed(instance, actor)
    _cancel(instance, workflow, indexed, actor=actor, reason=reason)
    return True


def cancel_from_task(locked: "LockedTask", *, actor: User, reason: str) -> None:
    """Stop the case from one of its ready tasks, locked and checked as for completing it (the person it
    waits for abandons the case, e.g. an unfinished draft)."""
    _cancel(locked.instance, locked.workflow, locked.indexed, actor=actor, reason=reason,
            on_behalf_of=locked.acting_for, task_spec=locked.task.task_spec.name)


def _cancel(instance, workflow, indexed, *, actor, reason: str, on_behalf_of=None, **extra) -> None:
    workflow.cancel()
    with saved(instance, workflow, indexed, actor=actor, status="cancelled"):
        record("instance_cancelled", actor=actor, subject=instance, agency_id=instance.agency_id,
               on_behalf_of=on_behalf_of, instance_id=instance.id, reason=reason,
               version_sha256=instance.version.content_sha256, **extra)


def change_case_values(instance_id: int, values: dict, *, actor: User | None, reason: str) -> list[str]:
    """Change values a running case's timers are computed from (a new due date decided outside the case);
    its waiting date timers follow them, and a time already passed fires now. Returns the timers moved."""
    instance = lock_instance(instance_id)
    if instance.status != "running":
        return []
    workflow, indexed = load_indexed(instance, actor)
    moved = set_case_values(workflow, values)
    fired = FiredTimers()
    run_engine(lambda: (workflow.refresh_timers(), do_engine_steps(workflow, did_complete_task=fired)))
    with saved(instance, workflow, indexed, actor=actor):
        record("case_values_changed", actor=actor, subject=instance, agency_id=instance.agency_id,
               instance_id=instance.id, values=values, timers=moved, reason=reason,
               version_sha256=instance.version.content_sha256)
        record_timers_fired(instance, fired)
    if "due_date" in values:
        # The inbox row of a task still ready keeps the deadline it was written with: it follows too.
        db.session.execute(update(HumanTask).where(HumanTask.instance_id == instance.id)
                           .values(due_at=due_at(values)).execution_options(synchronize_session=False))
    return moved


def mark_instance_failed(instance_id: int, error: Exception, *, actor: User | None = None) -> None:
    """Put a case whose state the engine could not run into an incident, so jobs skip it until it is repaired."""
    instance = lock_instance(instance_id)
    instance.status, instance.updated_at = "error", utcnow()
    step = db.session.scalar(select(Timer.spec_id).where(Timer.instance_id == instance_id).order_by(Timer.due_at))
    note_failure(instance, unloadable(error, step=step or ""), actor=actor)
