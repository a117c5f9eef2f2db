"""Anchors kept outside the database: deleting the anchor rows, the log, or both does not go unnoticed."""
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, select, update

from app.audit.anchor_log import read_anchor_log
from app.audit.anchors import anchor_chain, verify_anchors
from app.audit.models import AuditAnchor, AuditEvent
from app.audit.services import record
from app.audit.verification import verify_chain
from app.sqltypes import utcnow

from .tampering import anchored_events, rehash_from

LATER = timedelta(minutes=60 + 15 + 1)  # just past the default interval and grace


def _verify(app, *, later: timedelta = timedelta(0)):
    with app.test_request_context():
        return verify_anchors(app.config, now=utcnow() + later)


def _log(app) -> Path:
    return Path(app.config["AUDIT_ANCHOR_LOG"])


def test_each_anchor_is_appended_to_the_log_outside_the_database(app, make, db):
    events, anchor = anchored_events(app, make)
    record("thing_done", actor=None, subject=None, step="sau")
    with app.test_request_context():
        second = anchor_chain(app.config)
    lines = _log(app).read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [anchor.seq, second.seq]
    assert [entry.signature for entry in read_anchor_log(app.config)] == [anchor.signature, second.signature]
    report = _verify(app, later=timedelta(days=30))  # everything anchored: nothing can be late
    assert report.intact and (report.checked, report.logged, report.log_only) == (2, 2, 0)


def test_deleted_anchor_rows_and_history_rewritten_with_recomputed_hashes_fail_the_cli(app, make, db):
    events, anchor = anchored_events(app, make)
    db.session.execute(delete(AuditAnchor))
    db.session.execute(update(AuditEvent).where(AuditEvent.id == events[2].id).values(data={"step": 99}))
    rehash_from(db, events[2].seq)
    assert verify_chain().intact
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "Chưa có mốc neo nào" not in result.output
    assert f"Lịch sử đến sự kiện số {anchor.seq} đã bị viết lại" in result.output


def test_a_deleted_log_fails_verification(app, make, db):
    anchored_events(app, make)
    _log(app).unlink()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "Không có sổ neo" in result.output


def test_a_log_replaced_by_another_one_fails_verification(app, make, db):
    events, anchor = anchored_events(app, make)
    kept = _log(app).read_text()
    record("thing_done", actor=None, subject=None, step="sau")
    with app.test_request_context():
        anchor_chain(app.config)
    _log(app).write_text(kept)  # the second anchor's line is gone, its row is not
    report = _verify(app)
    assert not report.intact and "không có trong sổ neo" in report.problem and report.checked == 1


def test_an_unreadable_or_forged_log_line_fails_verification(app, make, db):
    events, anchor = anchored_events(app, make)
    line = json.loads(_log(app).read_text())
    with _log(app).open("a") as log:
        log.write(json.dumps({**line, "seq": events[1].seq, "head_hash": events[1].hash}) + "\n")
    report = _verify(app)
    assert not report.intact and f"số {events[1].seq} có chữ ký không hợp lệ" in report.problem
    with _log(app).open("a") as log:
        log.write('{"seq": 1, "head_hash"\n')
    report = _verify(app)
    assert not report.intact and "hỏng ở dòng 3" in report.problem


def test_deleting_the_anchors_everywhere_shows_once_the_interval_has_passed(app, make, db):
    anchored_events(app, make)
    db.session.execute(delete(AuditAnchor))
    _log(app).unlink()
    assert _verify(app).intact  # events this fresh need not be anchored yet
    report = _verify(app, later=LATER)
    assert not report.intact and "Chưa có mốc neo nào" in report.problem


def test_events_left_unanchored_past_the_interval_fail_verification(app, make, db, monkeypatch):
    events, anchor = anchored_events(app, make)
    late = record("thing_done", actor=None, subject=None, step="sau mốc neo")
    assert _verify(app, later=timedelta(minutes=70)).intact
    report = _verify(app, later=LATER)
    assert not report.intact and f"Sự kiện số {late.seq}" in report.problem
    assert f"mốc neo cuối xác nhận đến số {anchor.seq}" in report.problem
    monkeypatch.setitem(app.config, "AUDIT_ANCHOR_INTERVAL_MINUTES", 24 * 60)  # a site anchoring daily
    assert _verify(app, later=LATER).intact


def test_an_anchor_whose_transaction_rolled_back_stays_in_the_log_and_still_counts(app, make, db):
    actor = make.user()
    events = [record("thing_done", actor=actor, subject=actor, step=n) for n in range(3)]
    savepoint = db.session.begin_nested()
    with app.test_request_context():
        assert anchor_chain(app.config) is not None
    savepoint.rollback()
    assert db.session.scalar(select(func.count(AuditAnchor.id))) == 0 and len(read_anchor_log(app.config)) == 1
    report = _verify(app, later=LATER)
    assert report.intact and report.log_only == 1 and report.last_anchored_seq == events[-1].seq
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "1 mốc chỉ có trong sổ neo" in result.output


def test_a_fresh_installation_verifies(app, db):
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "Chưa có mốc neo nào" in result.output
    assert _verify(app, later=timedelta(days=365)).intact


def test_anchoring_refuses_when_the_log_cannot_be_written(app, make, db, tmp_path, monkeypatch):
    record("thing_done", actor=make.user(), subject=None, step=1)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setitem(app.config, "AUDIT_ANCHOR_LOG", str(blocker / "audit-anchors.log"))
    result = app.test_cli_runner().invoke(args=["audit", "anchor"])
    assert result.exit_code == 1 and "Không ghi được sổ neo" in result.output and "Traceback" not in result.output
    assert db.session.scalar(select(func.count(AuditAnchor.id))) == 0


def test_the_log_may_be_a_directory(app, make, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_ANCHOR_LOG", str(tmp_path))
    events, anchor = anchored_events(app, make)
    assert json.loads((tmp_path / "audit-anchors.log").read_text())["seq"] == anchor.seq


def test_an_installation_older_than_the_log_starts_it_from_the_anchors_that_hold(app, make, db):
    events, anchor = anchored_events(app, make)
    _log(app).unlink()  # as before the log existed
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1
    rewritten = db.session.begin_nested()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == events[2].id).values(data={"step": 99}))
    rehash_from(db, events[2].seq)
    refused = runner.invoke(args=["audit", "start-anchor-log"])
    assert refused.exit_code == 1 and "viết lại" in refused.output and not _log(app).exists()
    rewritten.rollback()  # the history as it was
    db.session.expire_all()
    started = runner.invoke(args=["audit", "start-anchor-log"])
    assert started.exit_code == 0 and "với 1 mốc neo" in started.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    again = runner.invoke(args=["audit", "start-anchor-log"])
    assert again.exit_code == 1 and "đã có" in again.output and len(read_anchor_log(app.config)) == 1
