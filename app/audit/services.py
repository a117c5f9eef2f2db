"""Record events in the audit chain (appending: app.audit.chain; verification: app.audit.verification)."""
import json
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from app.extensions import db
from app.sqltypes import utcnow

from .canonical import canonical_json
from .chain import HEAD_ID, event_hash
from .models import AuditEvent
from .recorded import append_recorded, keep_until_commit

__all__ = ["HEAD_ID", "append_recorded", "event_hash", "record", "recorded_as_of"]
_RECORDED_AT: ContextVar[datetime | None] = ContextVar("audit_recorded_at", default=None)


@contextmanager
def recorded_as_of(moment: datetime):
    """Date the events recorded inside at `moment` instead of now.

    Only the demo's back-dated weeks use it (app.documents.demo): it stamps its rows with each step's
    business moment, and the history read from this chain must show that same moment, not the seeding's.
    """
    token = _RECORDED_AT.set(moment.astimezone(timezone.utc))
    try:
        yield
    finally:
        _RECORDED_AT.reset(token)


def record(event_type: str, *, actor=None, subject=None, agency_id=None, on_behalf_of=None,
           **data) -> AuditEvent:
    """Record an event in the caller's transaction: appended to the chain when it commits (or first reads
    the chain), dropped if it rolls back (app.audit.recorded).

    Returns the event, detached, to read once appended (seq, hash and id are set then): it is written
    with a table statement, not as an ORM object, which spares every completion the unit of work.
    """
    if agency_id is None and actor is not None:
        agency_id = actor.agency_id
    subject_type, subject_id = _subject_reference(subject)
    data_text = canonical_json(data)  # stored exactly as hashed: what verify reads back is what was sealed
    event = AuditEvent(event_type=event_type, occurred_at=_RECORDED_AT.get() or utcnow(),
                       actor_id=actor.id if actor is not None else None,
                       on_behalf_of_id=on_behalf_of.id if on_behalf_of is not None else None,
                       agency_id=agency_id, subject_type=subject_type, subject_id=subject_id,
                       data=json.loads(data_text))
    # Flushed as when the event was written here: the table statements that follow (they do not
    # autoflush) see the changes made before it.
    db.session.flush()
    keep_until_commit(event, data_text)
    return event


def _subject_reference(subject) -> tuple[str | None, str | None]:
    if subject is None:
        return None, None
    if isinstance(subject, tuple):
        kind, identity = subject
        return kind, str(identity)
    return type(subject).__tablename__, str(subject.id)
