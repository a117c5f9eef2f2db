"""Append events to the audit chain (verification: app.audit.verification)."""
import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from sqlalchemy import bindparam, insert, text, update

from app.database import READS_ROWS_IN_PIPELINE
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

from .canonical import canonical_body, canonical_body_around_seq, canonical_json
from .models import GENESIS_HASH, AuditChainHead, AuditEvent

HEAD_ID = 1
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
_SEAL_HEAD = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(hash=bindparam("new_hash"), prev_hash=_HEAD.c.hash)
_INSERT_EVENT = insert(AuditEvent.__table__).returning(AuditEvent.__table__.c.id)


def _take_chain_head() -> tuple[int, str]:
    """Claim the next sequence number; the UPDATE locks the head row until commit on every backend."""
    row = db.session.execute(_CLAIM_HEAD).first()
    if row is None:
        # First event of a database created without the migration's head row.
        db.session.execute(insert(AuditChainHead).values(id=HEAD_ID, seq=1, hash=GENESIS_HASH))
        return 1, GENESIS_HASH
    return row.seq, row.hash


# PostgreSQL appends an event in one statement (one round trip instead of three): the head's UPDATE
# claims the next number and hashes the event itself, over the previous hash and the canonical body
# given as the text around that number, and the INSERT takes number and hashes from it. The casts give
# NULLs a type. SQLite has no sha256() and no UPDATE inside WITH: it claims, inserts and seals.
_APPEND_IN_ONE = text(f"""
WITH head AS (
    UPDATE audit_chain_head
       SET seq = seq + 1, prev_hash = hash,
           hash = encode(sha256(convert_to(hash || :body_before_seq || (seq + 1)::text || :body_after_seq,
                                           'UTF8')), 'hex')
     WHERE id = {HEAD_ID}
 RETURNING seq, prev_hash, hash)
INSERT INTO audit_event (seq, event_type, occurred_at, actor_id, on_behalf_of_id, agency_id,
                         subject_type, subject_id, data, prev_hash, hash)
SELECT seq, CAST(:event_type AS varchar), :occurred_at, CAST(:actor_id AS integer),
       CAST(:on_behalf_of_id AS integer), CAST(:agency_id AS integer), CAST(:subject_type AS varchar),
       CAST(:subject_id AS varchar), CAST(:data AS json), prev_hash, hash
  FROM head
RETURNING id, seq, prev_hash, hash
""").bindparams(bindparam("occurred_at", type_=UtcDateTime())).execution_options(**READS_ROWS_IN_PIPELINE)


def record(event_type: str, *, actor=None, subject=None, agency_id=None, on_behalf_of=None,
           **data) -> AuditEvent:
    """Append an event in the caller's transaction; it commits or rolls back with the change.

    Returns a detached copy to read (seq, hash, id): the event is written with a table statement, not
    an ORM object, which spares every completion the unit of work.
    """
    if agency_id is None and actor is not None:
        agency_id = actor.agency_id
    subject_type, subject_id = _subject_reference(subject)
    data_text = canonical_json(data)  # stored exactly as hashed: what verify reads back is what was sealed
    values = {
        "event_type": event_type, "occurred_at": _RECORDED_AT.get() or utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "on_behalf_of_id": on_behalf_of.id if on_behalf_of is not None else None,
        "agency_id": agency_id, "subject_type": subject_type, "subject_id": subject_id,
    }
    # Flush pending changes first, as an ORM statement's autoflush did: their row locks are still
    # taken before the head's.
    db.session.flush()
    appended = None
    if db.session.get_bind().dialect.name == "postgresql":
        before, after = canonical_body_around_seq(data_text=data_text, **values)
        appended = db.session.execute(_APPEND_IN_ONE, {**values, "data": data_text, "body_before_seq": before,
                                                       "body_after_seq": after}).first()
    if appended is not None:
        event_id, seq, prev_hash, digest = appended
        return AuditEvent(id=event_id, seq=seq, prev_hash=prev_hash, hash=digest, data=json.loads(data_text),
                          **values)
    return _append_in_steps(values, data_text)


def _append_in_steps(values: dict, data_text: str) -> AuditEvent:
    """Claim the head, insert the event hashed here, seal the head (SQLite; a database without a head row)."""
    seq, prev_hash = _take_chain_head()
    event = AuditEvent(seq=seq, prev_hash=prev_hash, data=json.loads(data_text), **values)
    event.hash = event_hash(event)
    event.id = db.session.execute(_INSERT_EVENT, {**values, "seq": seq, "prev_hash": prev_hash,
                                                  "hash": event.hash, "data": event.data}).scalar_one()
    db.session.execute(_SEAL_HEAD, {"new_hash": event.hash})
    return event


def _subject_reference(subject) -> tuple[str | None, str | None]:
    if subject is None:
        return None, None
    if isinstance(subject, tuple):
        kind, identity = subject
        return kind, str(identity)
    return type(subject).__tablename__, str(subject.id)
