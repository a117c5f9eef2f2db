"""The exchange's jobs run from the job runner only when a transport is configured."""
from sqlalchemy import select

from app.exchange.messages import InboxMessage, OutboxMessage
from app.exchange.outbox import queue_message
from app.extensions import db as _db
from app.jobs.runner import run_job, schedule_for

from ..factories import Factory
from .doubles import DocumentImport, RecordingInbox, RecordingTransport


def test_the_schedule_has_the_exchange_jobs_only_with_a_transport(app, monkeypatch):
    assert "send_outbox_messages" not in schedule_for(app.config)
    assert "poll_exchange_inbox" not in schedule_for(app.config)
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", RecordingTransport())
    monkeypatch.setitem(app.config, "EXCHANGE_INBOX_INTERVAL_SECONDS", 120)
    schedule = schedule_for(app.config)
    assert (schedule["send_outbox_messages"], schedule["poll_exchange_inbox"]) == (30.0, 120.0)
    assert schedule["fire_due_timers"] == 30.0


def test_run_job_sends_the_outbox_and_polls_the_inbox(app, committed_db, monkeypatch):
    with app.app_context():
        agency = Factory(_db).agency()
        queue_message(agency_id=agency.id, kind="status", package=b"<status/>", recipient_codes=["000.00.00.G22"])
        agency_id = agency.id
        _db.session.commit()
    assert run_job(app, "send_outbox_messages") == {}  # no transport: nothing leaves
    transport = RecordingTransport()
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", transport)
    assert run_job(app, "send_outbox_messages")["sent"] == 1
    assert committed_db.session.scalars(select(OutboxMessage.state)).all() == ["sent"]
    committed_db.session.rollback()  # on SQLite a reading transaction holds the write lock (BEGIN IMMEDIATE)
    monkeypatch.setitem(app.config, "EXCHANGE_IMPORT", None)  # init_exchange wires one; without it
    assert run_job(app, "poll_exchange_inbox") == {}  # nothing is taken
    axis = RecordingInbox({"r-1": b"Van ban"})
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", axis)
    monkeypatch.setitem(app.config, "EXCHANGE_IMPORT", DocumentImport(agency_id))
    assert run_job(app, "poll_exchange_inbox")["imported"] == 1
    assert committed_db.session.scalars(select(InboxMessage.state)).all() == ["imported"]
    assert axis.acknowledged == [("r-1", "done")]
