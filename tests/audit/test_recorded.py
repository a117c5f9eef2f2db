"""Events are appended to the chain when their transaction commits: all at once, in the order recorded;
never for a rolled-back transaction or savepoint; and the transaction's own reads of the chain see them."""
from sqlalchemy import func, select, text

from app.audit.models import AuditChainHead, AuditEvent
from app.audit.services import HEAD_ID, record
from app.audit.verification import verify_chain
from app.directory.models import User


def _stored(db) -> list[int]:
    rows = db.session.connection().execute(text("SELECT seq FROM audit_event ORDER BY seq"))
    return [seq for (seq,) in rows]


def _head_seq(db) -> int:
    return db.session.connection().execute(text(f"SELECT seq FROM audit_chain_head WHERE id = {HEAD_ID}")).scalar()


def test_events_wait_for_the_commit_and_are_appended_in_order(make, db):
    actor = make.user()
    db.session.commit()
    before = _head_seq(db)
    events = [record("thing_done", actor=actor, subject=actor, step=n) for n in range(3)]
    assert _head_seq(db) == before and events[0].seq is None  # nothing appended (nor locked) yet
    db.session.commit()
    assert [event.seq for event in events] == [before + 1, before + 2, before + 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert _stored(db)[-3:] == [event.seq for event in events] and _head_seq(db) == before + 3
    stored = db.session.get(AuditEvent, events[2].id)
    assert (stored.seq, stored.hash, stored.data) == (events[2].seq, events[2].hash, {"step": 2})
    assert verify_chain().intact


def test_a_read_of_the_chain_sees_the_events_of_its_own_transaction(make, db):
    actor = make.user()
    event = record("thing_done", actor=actor, subject=actor, step="đọc")
    found = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == str(actor.id))).one()
    assert found.seq == event.seq and found.hash == event.hash
    head = db.session.get(AuditChainHead, HEAD_ID, populate_existing=True)
    assert head.seq == event.seq and head.hash == event.hash
    later = record("thing_done", actor=actor, subject=actor, step="sau")
    assert db.session.scalar(select(func.max(AuditEvent.seq))) == later.seq == event.seq + 1
    assert verify_chain().intact


def test_a_statement_built_once_reads_the_chain_each_time_it_runs(make, db):
    actor = make.user()
    mine = select(AuditEvent.seq).where(AuditEvent.subject_id == str(actor.id)).order_by(AuditEvent.seq)
    people = select(User.id).where(User.id == actor.id)
    for step in range(2):  # the answer remembered for the statement object holds in every transaction
        event = record("thing_done", actor=actor, subject=actor, step=step)
        assert db.session.scalar(people) == actor.id and event.seq is None  # not a read of the chain
        assert db.session.scalars(mine).all()[-1] == event.seq is not None
        db.session.commit()
    assert verify_chain().intact


def test_a_rolled_back_transaction_appends_nothing(make, db):
    actor = make.user()
    db.session.commit()
    before = _stored(db)
    record("thing_done", actor=actor, subject=actor, step="bỏ")
    db.session.rollback()
    kept = record("thing_done", actor=actor, subject=actor, step="giữ")
    db.session.commit()
    assert _stored(db) == [*before, kept.seq] and kept.seq == (before[-1] if before else 0) + 1
    assert verify_chain().intact


def test_a_rolled_back_savepoint_drops_only_its_own_events(make, db):
    actor = make.user()
    outer = record("thing_done", actor=actor, subject=actor, step="ngoài")
    savepoint = db.session.begin_nested()
    inner = record("thing_done", actor=actor, subject=actor, step="trong")
    db.session.scalar(select(func.count()).select_from(AuditEvent))  # appends both inside the savepoint
    assert inner.seq == outer.seq + 1
    savepoint.rollback()
    assert outer.seq is None  # taken back with the savepoint: it waits again
    with db.session.begin_nested():
        released = record("thing_done", actor=actor, subject=actor, step="giải phóng")
    last = record("thing_done", actor=actor, subject=actor, step="cuối")
    db.session.commit()
    assert [outer.seq + 1, outer.seq + 2] == [released.seq, last.seq]
    steps = db.session.scalars(select(AuditEvent.data).where(AuditEvent.subject_id == str(actor.id))
                               .order_by(AuditEvent.seq)).all()
    assert [data["step"] for data in steps] == ["ngoài", "giải phóng", "cuối"]
    assert verify_chain().intact


def test_appending_takes_one_statement_for_any_number_of_events_on_postgresql(make, db, count_queries):
    actor = make.user()
    db.session.flush()
    for n in range(4):
        record("thing_done", actor=actor, subject=actor, step=n)
    with count_queries() as counted:
        db.session.commit()
    written = [s for s in counted.statements if "audit" in s]
    # SQLite: the head read, an INSERT per event (RETURNING in parameter order), the head's UPDATE.
    assert len(written) == (1 if db.engine.dialect.name == "postgresql" else 2 + 4)
    assert verify_chain().intact
