"""Two senders and two pollers at once, each with its own connection: nothing is sent or imported twice."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from app.documents.models import Document
from app.exchange.inbox import poll_inbox
from app.exchange.messages import InboxMessage, OutboxMessage
from app.exchange.outbox import queue_message, send_due_messages
from app.extensions import db as _db

from ..factories import Factory
from ..parallel import run_in_parallel
from .doubles import DocumentImport, RecordingInbox, RecordingTransport

MESSAGES = 60
SENDERS = 4
NOW = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)


def test_concurrent_senders_never_send_one_message_twice(app, committed_db):
    with app.test_request_context():
        agency = Factory(_db).agency()
        for n in range(MESSAGES):
            queue_message(agency_id=agency.id, kind="edoc", package=f"goi-{n}".encode(),
                          recipient_codes=["000.00.00.G22"], now=NOW)
        _db.session.commit()
        _db.session.remove()
    transport = RecordingTransport()  # one transport for every sender: the calls interleave

    def sender(_worker: int):
        # One message per claim: the senders' claims overlap all the time.
        while sum(send_due_messages(transport, NOW, limit=1).values()):
            pass

    assert run_in_parallel(app, SENDERS, sender) == []
    packages = [package for package, _codes in transport.sent]
    assert sorted(packages) == sorted(f"goi-{n}".encode() for n in range(MESSAGES))  # each once
    states = committed_db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
    assert dict(states.all()) == {"sent": MESSAGES}


def test_concurrent_pollers_import_each_package_once(app, committed_db):
    with app.test_request_context():
        agency_id = Factory(_db).agency().id
        _db.session.commit()
        _db.session.remove()
    axis = RecordingInbox({f"r-{n}": f"Van ban {n}".encode() for n in range(10)})
    handle = DocumentImport(agency_id, pause=0.005)

    def poller(_worker: int):
        poll_inbox(axis, handle)

    assert run_in_parallel(app, 2, poller) == []
    assert committed_db.session.scalar(select(func.count(Document.id))) == 10
    rows = committed_db.session.scalars(select(InboxMessage)).all()
    assert sorted(row.state for row in rows) == ["imported"] * 10
    assert {remote_id for remote_id, outcome in axis.acknowledged if outcome == "done"} == set(axis.packages)
