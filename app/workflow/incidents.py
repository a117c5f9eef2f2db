"""Repairing incidents: run the failed step again (after editing its data), skip it where the process
allows, or cancel the case; the job runner retries transient failures at their backoff times.

Every action takes the case's lock, checks that the incident is still unresolved and that the case is
the one the operator looked at (its lock_version), and is recorded with who and why: of two clicks, one
wins and the other is told what happened.
"""
import json
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from app.audit.services import record
from app.directory.models import User
from app.directory.roles import ADMIN
from app.directory.scoping import get_visible, scoped
from app.extensions import db
from app.sqltypes import utcnow

from .case_changes import cancel_instance
from .case_secrecy import may_see_case
from .engine_loop import do_engine_steps
from .engine_steps import run_steps
from .errors import ProcessFailed, TaskConflict, TaskForbidden, TaskNotFound, WorkflowError
from .failures import INCIDENT_DATA_LIMIT, retry_policy
from .incident_records import count_refused_retry, note_failure, resolve_incident
from .instance_state import load_indexed, saved
from .models import HumanTask, Incident, ProcessInstance, Timer
from .runtime import lock_instance, record_timers_fired
from .timers import FiredTimers

log = logging.getLogger(__name__)

# Who may act in the case: changing them through an incident would hand its tasks to someone else.
PROTECTED_KEYS = ("started_by", "lane_owners")
REASON_LIMIT = 500
MAX_DEPTH = 20


@dataclass(frozen=True)
class IncidentFilters:
    process_id: str = ""
    agency_id: int | None = None
    kind: str = ""
    min_age_days: int | None = None
    status: str = "unresolved"  # unresolved, open, retrying, resolved, all


def incidents_query(actor: User, filters: IncidentFilters = IncidentFilters(), *, now: datetime | None = None):
    """The incidents the actor may repair (their agency's, or the province's), newest failure first."""
    stmt = select(Incident)
    if filters.status == "unresolved":
        stmt = stmt.where(Incident.status != "resolved")
    elif filters.status in ("open", "retrying", "resolved"):
        stmt = stmt.where(Incident.status == filters.status)
    if filters.process_id:
        stmt = stmt.where(Incident.process_id == filters.process_id)
    if filters.agency_id is not None:
        stmt = stmt.where(Incident.agency_id == filters.agency_id)
    if filters.kind:
        stmt = stmt.where(Incident.kind == filters.kind)
    if filters.min_age_days:
        stmt = stmt.where(Incident.first_seen_at <= (now or utcnow()) - timedelta(days=filters.min_age_days))
    return scoped(stmt, actor).order_by(Incident.last_seen_at.desc(), Incident.id.desc())


def unresolved_count(actor: User) -> int:
    return db.session.scalar(select(func.count()).select_from(incidents_query(actor).subquery())) or 0


def visible_incident(incident_id, *, actor: User) -> Incident:
    if not actor.has_role(ADMIN):
        raise TaskForbidden(_("Chỉ quản trị viên được xử lý sự cố."))
    incident = get_visible(Incident, incident_id, actor=actor)
    if incident is None:
        raise TaskNotFound(_("Không tìm thấy sự cố."))
    return incident


def _locked(incident_id: int, *, actor: User | None, seen_version: int | None):
    """The incident and its case under the case's lock, still unresolved and as the operator saw it."""
    incident = visible_incident(incident_id, actor=actor) if actor is not None else db.session.get(Incident, incident_id)
    if incident is None:
        raise TaskNotFound(_("Không tìm thấy sự cố."))
    instance = lock_instance(incident.instance_id)
    db.session.refresh(incident)  # what the winner of the lock left
    if incident.status == "resolved":
        who = incident.resolved_by.full_name if incident.resolved_by else _("hệ thống")
        raise TaskConflict(_("Sự cố này đã được %(name)s xử lý.", name=who))
    if seen_version is not None and instance.lock_version != seen_version:
        raise TaskConflict(_("Hồ sơ đã thay đổi từ lúc bạn mở trang; hãy xem lại sự cố."))
    return incident, instance


def _reason(text: str | None) -> str:
    reason = (text or "").replace("\x00", "").strip()
    if not reason:
        raise WorkflowError(_("Hãy ghi lý do."))
    return reason[:REASON_LIMIT]


def retry_incident(incident_id: int, *, actor: User | None, seen_version: int | None = None,
                   automatic: bool = False) -> bool:
    """Run the failed step again; True when the case went on (False: it failed again, still an incident)."""
    incident, instance = _locked(incident_id, actor=actor, seen_version=seen_version)
    if automatic and incident.status != "retrying":
        return False
    return _run_again(incident, instance, actor=actor, event="incident_retried")


def edit_data_and_retry(incident_id: int, text: str, *, actor: User, seen_version: int | None) -> bool:
    """Replace the failed step's data with the operator's (a JSON object) and run it again."""
    new_data = parse_task_data(text)
    incident, instance = _locked(incident_id, actor=actor, seen_version=seen_version)
    if not may_see_case(actor, instance):
        raise TaskForbidden(_("Bạn không được xem dữ liệu của hồ sơ này."))
    return _run_again(incident, instance, actor=actor, event="incident_data_edited", new_data=new_data)


def skip_step(incident_id: int, *, actor: User, reason: str, seen_version: int | None) -> bool:
    """Mark the failed step done without running it, where its process declares it skippable."""
    reason = _reason(reason)
    incident, instance = _locked(incident_id, actor=actor, seen_version=seen_version)
    return _run_again(incident, instance, actor=actor, event="incident_skipped", skip=True, reason=reason)


def cancel_incident_case(incident_id: int, *, actor: User, reason: str, seen_version: int | None) -> None:
    """Stop the case for good; the incident is resolved as cancelled."""
    reason = _reason(reason)
    incident, instance = _locked(incident_id, actor=actor, seen_version=seen_version)
    resolve_incident(incident, "cancelled", actor=actor, reason=reason)
    instance.error_message = None
    try:
        cancel_instance(instance.id, actor=actor, reason=reason)
    except WorkflowError:
        raise
    except Exception:  # the state the incident is about cannot be loaded: the case stops without it
        log.warning("State of instance %s cannot be loaded; cancelled without it", instance.id, exc_info=True)
        _stop_unloadable(instance, actor=actor, reason=reason)
    record("incident_cancelled", actor=actor, subject=("incident", incident.id), agency_id=instance.agency_id,
           instance_id=instance.id, task_spec=incident.task_spec, reason=reason)


def _stop_unloadable(instance: ProcessInstance, *, actor: User, reason: str) -> None:
    db.session.execute(delete(HumanTask).where(HumanTask.instance_id == instance.id))
    db.session.execute(delete(Timer).where(Timer.instance_id == instance.id))
    instance.status, instance.completed_at = "cancelled", utcnow()
    record("instance_cancelled", actor=actor, subject=instance, agency_id=instance.agency_id, instance_id=instance.id,
           reason=reason, state_unreadable=True, version_sha256=instance.version.content_sha256)


def _failed_tasks(workflow, incident: Incident) -> list:
    errored = workflow.get_tasks(state=TaskState.ERROR)
    return [t for t in errored if t.task_spec.name == incident.task_spec] or errored


def _load(instance: ProcessInstance, actor):
    try:
        return load_indexed(instance, actor)
    except Exception as error:  # a state the engine cannot load: the caller rolls back and says so
        log.warning("State of instance %s cannot be loaded", instance.id, exc_info=True)
        raise ProcessFailed(_("Không nạp được trạng thái của hồ sơ (%(error)s); cần khắc phục trước khi chạy lại.",
                              error=type(error).__name__)) from error


def _run_again(incident: Incident, instance: ProcessInstance, *, actor: User | None, event: str,
               new_data: dict | None = None, skip: bool = False, reason: str = "") -> bool:
    workflow, indexed = _load(instance, actor)
    failed = _failed_tasks(workflow, incident)
    changed: list[str] = []
    if (skip or new_data is not None) and not failed:
        raise WorkflowError(_("Không tìm thấy bước lỗi trong trạng thái hồ sơ."))
    if skip and not all(retry_policy(task.task_spec).skippable for task in failed):
        raise TaskForbidden(_("Quy trình không cho phép bỏ qua bước này."))
    if new_data is not None:
        changed = _apply_data(failed[0], new_data)
    for task in failed:
        if skip:
            task.complete()  # done without running: the designer allowed it for this step
        else:
            task._set_state(TaskState.READY)
    fired = FiredTimers()
    failure = run_steps(lambda: (workflow.refresh_timers(), do_engine_steps(workflow, did_complete_task=fired)),
                        workflow, person_present=False)
    with saved(instance, workflow, indexed, actor=actor, status="error" if failure else "running"):
        details = {"changed": changed, "data": {k: new_data[k] for k in changed if k in new_data}} if new_data else {}
        record(event, actor=actor, subject=("incident", incident.id), agency_id=instance.agency_id,
               instance_id=instance.id, task_spec=incident.task_spec, task_title=incident.task_name,
               reason=reason, previous_error=incident.message, succeeded=failure is None,
               version_sha256=instance.version.content_sha256, **details)
        record_timers_fired(instance, fired)
    # After the pipelined writes of the state: these read and write the incident through the ORM.
    if failure is None or failure.task_spec != incident.task_spec or skip:
        resolve_incident(incident, {"incident_retried": "retried", "incident_data_edited": "data_edited",
                                    "incident_skipped": "skipped"}[event], actor=actor, reason=reason)
    if failure is not None:
        note_failure(instance, failure, actor=actor)
    else:
        instance.error_message = None
    return failure is None


def _apply_data(task, new_data: dict) -> list[str]:
    """Give the failed step the operator's data; the keys that say who acts in the case keep their values."""
    old = task.data
    for key in PROTECTED_KEYS:
        if old.get(key) != new_data.get(key):
            raise WorkflowError(_("Không được sửa trường %(key)s (người thực hiện hồ sơ).", key=key))
    changed = sorted(k for k in set(old) | set(new_data) if old.get(k, ...) != new_data.get(k, ...))
    task.data = dict(new_data)
    return changed


def parse_task_data(text: str | None) -> dict:
    """The operator's data for a step: a JSON object within the size limit, no NUL, no NaN, not too deep."""
    text = text or ""
    if len(text.encode("utf-8", "surrogatepass")) > INCIDENT_DATA_LIMIT:
        raise WorkflowError(_("Dữ liệu quá lớn (tối đa %(n)s KB).", n=INCIDENT_DATA_LIMIT // 1024))

    def refuse_constant(name):
        raise ValueError(name)

    try:
        value = json.loads(text, parse_constant=refuse_constant)
    except (ValueError, RecursionError):
        raise WorkflowError(_("Dữ liệu không phải JSON hợp lệ.")) from None
    if not isinstance(value, dict):
        raise WorkflowError(_("Dữ liệu phải là một đối tượng JSON ({…})."))
    _check_value(value, 0)
    return value


def _check_value(value, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise WorkflowError(_("Dữ liệu lồng nhau quá sâu."))
    if isinstance(value, str):
        if "\x00" in value:
            raise WorkflowError(_("Dữ liệu có ký tự NUL."))
        if not value.isascii() and any("\ud800" <= char <= "\udfff" for char in value):
            raise WorkflowError(_("Dữ liệu có ký tự không hợp lệ."))  # a lone surrogate: no UTF-8 for it
    elif isinstance(value, float):
        if not math.isfinite(value):  # 1e999 is read as infinity: no JSON the database keeps
            raise WorkflowError(_("Dữ liệu có số quá lớn."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key, depth + 1)
            _check_value(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, depth + 1)


def due_incident_ids(now: datetime, *, limit: int) -> list[int]:
    return list(db.session.scalars(select(Incident.id).where(Incident.status == "retrying", Incident.next_try_at <= now)
                                   .order_by(Incident.next_try_at).limit(limit)))


def retry_due_incidents(now: datetime | None = None, *, limit: int = 50) -> int:
    """The job: try again every step whose backoff time has come, one transaction each; return how many went on."""
    went_on = 0
    for incident_id in due_incident_ids(now or utcnow(), limit=limit):
        try:
            if retry_incident(incident_id, actor=None, automatic=True):
                went_on += 1
            db.session.commit()
        except TaskConflict:
            db.session.rollback()
            log.warning("Retry of incident %s deferred", incident_id, exc_info=True)
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("Retry of incident %s refused by the database", incident_id, exc_info=True)
            try:
                count_refused_retry(incident_id)
                db.session.commit()
            except SQLAlchemyError:  # the database is away altogether: the next run tries again
                db.session.rollback()
        except Exception:
            db.session.rollback()
            log.exception("Retry of incident %s failed", incident_id)
    return went_on
