"""The inbox: one document per axis id, acknowledged only after the commit, whatever crashes in between."""
import pytest
from sqlalchemy import func, select

from app.documents.models import Document
from app.exchange.inbox import poll_inbox
from app.exchange.messages import InboxMessage

from .doubles import DocumentImport, RecordingInbox


@pytest.fixture
def agency(make):
    return make.agency()


def _documents(db) -> int:
    return db.session.scalar(select(func.count(Document.id)))


def _row(db, remote_id) -> InboxMessage:
    row = db.session.scalars(select(InboxMessage).where(InboxMessage.remote_id == remote_id)).one()
    db.session.refresh(row)
    return row


def test_the_same_remote_id_twice_makes_one_document_and_is_answered_done(app, db, agency):
    axis, handle = RecordingInbox({"r-1": b"Van ban 1"}), DocumentImport(agency.id)
    before = _documents(db)
    assert poll_inbox(axis, handle) == {"imported": 1, "refused": 0, "received": 0}
    assert poll_inbox(axis, handle) == {"imported": 1, "refused": 0, "received": 0}
    assert _documents(db) == before + 1
    assert (handle.calls, axis.fetched) == (1, ["r-1"])
    assert axis.acknowledged == [("r-1", "done"), ("r-1", "done")]
    row = _row(db, "r-1")
    assert (row.state, row.package, row.acked_at is not None) == ("imported", b"Van ban 1", True)
    assert db.session.get(Document, row.document_ids[0]).subject == "Van ban 1"


def test_a_crash_between_commit_and_acknowledgement_loses_and_duplicates_nothing(app, db, agency):
    axis, handle = RecordingInbox({"r-1": b"Van ban 1"}), DocumentImport(agency.id)
    before = _documents(db)
    axis.crash_on_ack = 1
    with pytest.raises(SystemExit):
        poll_inbox(axis, handle)
    row = _row(db, "r-1")
    assert (row.state, row.acked_at, _documents(db)) == ("imported", None, before + 1)  # committed, not acknowledged
    assert poll_inbox(axis, handle)["imported"] == 1  # the axis lists it again
    assert (_documents(db), handle.calls, axis.acknowledged) == (before + 1, 1, [("r-1", "done")])
    assert _row(db, "r-1").acked_at is not None


def test_a_refused_package_is_kept_and_answered_fail(app, db, agency):
    axis, handle = RecordingInbox({"r-2": b"hong"}), DocumentImport(agency.id)
    handle.refuse = True
    before = _documents(db)
    assert poll_inbox(axis, handle)["refused"] == 1
    row = _row(db, "r-2")
    assert (row.state, row.error, row.package) == ("refused", "Gói tin không có tệp đính kèm.", b"hong")
    assert axis.acknowledged == [("r-2", "fail")]
    assert _documents(db) == before


def test_an_import_fault_takes_back_its_writes_and_is_tried_again_from_the_stored_bytes(app, db, agency, monkeypatch):
    monkeypatch.setitem(app.config, "EXCHANGE_INBOX_MAX_TRIES", 3)
    axis, handle = RecordingInbox({"r-3": b"Van ban 3"}), DocumentImport(agency.id)
    handle.faults = 1
    before = _documents(db)
    assert poll_inbox(axis, handle)["received"] == 1
    row = _row(db, "r-3")
    assert (row.state, row.tries, row.acked_at, _documents(db)) == ("received", 1, None, before)
    assert row.error == "Lỗi hệ thống khi nhập gói tin; chi tiết đã ghi vào nhật ký."
    assert axis.acknowledged == []
    assert poll_inbox(axis, handle)["imported"] == 1
    assert (axis.fetched, _documents(db), axis.acknowledged) == (["r-3"], before + 1, [("r-3", "done")])


def test_an_import_that_keeps_failing_is_refused_after_the_configured_tries(app, db, agency, monkeypatch):
    monkeypatch.setitem(app.config, "EXCHANGE_INBOX_MAX_TRIES", 2)
    axis, handle = RecordingInbox({"r-4": b"Van ban 4"}), DocumentImport(agency.id)
    handle.faults = 5
    assert poll_inbox(axis, handle)["received"] == 1
    assert poll_inbox(axis, handle)["refused"] == 1
    assert axis.acknowledged == [("r-4", "fail")]
    assert poll_inbox(axis, handle)["refused"] == 1 and handle.calls == 2  # no third import


def test_an_unreachable_axis_stores_nothing(app, db, agency):
    axis, handle = RecordingInbox({"r-5": b"x"}), DocumentImport(agency.id)
    axis.unavailable = True
    assert poll_inbox(axis, handle) == {"imported": 0, "refused": 0, "received": 1}
    assert db.session.scalar(select(func.count(InboxMessage.id))) == 0
