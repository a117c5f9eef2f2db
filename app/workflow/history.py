"""An instance's history as recorded in the audit chain (the auditors' pages build on this)."""
from sqlalchemy import or_, select

from app.audit.models import AuditEvent, names_instances
from app.extensions import db

# The engine's own steps: kept for replay and auditors, not listed on the staff's task pages.
ENGINE_EVENTS = ("service_task_completed", "instance_replayed", "history_compacted")


def instance_events(instance_id: int) -> list[AuditEvent]:
    """Events about the instance itself or its tasks, in chain order."""
    return list(db.session.scalars(select(AuditEvent).where(or_(
        (AuditEvent.subject_type == "process_instance") & (AuditEvent.subject_id == str(instance_id)),
        names_instances([instance_id]),
    )).order_by(AuditEvent.seq)))


def event_json(event: AuditEvent) -> dict:
    return {"seq": event.seq, "type": event.event_type, "at": event.occurred_at.isoformat(),
            "actor": event.actor.username if event.actor else None,
            "on_behalf_of": event.on_behalf_of.username if event.on_behalf_of else None,
            "task_spec": event.data.get("task_spec"), "timers": event.data.get("timers")}
