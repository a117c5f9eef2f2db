"""Writing incidents: a failed system step opens one (or counts another try of the one open), tells the
process's owners, and a step that runs again resolves it. Called under the instance's lock, inside the
transaction that saves the failed state."""
from datetime import timedelta

from sqlalchemy import or_, select

from app.audit.services import record
from app.directory.models import User, UserRole
from app.directory.roles import ADMIN
from app.extensions import db
from app.notifications.models import INCIDENT_OPENED
from app.notifications.services import notify_people
from app.sqltypes import utcnow

from .failures import MAX_BACKOFF_SECONDS, Failure, plain_message
from .models import Incident, ProcessInstance


def unresolved_incident(instance_id: int) -> Incident | None:
    return db.session.scalars(select(Incident).where(Incident.instance_id == instance_id,
                                                     Incident.status != "resolved")
                              .order_by(Incident.id.desc())).first()


def note_failure(instance: ProcessInstance, failure: Failure, *, actor: User | None) -> Incident:
    """Open an incident for the case, or count another try of the one open at the same step.

    A transient failure with tries left waits for the job runner (status "retrying"); every other one, and
    the last try, waits for an operator (status "open") and tells the process's owners.
    """
    now = utcnow()
    incident = unresolved_incident(instance.id)
    if incident is not None and incident.task_spec != failure.task_spec:
        _resolve(incident, "passed", actor=None, now=now)  # the case moved on and failed further along
        incident = None
    if incident is None:
        incident = Incident(instance_id=instance.id, agency_id=instance.agency_id, process_id=instance.process_id,
                            task_spec=failure.task_spec, task_name=failure.task_name[:500], tries=0,
                            first_seen_at=now)
        db.session.add(incident)
    incident.tries += 1
    incident.kind, incident.message, incident.detail = failure.kind, failure.message, failure.detail
    incident.max_tries, incident.last_seen_at = failure.policy.tries, now
    was = incident.status if incident.id is not None else None
    if failure.kind == "transient" and incident.tries < failure.policy.tries:
        incident.status = "retrying"
        incident.next_try_at = now + timedelta(seconds=failure.policy.delay(incident.tries))
    else:
        incident.status, incident.next_try_at = "open", None
    instance.error_message = failure.message
    db.session.flush()
    record("incident_opened" if was is None else "incident_failed_again", actor=actor, subject=("incident", incident.id),
           agency_id=instance.agency_id, instance_id=instance.id, task_spec=failure.task_spec, kind=failure.kind,
           tries=incident.tries, status=incident.status, error=failure.message,
           version_sha256=instance.version.content_sha256)
    if incident.status == "open" and was != "open":
        notify_people(process_owners(instance), INCIDENT_OPENED,
                      note=plain_message(failure.kind, failure.message, failure.task_name),
                      dedupe_key=f"{INCIDENT_OPENED}:{incident.id}:{incident.tries}")
    return incident


# A retry the database refused waits longer each time: the same refusal every 15 s helps no one.
DEFERRED_RETRY_SECONDS = 60


def count_refused_retry(incident_id: int) -> None:
    """An automatic retry whose writes the database refused (a value it will not keep, a conflict) counts as
    a try, so that a refusal that will never go away reaches an operator after the last try instead of being
    retried for ever. Call in a fresh transaction after rolling back the refused one."""
    incident = db.session.get(Incident, incident_id, with_for_update=True)
    if incident is None or incident.status != "retrying":
        return
    now = utcnow()
    incident.tries, incident.last_seen_at = incident.tries + 1, now
    if incident.tries < incident.max_tries:
        wait = min(DEFERRED_RETRY_SECONDS * 2 ** (incident.tries - 1), MAX_BACKOFF_SECONDS)
        incident.next_try_at = now + timedelta(seconds=wait)
        return
    incident.status, incident.next_try_at = "open", None
    instance = db.session.get(ProcessInstance, incident.instance_id)
    notify_people(process_owners(instance), INCIDENT_OPENED,
                  note=plain_message(incident.kind, incident.message, incident.task_name),
                  dedupe_key=f"{INCIDENT_OPENED}:{incident.id}:{incident.tries}")


def resolve_incident(incident: Incident, resolution: str, *, actor: User | None, reason: str = "") -> None:
    _resolve(incident, resolution, actor=actor, now=utcnow(), reason=reason)


def _resolve(incident: Incident, resolution: str, *, actor: User | None, now, reason: str = "") -> None:
    incident.status, incident.resolution, incident.resolved_at = "resolved", resolution, now
    incident.resolved_by_id = actor.id if actor is not None else None
    incident.next_try_at, incident.reason = None, reason[:500]


def process_owners(instance: ProcessInstance) -> set[int]:
    """Who answers for a case's process: the designer who published the version it runs on, and the
    administrators who may repair it (its agency's, and the province's)."""
    admins = db.session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id).where(
            User.active.is_(True), UserRole.role == ADMIN,
            or_(User.agency_id == instance.agency_id, User.province_wide.is_(True)))).all()
    owners = set(admins)
    if instance.version.created_by_id is not None:
        owners.add(instance.version.created_by_id)
    return owners
