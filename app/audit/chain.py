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
# SQLite: the head read (the write lock is the database's own), the events hashed here, inserted, the head moved.
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

# PostgreSQL, several events: one statement too, whatever their number (a fixed text, prepared once, taking
# a column of values per parameter). The head is locked and read, each event numbered and hashed over the
# one before it (the recursive part, from the canonical bodies around their numbers), every event inserted
# and the head moved to the last. Under READ COMMITTED the lock waits for a concurrent appender and reads
# the head it left; the UPDATE then moves that version. The casts give the arrays (a column of NULLs has
# none) and the recursion's columns their types; json keeps the canonical text as given.
_APPEND_MANY = text(f"""
WITH RECURSIVE batch AS (
    SELECT * FROM unnest(CAST(:event_type AS varchar[]), CAST(:occurred_at AS timestamp[]),
                         CAST(:actor_id AS integer[]), CAST(:on_behalf_of_id AS integer[]),
                         CAST(:agency_id AS integer[]), CAST(:subject_type AS varchar[]),
                         CAST(:subject_id AS varchar[]), CAST(:data AS json[]),
                         CAST(:body_before_seq AS text[]), CAST(:body_after_seq AS text[]))
           WITH ORDINALITY AS batch (event_type, occurred_at, actor_id, on_behalf_of_id, agency_id, subject_type,
                                     subject_id, data, body_before_seq, body_after_seq, n)),
head AS (SELECT seq, hash FROM audit_chain_head WHERE id = {HEAD_ID} FOR UPDATE),
chained (n, seq, prev_hash, hash) AS (
    SELECT CAST(0 AS bigint), seq, CAST(NULL AS text), CAST(hash AS text) FROM head
    UNION ALL
    SELECT batch.n, chained.seq + 1, chained.hash,
           encode(sha256(convert_to(chained.hash || batch.body_before_seq || (chained.seq + 1)::text
                                    || batch.body_after_seq, 'UTF8')), 'hex')
      FROM chained JOIN batch ON batch.n = chained.n + 1),
moved AS (
    UPDATE audit_chain_head SET seq = last.seq, prev_hash = last.prev_hash, hash = last.hash
      FROM (SELECT seq, prev_hash, hash FROM chained ORDER BY n DESC LIMIT 1) AS last
     WHERE audit_chain_head.id = {HEAD_ID})
INSERT INTO audit_event (seq, event_type, occurred_at, actor_id, on_behalf_of_id, agency_id,
                         subject_type, subject_id, data, prev_hash, hash)
SELECT chained.seq, batch.event_type, batch.occurred_at, batch.actor_id, batch.on_behalf_of_id, batch.agency_id,
       batch.subject_type, batch.subject_id, batch.data, chained.prev_hash, chained.hash
  FROM batch JOIN chained ON chained.n = batch.n
RETURNING id, seq, prev_hash, hash
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
    if session.get_bind().dialect.name == "postgresql":
        if not _appended_in_postgresql(session, events):  # a database created without the migration's head row
            session.execute(insert(_HEAD).values(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
            _appended_in_postgresql(session, events)
        return
    head = session.execute(_LOCK_HEAD).first()
    if head is None:
        session.execute(insert(_HEAD).values(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
        head = (0, GENESIS_HASH)
    seq, previous = head
    for event, data_text in events:
        seq += 1
        event.seq, event.prev_hash = seq, previous
        event.hash = previous = event_hash(event, data_text)
    rows = [{name: getattr(event, name) for name in _COLUMNS} | {"data": event.data} for event, _text in events]
    ids = session.execute(_INSERT_EVENTS, rows).scalars().all()
    for (event, _data_text), event_id in zip(events, ids, strict=True):
        event.id = event_id
    last = events[-1][0]
    session.execute(_SET_HEAD, {"seq": last.seq, "hash": last.hash, "prev_hash": last.prev_hash})


def _appended_in_postgresql(session, events: list[tuple[AuditEvent, str]]) -> bool:
    """Number, hash and insert the events and move the head, in one statement; False without a head row."""
    values = [{name: getattr(event, name) for name in _ONE_EVENT_COLUMNS} for event, _data_text in events]
    bodies = [canonical_body_around_seq(data_text=data_text, **these)
              for these, (_event, data_text) in zip(values, events, strict=True)]
    if len(events) == 1:
        rows = session.execute(_APPEND_ONE, {**values[0], "data": events[0][1], "body_before_seq": bodies[0][0],
                                             "body_after_seq": bodies[0][1]}).all()
    else:
        columns = {name: [these[name] for these in values] for name in _ONE_EVENT_COLUMNS}
        columns["occurred_at"] = [moment.astimezone(timezone.utc).replace(tzinfo=None)
                                  for moment in columns["occurred_at"]]
        rows = session.execute(_APPEND_MANY, {
            **columns, "data": [data_text for _event, data_text in events],
            "body_before_seq": [before for before, _after in bodies],
            "body_after_seq": [after for _before, after in bodies]}).all()
    if not rows:
        return False
    for (event, _data_text), row in zip(events, sorted(rows, key=lambda row: row.seq), strict=True):
        event.id, event.seq, event.prev_hash, event.hash = row
    return True
