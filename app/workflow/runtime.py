"""Start instances, complete their tasks and fire their timers: one lock per instance, state loaded and saved once.

A completion is one transaction: engine step, state, inbox and timer index and audit event commit
together or not at all.
"""
import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable
from uuid import UUID

from flask_babel import gettext as _
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Text, bindparam, cast, exists, select
from sqlalchemy.orm import joinedload

from app.audit.models import AuditEvent
from app.audit.services import record
from app.directory.delegation import (
    NO_DELEGATIONS,
    DelegationView,
    any_delegation_in_force,
    delegations_in_force,
)
from app.directory.models import User
from app.extensions import db
from app.signing.validation import verdicts_reused
from app.vietnam_time import vietnam_today

from .access import task_access
from .deployment import latest_version
from .engine import SERIALIZER_VERSION, new_workflow
from .engine_loop import do_engine_steps
from .engine_steps import run_steps
from .errors import (
    ProcessFailed,
    TaskConflict,
    TaskForbidden,
    TaskNotFound,
    WorkflowError,
)
from .incident_records import note_failure
from .instance_state import NOTHING_INDEXED, load_indexed, saved, version_specs
from .models import HumanTask, HumanTaskCandidate, ProcessInstance, ProcessVersion
from .registry import catalogue
from .scripting_runtime import script_engine_for
from .timers import FiredTimers


def start_instance(process_id: str, *, actor: User | None, data: dict | None = None, title: str = "",
                   agency_id: int | None = None, subject: tuple[str, object] | None = None,
                   caused_by: User | None = None) -> ProcessInstance:
    """Start the latest version of a catalogued process in the actor's agency.

    Without an actor the system starts it in `agency_id` (a document delivered by another agency):
    the calling service is then the gate, and the starter lane stays open to every role holder.
    `subject` (type, id) names what the case is about when it exists already (see name_subject).
    `caused_by`, who made the system start it (a clerk receiving), is not told of the tasks it gives them.
    """
    definition = catalogue().processes.get(process_id)
    if definition is None:
        raise WorkflowError(_("Không có quy trình %(id)s.", id=process_id))
    if actor is not None and not actor.has_role(*definition.starter_roles):
        raise TaskForbidden(_("Bạn không có quyền khởi tạo quy trình này."))
    if actor is None and agency_id is None:
        raise WorkflowError(_("Thiếu cơ quan khởi tạo quy trình."))
    version = latest_version(process_id)
    if version is None:
        raise WorkflowError(_("Quy trình %(id)s chưa được triển khai (flask processes sync).", id=process_id))
    instance = ProcessInstance(process_version_id=version.id, process_id=process_id,
                               agency_id=actor.agency_id if actor else agency_id,
                               title=title or definition.title, started_by_id=actor.id if actor else None,
                               serializer_version=SERIALIZER_VERSION, state_json="{}")
    if subject is not None:
        name_subject(instance, *subject)
    db.session.add(instance)
    db.session.flush()
    spec, subprocess_specs = version_specs(version)
    initial = starting_data(definition, actor, data)
    workflow = new_workflow(spec, subprocess_specs, script_engine_for(instance, actor), initial)
    fired = FiredTimers()
    failure = run_steps(lambda: do_engine_steps(workflow, did_complete_task=fired), workflow,
                        person_present=actor is not None)
    with saved(instance, workflow, NOTHING_INDEXED, actor=actor or caused_by, bump=False,
               status="error" if failure else ""):
        record("instance_started", actor=actor, subject=instance, agency_id=instance.agency_id,
               process_id=process_id, version=version.number, content_sha256=version.content_sha256, data=initial)
        record_timers_fired(instance, fired)
    if failure:  # after the pipelined writes of the state: it reads the case's incident
        note_failure(instance, failure, actor=actor)
    return instance


def name_subject(instance: ProcessInstance, subject_type: str, subject_id) -> None:
    """Name the case's subject once: the service that starts the case or creates its subject does, never
    a completion's data. A case never changes subject (a forged id must not re-point it)."""
    named = (subject_type, str(subject_id))
    if instance.subject_type is not None and (instance.subject_type, instance.subject_id) != named:
        raise WorkflowError(_("Hồ sơ đã gắn với một đối tượng khác."))
    instance.subject_type, instance.subject_id = named


def starting_data(definition, actor: User | None, data: dict | None) -> dict:
    """The data an instance starts with: the caller's, who started it, and the starter lane's owner."""
    initial = dict(data or {})
    if actor is not None:
        initial["started_by"] = actor.username
        if definition.starter_lane:
            initial["lane_owners"] = {**initial.get("lane_owners", {}), definition.starter_lane: [actor.username]}
    return initial


# The statements every completion runs are built once (building and caching an ORM statement costs
# more than SQLite takes to run it).
def _locking(statement):
    """`statement` taking the instance row's lock; the version comes along without its BPMN and spec JSON
    (the spec objects are cached per version, so only a cache miss or a serializer migration reads it)."""
    return (statement.options(joinedload(ProcessInstance.version, innerjoin=True).load_only(
                ProcessVersion.process_id, ProcessVersion.number, ProcessVersion.content_sha256))
            .with_for_update(of=ProcessInstance).execution_options(populate_existing=True))


_LOCK_INSTANCE = _locking(select(ProcessInstance).where(ProcessInstance.id == bindparam("instance_id")))
_TASK_INSTANCE = select(HumanTask.instance_id).where(HumanTask.task_uuid == bindparam("task_uuid"))
# The task's row and its instance, locked, in one statement. A second click that waited for the lock gets
# the row as its snapshot saw it; the engine state, read under the lock, then says the task is done.
# Two answers for the entitlement come along, so it needs no query of its own in the usual case:
# whether the actor has any delegation in force today, and whether the actor is a candidate.
_ACTOR_ID, _TODAY = bindparam("actor_id"), bindparam("today")
_LOCK_TASK = _locking(
    select(ProcessInstance, HumanTask, any_delegation_in_force(_ACTOR_ID, _TODAY).label("delegated"),
           exists().where(HumanTaskCandidate.task_id == HumanTask.id,
                          HumanTaskCandidate.user_id == _ACTOR_ID).label("offered"))
    .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
    .where(HumanTask.task_uuid == bindparam("task_uuid")))


def record_timers_fired(instance: ProcessInstance, fired: list[str]) -> None:
    # The system fires timers, also when a completion creates one that is already due.
    if fired:
        record("timer_fired", actor=None, subject=instance, agency_id=instance.agency_id,
               instance_id=instance.id, timers=list(fired), version_sha256=instance.version.content_sha256)


def fire_timers(instance_id: int) -> list[str]:
    """Run the instance's due timers under its lock; return the timer specs that fired.

    Due means due by the engine's clock (wall-clock UTC): the Timer index only says where to look.
    """
    instance = lock_instance(instance_id)
    if instance.status != "running":
        return []
    workflow, indexed = load_indexed(instance, None)
    fired = FiredTimers()
    failure = run_steps(lambda: (workflow.refresh_timers(), do_engine_steps(workflow, did_complete_task=fired)),
                        workflow, person_present=False)
    if not fired and not failure:
        return []
    with saved(instance, workflow, indexed, actor=None, status="error" if failure else ""):
        record_timers_fired(instance, fired)
    if failure:
        note_failure(instance, failure, actor=None)
    return list(fired)


def deliver_message(instance_id: int, message_name: str, payload, *, actor: User | None = None) -> None:
    """Hand a message from outside (another agency, the exchange) to an instance waiting for it."""
    instance = lock_instance(instance_id)
    if instance.status != "running":
        raise WorkflowError(_("Hồ sơ không còn đang chạy."))
    workflow, indexed = load_indexed(instance, actor)
    event = BpmnEvent(MessageEventDefinition(message_name), payload=payload)
    try:
        workflow.send_event(event)
    except WorkflowException:
        raise TaskConflict(_("Hồ sơ không chờ thông điệp %(name)s.", name=message_name)) from None
    fired = FiredTimers()
    failure = run_steps(lambda: do_engine_steps(workflow, did_complete_task=fired), workflow, person_present=False)
    with saved(instance, workflow, indexed, actor=actor, status="error" if failure else ""):
        record("message_delivered", actor=actor, subject=instance, agency_id=instance.agency_id,
               instance_id=instance.id, message=message_name, payload=payload,
               version_sha256=instance.version.content_sha256)
        record_timers_fired(instance, fired)
    if failure:
        note_failure(instance, failure, actor=actor)


def lock_instance(instance_id: int) -> ProcessInstance:
    """Take the instance's row lock (FOR UPDATE on PostgreSQL; SQLite serialises at BEGIN)."""
    instance = db.session.scalars(_LOCK_INSTANCE, {"instance_id": instance_id}).first()
    if instance is None:
        raise WorkflowError(_("Không tìm thấy hồ sơ quy trình."))
    return instance


def completed_by(task_uuid: str, *, agency_id: int | None = None) -> str | None:
    """Return the name of whoever completed the task (from the audit chain), or None if nobody did."""
    stmt = select(AuditEvent).where(AuditEvent.event_type == "task_completed", AuditEvent.subject_type == "task",
                                    AuditEvent.subject_id == task_uuid)
    if agency_id is not None:
        stmt = stmt.where(AuditEvent.agency_id == agency_id)
    event = db.session.scalars(stmt).first()
    if event is None:
        return None
    return event.actor.full_name if event.actor else _("hệ thống")


def _who_completed(task_uuid: str) -> str:
    return completed_by(task_uuid) or _("người khác")


def _moved_to_new_version(task_uuid: str, *, agency_id: int) -> bool:
    """Whether a case migration gave this task a new id (app.workflow.instance_migration): a rare path,
    read only when a task is not found, so a text search of those events is enough."""
    return db.session.scalar(select(AuditEvent.seq).where(
        AuditEvent.event_type == "instance_migrated", AuditEvent.agency_id == agency_id,
        cast(AuditEvent.data, Text).contains(task_uuid)).limit(1)) is not None


def _instance_of_task(task_uuid: str, actor: User) -> int:
    instance_id = db.session.scalar(_TASK_INSTANCE, {"task_uuid": task_uuid})
    if instance_id is not None:
        return instance_id
    done_by = completed_by(task_uuid, agency_id=actor.agency_id)
    if done_by is None:
        if _moved_to_new_version(task_uuid, agency_id=actor.agency_id):
            raise TaskConflict(_("Hồ sơ vừa được chuyển sang phiên bản quy trình mới: mở lại công việc từ "
                                 "\"Việc của tôi\"."))
        raise TaskNotFound(_("Không tìm thấy công việc."))
    raise TaskConflict(_("Công việc này đã được xử lý bởi %(name)s.", name=done_by))


@dataclass
class Completion:
    instance: ProcessInstance
    task_spec_id: str
    prepared: dict = field(default_factory=dict)  # what `prepare` added (e.g. the signature result)
    task_title: str = ""
    # The answer was kept but a system step after it failed: the case waits in an incident.
    incident: bool = False


@dataclass
class LockedTask:
    """A ready task under its instance's lock, with the state loaded once and whom the actor acts for."""

    instance: ProcessInstance
    row: HumanTask
    workflow: object
    indexed: object
    task: Task
    acting_for: User | None


def lock_task(task_uuid: str, *, actor: User) -> LockedTask:
    """Lock a ready task's instance and load its state; one winner when two people submit at once.

    Tasks are addressed by the engine's task id: inbox row ids are reused once rows are deleted.
    Another agency's task is not found (its existence is not theirs to learn).
    """
    locked = db.session.execute(_LOCK_TASK, {"task_uuid": task_uuid, "actor_id": actor.id,
                                             "today": vietnam_today()}).first()
    if locked is None:
        _instance_of_task(task_uuid, actor)  # raises: done by someone (named), or no such task
        raise TaskConflict(_("Công việc này đã được xử lý bởi %(name)s.", name=_who_completed(task_uuid)))
    instance, row, delegated, offered = locked
    if row.agency_id != actor.agency_id:
        raise TaskNotFound(_("Không tìm thấy công việc."))
    workflow, indexed = load_indexed(instance, actor)
    task = workflow.get_task_from_id(UUID(task_uuid))
    if task is None or task.state != TaskState.READY:
        # Checked first: a click that waited for the lock has a row its snapshot saw, already done.
        raise TaskConflict(_("Công việc này đã được xử lý bởi %(name)s.", name=_who_completed(task_uuid)))
    acting_for = _entitlement(row, actor, delegations_in_force(actor) if delegated else NO_DELEGATIONS, offered)
    return LockedTask(instance, row, workflow, indexed, task, acting_for)


def run_task(locked: LockedTask, data: dict, *, actor: User, prepare: Callable[[Task], dict] | None = None,
             channel: str | None = None) -> Completion:
    """Run the locked task with `data` and save the state, index and audit event together.

    `prepare(task)` runs once the task is known to be ready and the actor entitled, before the task
    runs; what it returns joins the data (a signing step signs there, so a second click waits for the
    first and then finds the task done, having signed nothing).
    """
    with verdicts_reused():  # the seal step's verdicts serve the release to each recipient in the same run
        return _run_task(locked, data, actor=actor, prepare=prepare, channel=channel)


def _run_task(locked: LockedTask, data: dict, *, actor: User, prepare, channel) -> Completion:
    instance, workflow, task = locked.instance, locked.workflow, locked.task
    task.data.update(data)
    prepared = {}
    if prepare is not None:
        prepared = prepare(task)
        task.data.update(prepared)
        data = {**data, **prepared}
    _retitle(instance, task.data)
    fired = FiredTimers()
    failure = run_steps(lambda: (task.run(), do_engine_steps(workflow, did_complete_task=fired)), workflow,
                        person_present=True)
    with saved(instance, workflow, locked.indexed, actor=actor, status="error" if failure else ""):
        extra = {"channel": channel} if channel else {}
        record("task_completed", actor=actor, subject=("task", str(task.id)), agency_id=instance.agency_id,
               on_behalf_of=locked.acting_for, instance_id=instance.id, task_spec=task.task_spec.name,
               task_title=task.task_spec.bpmn_name or task.task_spec.name,
               lane=task.task_spec.lane, version_sha256=instance.version.content_sha256, data=data,
               task_data_sha256=task_data_digest(task.data), **extra)
        record_timers_fired(instance, fired)
    if failure:
        note_failure(instance, failure, actor=actor)
    return Completion(instance, task.task_spec.name, prepared, locked.row.title, incident=failure is not None)


def complete_task(task_uuid: str, data: dict, *, actor: User,
                  prepare: Callable[[Task], dict] | None = None) -> Completion:
    """Complete a ready task with data the caller vouches for (seeding, tests, jobs).

    People's answers go through workflow.submission.submit_task, which keeps only declared fields.
    """
    return run_task(lock_task(task_uuid, actor=actor), data, actor=actor, prepare=prepare)


def task_data_digest(data: dict) -> str:
    """SHA-256 of the task data in canonical JSON (values JSON cannot spell as their str): what replay compares."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def settle_refused_completion(task_uuid: str, refused: WorkflowError, *, actor: User) -> None:
    """Roll a refused completion back, then keep what must outlive it and commit that alone: the
    engine error in the audit chain, and the refusal's own after_rollback (e.g. a wrong PIN counted)."""
    db.session.rollback()
    keep = record_failed_completion(task_uuid, refused, actor=actor)
    if refused.after_rollback:
        refused.after_rollback()
        keep = True
    if keep:
        db.session.commit()


def record_failed_completion(task_uuid: str, refused: WorkflowError, *, actor: User) -> bool:
    """After the rollback of a failed completion, keep the engine error in the audit chain.

    Returns True when something was recorded (the caller commits); refusals that are not
    engine failures (conflict, forbidden) need no event.
    """
    if not isinstance(refused, ProcessFailed):
        return False
    row = db.session.scalars(select(HumanTask).where(HumanTask.task_uuid == task_uuid)).first()
    if row is None:
        return False
    record("task_failed", actor=actor, subject=("task", task_uuid), agency_id=row.agency_id,
           instance_id=row.instance_id, task_spec=row.spec_id, task_title=row.title, error=refused.message)
    return True


def _retitle(instance: ProcessInstance, data: dict) -> None:
    """Name the case after the field its process names (e.g. the work's title) once it is filled in."""
    definition = catalogue().processes.get(instance.process_id)
    title_field = definition.title_field if definition else None
    if title_field and isinstance(data.get(title_field), str) and data[title_field].strip():
        title = data[title_field].strip()[:500]
        if title != instance.title:  # setting the same value would still make the next query flush
            instance.title = title


def _entitlement(row: HumanTask, actor: User, view: DelegationView, offered: bool) -> User | None:
    """Return whom the actor acts for (None = themself); refuse people who may not act."""
    allowed, on_behalf_of_id = task_access(row, actor, view=view, actor_offered=offered)
    if not allowed:
        if row.assigned_user_id is not None:
            raise TaskForbidden(_("Công việc này đã được giao cho người khác."))
        raise TaskForbidden(_("Bạn không thuộc nhóm được xử lý công việc này."))
    return db.session.get(User, on_behalf_of_id) if on_behalf_of_id else None
