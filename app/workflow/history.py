"""An instance's history as recorded in the audit chain (the auditors' pages build on this)."""
from sqlalchemy import or_, select

from app.audit.models import AuditEvent, names_instances
from app.directory.models import User
from app.extensions import db

# The engine's own steps: kept for replay and auditors, not listed on the staff's task pages.
ENGINE_EVENTS = ("service_task_completed", "instance_replayed", "history_compacted")


def instance_events(instance_id: int) -> list[AuditEvent]:
    """Events about the instance itself or its tasks, in chain order."""
    return list(db.session.scalars(select(AuditEvent).where(or_(
        (AuditEvent.subject_type == "process_instance") & (AuditEvent.subject_id == str(instance_id)),
        names_instances([instance_id]),
    )).order_by(AuditEvent.seq)))


def events_json(events: list[AuditEvent]) -> list[dict]:
    """The events for the API; the people named in them are read in one statement (not one per event)."""
    ids = {i for e in events for i in (e.actor_id, e.on_behalf_of_id) if i is not None}
    usernames = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()) if ids else {}
    return [{"seq": e.seq, "type": e.event_type, "at": e.occurred_at.isoformat(),
             "actor": usernames.get(e.actor_id), "on_behalf_of": usernames.get(e.on_behalf_of_id),
             "task_spec": e.data.get("task_spec"), "timers": e.data.get("timers")} for e in events]
