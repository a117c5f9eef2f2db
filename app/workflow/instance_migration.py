"""Move running cases to another published version of their process: plan, dry run, move.

A move is one case under its lock: the state, its inbox and timer rows, the instance's version and the
`instance_migrated` event commit together or not at all. A batch moves case after case, each in its own
savepoint, so a refused or failing case stays whole on its version and the others go on.
"""
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, select, update

from app.audit.services import record
from app.directory.models import Agency, User
from app.directory.scoping import scoped, visible_agency_ids
from app.extensions import db

from .errors import TaskConflict, WorkflowError
from .inbox import _forget as forget_rows
from .instance_state import IndexedState, load_workflow, saved, version_specs
from .migration import (
    MigrationRefused,
    Plan,
    apply_plan,
    compute_plan,
    state_digest,
    waiting_step_choices,
    waiting_steps,
)
from .models import HumanTask, ProcessInstance, ProcessVersion, Timer
from .runtime import lock_instance
from .scripting_runtime import script_engine_for

MAX_BATCH = 5000


@dataclass
class VersionPlan:
    """A plan between two versions of one process."""

    old: ProcessVersion
    new: ProcessVersion
    plan: Plan


@dataclass
class CaseOutcome:
    instance_id: int
    title: str
    ok: bool
    steps: list[str] = field(default_factory=list)
    reason: str = ""


def version_of(process_id: str, number: int) -> ProcessVersion:
    version = db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id,
                                                              ProcessVersion.number == number)).first()
    if version is None:
        raise WorkflowError(_("Quy trình %(id)s không có phiên bản %(n)s.", id=process_id, n=number))
    return version


def plan_migration(process_id: str, from_number: int, to_number: int, overrides: dict | None = None) -> VersionPlan:
    """The plan from version `from_number` to `to_number` (overrides: old step id -> new step id)."""
    if from_number >= to_number:
        # Going back is publishing the older content again (a restore), which makes a newer number.
        raise WorkflowError(_("Chỉ chuyển hồ sơ sang phiên bản mới hơn phiên bản đang chạy."))
    old, new = version_of(process_id, from_number), version_of(process_id, to_number)
    overrides = {str(k): str(v) for k, v in (overrides or {}).items() if v and str(v) != str(k)}
    try:
        plan = compute_plan(version_specs(old)[0], version_specs(new)[0], overrides)
    except MigrationRefused as refused:
        raise WorkflowError(refused.reason) from None
    return VersionPlan(old, new, plan)


def target_steps(plan: VersionPlan) -> list[tuple[str, str, str]]:
    """The new version's waiting steps (id, name, kind), to choose a renamed step's counterpart from."""
    return waiting_step_choices(version_specs(plan.new)[0])


def scope_agencies(process_id: str, *, actor: User) -> list[Agency]:
    """Agencies with running cases of the process that the actor may see (the batch filter's choices)."""
    having = select(ProcessInstance.agency_id).where(ProcessInstance.process_id == process_id,
                                                     ProcessInstance.status == "running")
    return list(db.session.scalars(scoped(select(Agency).where(Agency.id.in_(having)), actor).order_by(Agency.name)))


def running_by_version(process_id: str, *, actor: User) -> dict[int, int]:
    """Version number -> running cases the actor may see."""
    statement = (select(ProcessVersion.number, func.count(ProcessInstance.id))
                 .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
                 .where(ProcessInstance.process_id == process_id, ProcessInstance.status == "running")
                 .group_by(ProcessVersion.number))
    agency_ids = visible_agency_ids(actor)
    if agency_ids is not None:
        statement = statement.where(ProcessInstance.agency_id.in_(agency_ids))
    return dict(db.session.execute(statement).all())


def running_cases(plan: VersionPlan, *, actor: User | None, agency_id: int | None = None,
                  step: str | None = None, instance_ids=None) -> list[int]:
    """Running cases of the old version the actor may see, by agency and by the step they wait at."""
    statement = select(ProcessInstance.id).where(ProcessInstance.process_version_id == plan.old.id,
                                                 ProcessInstance.status == "running")
    if actor is not None:
        statement = scoped(statement, actor)
    if agency_id is not None:
        statement = statement.where(ProcessInstance.agency_id == agency_id)
    if step:
        statement = statement.where(
            exists().where(HumanTask.instance_id == ProcessInstance.id, HumanTask.spec_id == step)
            | exists().where(Timer.instance_id == ProcessInstance.id, Timer.spec_id == step))
    if instance_ids is not None:
        statement = statement.where(ProcessInstance.id.in_(list(instance_ids)))
    return list(db.session.scalars(statement.order_by(ProcessInstance.id).limit(MAX_BATCH)))


def _moved(plan: VersionPlan, instance: ProcessInstance, workflow):
    new_spec, new_subprocess_specs = version_specs(plan.new)
    return apply_plan(workflow, plan.plan, new_spec, new_subprocess_specs, script_engine_for(instance, None))


def _loaded(instance: ProcessInstance, actor: User | None):
    """The case's workflow, or a refusal that says its state cannot be loaded (the case stays as it is)."""
    try:
        return load_workflow(instance, actor)
    except WorkflowError:
        raise
    except Exception as error:  # noqa: BLE001 — a broken state is that case's problem, not the batch's
        current_app.logger.warning("State of instance %s cannot be loaded", instance.id, exc_info=True)
        raise WorkflowError(_("Không nạp được trạng thái của hồ sơ (%(error)s); hồ sơ giữ nguyên phiên bản cũ.",
                              error=type(error).__name__)) from error


def dry_run(plan: VersionPlan, instance_ids: list[int]) -> list[CaseOutcome]:
    """Apply the plan to a copy of each case's state; nothing is written. A case that cannot be moved
    (refused by the plan, or its state unreadable) is reported and the others go on, as in a move."""
    outcomes = []
    for instance_id in instance_ids:
        instance = db.session.get(ProcessInstance, instance_id)
        outcome = CaseOutcome(instance.id, instance.title, True)
        try:
            workflow = _loaded(instance, None)
            outcome.steps = waiting_steps(workflow)
            _moved(plan, instance, workflow)
        except Exception as failure:  # noqa: BLE001  (as migrate_cases: that case is reported, the others go on)
            outcome.ok, outcome.reason = False, _reason(failure)
        outcomes.append(outcome)
    return outcomes


def migrate_instance(plan: VersionPlan, instance_id: int, *, actor: User | None) -> CaseOutcome:
    """Move one case under its lock (one winner against a completion at the same moment); flushes only."""
    instance = lock_instance(instance_id)
    if instance.process_version_id != plan.old.id:
        raise TaskConflict(_("Hồ sơ không còn ở phiên bản %(n)s (có thể vừa được chuyển).", n=plan.old.number))
    if instance.status != "running":
        raise TaskConflict(_("Hồ sơ không còn đang chạy."))
    workflow = _loaded(instance, actor)
    steps = waiting_steps(workflow)
    moved, new_ids = _moved(plan, instance, workflow)
    claims = _claims(instance.id)
    # Every inbox and timer row of the case is written again: the steps may have new names, lanes and ids.
    db.session.execute(delete(HumanTask).where(HumanTask.instance_id == instance.id)
                       .execution_options(synchronize_session=False))
    forget_rows(instance.id, set())
    db.session.execute(delete(Timer).where(Timer.instance_id == instance.id).execution_options(synchronize_session=False))
    with saved(instance, moved, IndexedState(frozenset(), {}), actor=actor):
        db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                           .values(process_version_id=plan.new.id).execution_options(synchronize_session=False))
        _restore_claims(claims, new_ids)
        record("instance_migrated", actor=actor, subject=instance, agency_id=instance.agency_id,
               instance_id=instance.id, process_id=instance.process_id,
               from_version=plan.old.number, from_sha256=plan.old.content_sha256,
               to_version=plan.new.number, to_sha256=plan.new.content_sha256,
               mapping=plan.plan.mapping, waiting=steps, tasks=new_ids,
               state_before_sha256=state_digest(workflow), state_after_sha256=state_digest(moved))
    db.session.expire(instance, ["process_version_id", "version"])
    return CaseOutcome(instance.id, instance.title, True, steps)


def _claims(instance_id: int) -> dict[str, tuple[int, str | None]]:
    rows = db.session.execute(select(HumanTask.task_uuid, HumanTask.assigned_user_id, HumanTask.lane)
                              .where(HumanTask.instance_id == instance_id, HumanTask.assigned_user_id.is_not(None)))
    return {task_uuid: (user_id, lane) for task_uuid, user_id, lane in rows}


def _restore_claims(claims: dict, new_ids: dict[str, str]) -> None:
    """Whoever had taken a task keeps it when it moves within the same lane."""
    for old_id, (user_id, lane) in claims.items():
        if old_id in new_ids:
            db.session.execute(update(HumanTask).where(
                HumanTask.task_uuid == new_ids[old_id], HumanTask.lane == lane,
                HumanTask.assigned_user_id.is_(None)).values(assigned_user_id=user_id)
                .execution_options(synchronize_session=False))


def migrate_cases(plan: VersionPlan, instance_ids: list[int], *, actor: User | None, stop_on_error: bool = False,
                  after_each=None) -> list[CaseOutcome]:
    """Move each case in its own savepoint: a refused one stays whole on the old version.

    `after_each` (the CLI's commit) runs after every case, so a long batch holds no case's lock for long.
    """
    outcomes = []
    for instance_id in instance_ids:
        try:
            with db.session.begin_nested():
                outcomes.append(migrate_instance(plan, instance_id, actor=actor))
        except Exception as failure:  # noqa: BLE001  (any failure: that case stays whole, the others go on)
            reason = _reason(failure)
            instance = db.session.get(ProcessInstance, instance_id)
            if instance is not None:
                # The rolled-back savepoint's values were told to the object (instance_state.saved): forget them.
                db.session.expire(instance)
            outcomes.append(CaseOutcome(instance_id, instance.title if instance else "", False, reason=reason))
            if stop_on_error:
                break
        if after_each is not None:
            after_each()
    return outcomes


def _reason(failure: Exception) -> str:
    if isinstance(failure, MigrationRefused):
        return failure.reason
    if isinstance(failure, WorkflowError):
        return failure.message
    current_app.logger.exception("instance migration failed")
    return _("Lỗi hệ thống khi chuyển hồ sơ; hồ sơ giữ nguyên phiên bản cũ.")
