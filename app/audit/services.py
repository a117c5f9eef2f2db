"""Append events to the audit chain (verification: app.audit.verification)."""
import hashlib
import json

from sqlalchemy import bindparam, insert, update

from app.extensions import db
from app.sqltypes import utcnow

from .canonical import canonical_body, canonical_json
from .models import GENESIS_HASH, AuditChainHead, AuditEvent

HEAD_ID = 1


def event_hash(event: AuditEvent) -> str:
    """Return SHA-256 over the previous hash and the canonical JSON of the event (the one spelling that
    verification also reads back from the stored columns)."""
    body = canonical_body(event.seq, event.event_type, event.occurred_at, event.actor_id, event.on_behalf_of_id,
                          event.agency_id, event.subject_type, event.subject_id, canonical_json(event.data))
    return hashlib.sha256((event.prev_hash + body).encode()).hexdigest()


# Built once, on the table: every audited change runs both, so neither the statement building nor
# the ORM's bulk-update bookkeeping is paid per event.
_HEAD = AuditChainHead.__table__
_CLAIM_HEAD = (update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=_HEAD.c.seq + 1)
               .returning(_HEAD.c.seq, _HEAD.c.hash))
_SEAL_HEAD = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(hash=bindparam("new_hash"))
_INSERT_EVENT = insert(AuditEvent.__table__).returning(AuditEvent.__table__.c.id)


def _take_chain_head() -> tuple[int, str]:
    """Claim the next sequence number; the UPDATE locks the head row until commit on every backend."""
    # Flush pending changes first, as an ORM statement's autoflush did: their row locks are still
    # taken before the head's.
    db.session.flush()
    row = db.session.execute(_CLAIM_HEAD).first()
    if row is None:
        # First event of a database created without the migration's head row.
        db.session.execute(insert(AuditChainHead).values(id=HEAD_ID, seq=1, hash=GENESIS_HASH))
        return 1, GENESIS_HASH
    return row.seq, row.hash


def record(event_type: str, *, actor=None, subject=None, agency_id=None, on_behalf_of=None,
           **data) -> AuditEvent:
    """Append an event in the caller's transaction; it commits or rolls back with the change."""
    seq, prev_hash = _take_chain_head()
    if agency_id is None and actor is not None:
        agency_id = actor.agency_id
    subject_type, subject_id = _subject_reference(subject)
    values = {
        "seq": seq, "event_type": event_type, "occurred_at": utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "on_behalf_of_id": on_behalf_of.id if on_behalf_of is not None else None,
        "agency_id": agency_id, "subject_type": subject_type, "subject_id": subject_id,
        # Stored exactly as hashed: what verify reads back is what was sealed.
        "data": json.loads(canonical_json(data)), "prev_hash": prev_hash,
    }
    # Not an ORM object in the session: a table insert spares every completion the unit of work. The
    # caller gets a detached copy to read (seq, hash, id).
    event = AuditEvent(**values)
    event.hash = values["hash"] = event_hash(event)
    event.id = db.session.execute(_INSERT_EVENT, values).scalar_one()
    db.session.execute(_SEAL_HEAD, {"new_hash": event.hash})
    return event


def _subject_reference(subject) -> tuple[str | None, str | None]:
    if subject is None:
        return None, None
    if isinstance(subject, tuple):
        kind, identity = subject
        return kind, str(identity)
    return type(subject).__tablename__, str(subject.id)
