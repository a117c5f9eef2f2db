"""The audit chain verifies, detects edits, deletions, reordering and truncation, and never forks."""
from sqlalchemy import select, text, update

from app.audit.models import AuditEvent, names_instances
from app.audit.services import record
from app.audit.verification import verify_chain
from app.extensions import db as _db

from ..parallel import run_in_parallel


def _events(make, count=5):
    actor = make.user()
    events = [record("thing_done", actor=actor, subject=actor, step=n, note="Ghi chú có dấu") for n in range(count)]
    _db.session.commit()  # appended at the commit: the tests below edit the stored rows by id
    return events


def test_intact_chain_verifies(make, app):
    events = _events(make)
    report = verify_chain()
    assert report.intact and report.verified >= len(events)
    assert events[1].prev_hash == events[0].hash


def test_cli_reports_count_and_exit_status(make, app, db):
    _events(make)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "toàn vẹn" in result.output
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(event_type="forged"))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"số {event.seq}" in result.output


def test_edited_payload_is_detected(make, db):
    events = _events(make)
    db.session.execute(update(AuditEvent).where(AuditEvent.id == events[2].id).values(data={"step": 99}))
    db.session.expire_all()
    report = verify_chain()
    assert not report.intact and report.broken_seq == events[2].seq
    assert "đã bị sửa" in report.problem and report.verified == events[2].seq - 1


def test_edited_actor_is_detected(make, db):
    events = _events(make)
    other = make.user()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == events[1].id).values(actor_id=other.id))
    db.session.expire_all()
    assert verify_chain().broken_seq == events[1].seq


def test_deleted_event_is_detected(make, db):
    events = _events(make)
    db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.id == events[3].id))
    db.session.expire_all()
    report = verify_chain()
    assert report.broken_seq == events[4].seq and "Thiếu sự kiện" in report.problem


def test_reordered_events_are_detected(make, db):
    events = _events(make)
    (a_id, a_seq), (b_id, b_seq) = (events[1].id, events[1].seq), (events[2].id, events[2].seq)
    # Swap the positions of two events (via a free sequence number, the column is unique).
    db.session.execute(update(AuditEvent).where(AuditEvent.id == a_id).values(seq=-1))
    db.session.execute(update(AuditEvent).where(AuditEvent.id == b_id).values(seq=a_seq))
    db.session.execute(update(AuditEvent).where(AuditEvent.id == a_id).values(seq=b_seq))
    db.session.expire_all()
    report = verify_chain()
    assert report.broken_seq == a_seq and "không nối" in report.problem


def test_truncated_tail_is_detected(make, db):
    events = _events(make)
    db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.id == events[-1].id))
    db.session.expire_all()
    report = verify_chain()
    assert not report.intact and "bị cắt" in report.problem


def test_event_rolls_back_with_the_change(make, db):
    actor = make.user()
    before = verify_chain().verified
    savepoint = db.session.begin_nested()
    record("thing_done", actor=actor)
    savepoint.rollback()
    record("thing_done", actor=actor)
    report = verify_chain()
    assert report.intact and report.verified == before + 1


def test_parallel_appends_keep_one_chain(app, committed_db):
    from ..factories import Factory
    actor_id = Factory(committed_db).user().id
    committed_db.session.commit()
    writers, per_writer = 6, 15

    def write(worker: int):
        for n in range(per_writer):
            record("thing_done", actor=None, agency_id=None, worker=worker, n=n, subject=("user", actor_id))
            _db.session.commit()

    errors = run_in_parallel(app, writers, write)
    assert errors == []
    seqs = committed_db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, writers * per_writer + 1))
    prev_hashes = committed_db.session.scalars(select(AuditEvent.prev_hash)).all()
    assert len(set(prev_hashes)) == len(prev_hashes)  # no two events claim the same predecessor
    report = verify_chain()
    assert report.intact and report.verified == writers * per_writer
    assert committed_db.session.execute(text("SELECT seq FROM audit_chain_head")).scalar() == writers * per_writer


def test_parallel_appends_of_several_events_keep_one_chain(app, committed_db):
    """Transactions of several events each (numbered and hashed inside PostgreSQL's one statement) queue on
    the head and chain after whatever the one before them left."""
    from ..factories import Factory
    actor_id = Factory(committed_db).user().id
    committed_db.session.commit()
    writers, per_writer, per_commit = 4, 6, 3

    def write(worker: int):
        for n in range(per_writer):
            for k in range(per_commit):
                record("thing_done", actor=None, agency_id=None, worker=worker, n=n, k=k, subject=("user", actor_id))
            _db.session.commit()

    errors = run_in_parallel(app, writers, write)
    assert errors == []
    total = writers * per_writer * per_commit
    events = committed_db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [event.seq for event in events] == list(range(1, total + 1))
    for k in range(per_commit):  # each transaction's events stay together, in the order recorded
        assert [event.data["k"] for event in events[k::per_commit]] == [k] * (total // per_commit)
    assert len({event.prev_hash for event in events}) == total
    report = verify_chain()
    assert report.intact and report.verified == total
    assert committed_db.session.execute(text("SELECT seq, hash FROM audit_chain_head")).one() == (total, events[-1].hash)


def test_quotes_escapes_and_vietnamese_hash_alike_in_python_and_in_postgresql(make, db):
    """The body is spelt out from the columns twice (canonical_body here, SQL on PostgreSQL): both must
    produce exactly the text that record() hashed, whatever the strings hold."""
    from app.audit import verification

    actor = make.user()
    record("thing_done", actor=actor, subject=('văn "bản" \\ đến', 'số\n12\t"a"\x01'),
           note='Ý kiến: "đồng ý" \\ xuống dòng\nhết\u2028 ✓ 😀', nested={"b": [1, 2.5, None, True], "a": {}})
    db.session.flush()
    assert verification._walk_here(100) is None
    if db.session.get_bind().dialect.name == "postgresql":
        assert db.session.execute(verification._POSTGRESQL_CHECK, {"genesis": "0" * 64}).scalar() is True
        assert verification._walk_in_postgresql(100) is None
    assert verify_chain().intact


def test_the_events_an_instance_names_are_found_through_the_expression_index(app, db):
    """The package, replay and the document dossier ask for the events whose data names an instance: the
    planner must use ix_audit_event_instance_id for that very expression (EXPLAIN), on both databases."""
    statement = select(AuditEvent.id).where(names_instances([12, 13]))
    compiled = str(statement.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # a test table is too small to prefer an index
        plan = "\n".join(db.session.scalars(text("EXPLAIN " + compiled)))
    else:
        plan = "\n".join(str(row[-1]) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + compiled)))
    assert "ix_audit_event_instance_id" in plan, plan
