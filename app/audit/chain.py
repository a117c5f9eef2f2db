"""Append events to the chain: number them after the head, hash each over its predecessor, move the head.

The head row is locked from here until the transaction ends (app.audit.recorded calls this just before
the commit), so every appending transaction of the installation queues on it: the few statements below
are all that runs while it is held.
"""
import hashlib
from datetime import timezone

from sqlalchemy import bindparam, insert, select, text, update

from app.database import READS_ROWS_IN_PIPELINE
from app.sqltypes import UtcDateTime

from .canonical import canonical_body, canonical_body_around_seq, canonical_json
from .models import GENESIS_HASH, AuditChainHead, AuditEvent

HEAD_ID = 1

_HEAD = AuditChainHead.__table__
_EVENTS = AuditEvent.__table__
_LOCK_HEAD = (select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
              .execution_options(**READS_ROWS_IN_PIPELINE))
_SET_HEAD = update(_HEAD).where(_HEAD.c.id == HEAD_ID)
_INSERT_EVENTS = insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True)
_COLUMNS = ("seq", "event_type", "occurred_at", "actor_id", "on_behalf_of_id", "agency_id", "subject_type",
            "subject_id", "data", "prev_hash", "hash")

# PostgreSQL, one event (most transactions): one statement. The head's UPDATE locks it, claims the next
# number and hashes the event itself, over the previous hash and the canonical body given as the text
# around that number; the INSERT takes number and hashes from it. The casts give NULLs a type.
_APPEND_ONE = text(f"""
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
_ONE_EVENT_COLUMNS = ("event_type", "occurred_at", "actor_id", "on_behalf_of_id", "agency_id", "subject_type",
                      "subject_id")

# PostgreSQL, several events: the head locked and read, then every event in one INSERT and the head moved by the same statement, whatever their number:
# one fixed statement (prepared once) taking a column of values per parameter. The casts give the arrays
# their types (a column of NULLs has none); json keeps the canonical text as given.
_APPEND_ALL = text(f"""
WITH head AS (
    UPDATE audit_chain_head SET seq = :head_seq, hash = :head_hash, prev_hash = :head_prev_hash
     WHERE id = {HEAD_ID})
INSERT INTO audit_event (seq, event_type, occurred_at, actor_id, on_behalf_of_id, agency_id,
                         subject_type, subject_id, data, prev_hash, hash)
SELECT * FROM unnest(CAST(:seq AS integer[]), CAST(:event_type AS varchar[]),
                     CAST(:occurred_at AS timestamp[]), CAST(:actor_id AS integer[]),
                     CAST(:on_behalf_of_id AS integer[]), CAST(:agency_id AS integer[]),
                     CAST(:subject_type AS varchar[]), CAST(:subject_id AS varchar[]), CAST(:data AS json[]),
                     CAST(:prev_hash AS varchar[]), CAST(:hash AS varchar[]))
RETURNING id, seq
""").execution_options(**READS_ROWS_IN_PIPELINE)


def event_hash(event: AuditEvent, data_text: str | None = None) -> str:
    """Return SHA-256 over the previous hash and the canonical JSON of the event (the one spelling that
    verification also reads back from the stored columns); `data_text` is its data already canonical."""
    body = canonical_body(event.seq, event.event_type, event.occurred_at, event.actor_id, event.on_behalf_of_id,
                          event.agency_id, event.subject_type, event.subject_id,
                          canonical_json(event.data) if data_text is None else data_text)
    return hashlib.sha256((event.prev_hash + body).encode()).hexdigest()


def append_events(session, events: list[tuple[AuditEvent, str]]) -> None:
    """Append the events (each with its data's canonical text) in order; sets their seq, hashes and id."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql and len(events) == 1 and _appended_alone(session, *events[0]):
        return
    head = session.execute(_LOCK_HEAD).first()
    if head is None:  # a database created without the migration's head row
        session.execute(insert(_HEAD).values(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
        head = (0, GENESIS_HASH)
    seq, previous = head
    for event, data_text in events:
        seq += 1
        event.seq, event.prev_hash = seq, previous
        event.hash = previous = event_hash(event, data_text)
    last = events[-1][0]
    if postgresql:
        _append_in_one(session, events, last)
    else:
        _append_in_two(session, events, last)


def _appended_alone(session, event: AuditEvent, data_text: str) -> bool:
    """Append one event in one statement; False when there is no head row to move."""
    values = {name: getattr(event, name) for name in _ONE_EVENT_COLUMNS}
    before, after = canonical_body_around_seq(data_text=data_text, **values)
    appended = session.execute(_APPEND_ONE, {**values, "data": data_text, "body_before_seq": before,
                                             "body_after_seq": after}).first()
    if appended is None:
        return False
    event.id, event.seq, event.prev_hash, event.hash = appended
    return True


def _append_in_one(session, events, last: AuditEvent) -> None:
    columns = {name: [] for name in _COLUMNS}
    for event, data_text in events:
        for name in _COLUMNS:
            columns[name].append(getattr(event, name))
        columns["data"][-1] = data_text
        columns["occurred_at"][-1] = event.occurred_at.astimezone(timezone.utc).replace(tzinfo=None)
    ids = dict((seq, event_id) for event_id, seq in session.execute(_APPEND_ALL, {
        **columns, "head_seq": last.seq, "head_hash": last.hash, "head_prev_hash": last.prev_hash}))
    for event, _data_text in events:
        event.id = ids[event.seq]


def _append_in_two(session, events, last: AuditEvent) -> None:
    rows = [{name: getattr(event, name) for name in _COLUMNS} | {"data": event.data} for event, _text in events]
    ids = session.execute(_INSERT_EVENTS, rows).scalars().all()
    for (event, _data_text), event_id in zip(events, ids, strict=True):
        event.id = event_id
    session.execute(_SET_HEAD, {"seq": last.seq, "hash": last.hash, "prev_hash": last.prev_hash})
