"""An instance's history as recorded in the audit chain (the auditors' pages build on this)."""
from sqlalchemy import and_, bindparam, or_, select

from app.audit.models import AuditEvent, names_instances, names_instances_given
from app.directory.models import User
from app.extensions import db

# The engine's own steps: kept for replay and auditors, not listed on the staff's task pages.
ENGINE_EVENTS = ("service_task_completed", "instance_replayed", "history_compacted")

_EVENTS = AuditEvent.__table__
_ACTOR = User.__table__.alias("actor")
_ON_BEHALF_OF = User.__table__.alias("on_behalf_of")


def _about_instance(instance_id: int):
    return or_(and_(_EVENTS.c.subject_type == "process_instance", _EVENTS.c.subject_id == str(instance_id)),
               names_instances([instance_id]))


# Built once, the instance given as parameters: the events as rows, each with the names of the people in
# it, in one statement (a statement built per request costs more than it takes to run).
_HISTORY_ROWS = (select(_EVENTS.c.seq, _EVENTS.c.event_type, _EVENTS.c.occurred_at, _EVENTS.c.data,
                        _ACTOR.c.username.label("actor"), _ON_BEHALF_OF.c.username.label("on_behalf_of"))
                 .select_from(_EVENTS)
                 .outerjoin(_ACTOR, _ACTOR.c.id == _EVENTS.c.actor_id)
                 .outerjoin(_ON_BEHALF_OF, _ON_BEHALF_OF.c.id == _EVENTS.c.on_behalf_of_id)
                 .where(or_(and_(_EVENTS.c.subject_type == "process_instance",
                                 _EVENTS.c.subject_id == bindparam("instance_text")),
                            names_instances_given()))
                 .order_by(_EVENTS.c.seq))


def instance_events(instance_id: int) -> list[AuditEvent]:
    """Events about the instance itself or its tasks, in chain order."""
    return list(db.session.scalars(select(AuditEvent).where(_about_instance(instance_id)).order_by(AuditEvent.seq)))


def events_json(instance_id: int) -> list[dict]:
    """The instance's events for the API, with the people named in them, in one statement."""
    text = str(int(instance_id))
    rows = db.session.execute(_HISTORY_ROWS, {"instance_text": text, "named_instances": [text]})
    return [{"seq": r.seq, "type": r.event_type, "at": r.occurred_at.isoformat(), "actor": r.actor,
             "on_behalf_of": r.on_behalf_of, "task_spec": r.data.get("task_spec"), "timers": r.data.get("timers")}
            for r in rows]
