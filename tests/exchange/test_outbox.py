"""The outbox: backoff schedule, dead letters after N tries, refusals, resend and cancel, lost senders."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.exchange.outbox import (
    MessageNotFound,
    OutboxError,
    SendPolicy,
    cancel_message,
    claim_due_messages,
    queue_message,
    resend_message,
    send_due_messages,
)
from app.exchange.transport import TransportRefused, TransportUnavailable

from .doubles import RecordingTransport

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)
DOWN = TransportUnavailable("Không kết nối được trục liên thông.")


@pytest.fixture
def agency(make):
    return make.agency()


def _queue(agency, package=b"<edXML:edXML/>", **kwargs):
    return queue_message(agency_id=agency.id, kind="edoc", package=package,
                         recipient_codes=["000.00.00.G22", "000.00.00.H26"], now=T0, **kwargs)


def _events(db, event_type):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type)).all()


def test_a_due_message_is_sent_once_with_its_recipients(app, db, agency):
    message = _queue(agency)
    transport = RecordingTransport()
    assert send_due_messages(transport, T0)["sent"] == 1
    assert transport.sent == [(b"<edXML:edXML/>", ["000.00.00.G22", "000.00.00.H26"])]
    db.session.refresh(message)
    assert (message.state, message.remote_id, message.tries, message.next_try_at) == ("sent", "axis-1", 1, None)
    assert send_due_messages(transport, T0 + timedelta(days=1))["sent"] == 0
    assert [event.data["remote_id"] for event in _events(db, "outbox_message_sent")] == ["axis-1"]


def test_failures_back_off_1m_5m_30m_2h_then_the_message_is_dead(app, db, agency):
    message = _queue(agency)
    transport = RecordingTransport([DOWN] * 5)
    now, waits = T0, []
    for _ in range(4):
        assert send_due_messages(transport, now)["retry"] == 1
        db.session.refresh(message)
        waits.append(message.next_try_at - now)
        # Not due a second before its time.
        assert send_due_messages(transport, message.next_try_at - timedelta(seconds=1)) == {
            "sent": 0, "retry": 0, "dead": 0, "lost": 0}
        now = message.next_try_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
    assert send_due_messages(transport, now)["dead"] == 1
    db.session.refresh(message)
    assert (message.state, message.tries, message.last_error) == ("dead", 5, "Không kết nối được trục liên thông.")
    assert transport.sent == []
    assert send_due_messages(transport, now + timedelta(days=1))["sent"] == 0  # dead stays dead
    assert [event.data["tries"] for event in _events(db, "outbox_message_dead")] == [5]


def test_the_schedule_and_the_number_of_tries_are_configurable(app, db, agency, monkeypatch):
    monkeypatch.setitem(app.config, "EXCHANGE_OUTBOX_BACKOFF_SECONDS", (10, 20))
    monkeypatch.setitem(app.config, "EXCHANGE_OUTBOX_MAX_TRIES", 4)
    message = _queue(agency)
    transport, now, waits = RecordingTransport([DOWN] * 4), T0, []
    for _ in range(3):
        send_due_messages(transport, now)
        db.session.refresh(message)
        waits.append((message.next_try_at - now).total_seconds())
        now = message.next_try_at
    assert waits == [10, 20, 20]  # past the end of the schedule its last step repeats
    assert send_due_messages(transport, now)["dead"] == 1
    assert SendPolicy().delay_after(5) == timedelta(hours=6)


def test_a_refusal_is_dead_at_once_and_a_fault_is_retried_in_vietnamese(app, db, agency):
    refused, faulty = _queue(agency, b"a"), _queue(agency, b"b")
    transport = RecordingTransport([TransportRefused("Trục từ chối: chữ ký không hợp lệ."), KeyError("x")])
    assert send_due_messages(transport, T0) == {"sent": 0, "retry": 1, "dead": 1, "lost": 0}
    db.session.refresh(refused)
    db.session.refresh(faulty)
    assert (refused.state, refused.tries, refused.last_error) == ("dead", 1, "Trục từ chối: chữ ký không hợp lệ.")
    assert (faulty.state, faulty.last_error) == ("pending", "Lỗi hệ thống khi gửi; chi tiết đã ghi vào nhật ký.")


def test_a_sender_that_died_mid_send_leaves_the_message_due_after_its_lease(app, db, agency):
    message = _queue(agency)
    lease = timedelta(seconds=SendPolicy().lease_seconds)
    assert claim_due_messages(T0, limit=10, lease=lease) == [(message.id, 1)]  # ... and the sender dies
    transport = RecordingTransport()
    assert send_due_messages(transport, T0 + lease - timedelta(seconds=1))["sent"] == 0
    assert send_due_messages(transport, T0 + lease)["sent"] == 1
    db.session.refresh(message)
    assert (message.state, message.tries) == ("sent", 2)


def test_a_message_reclaimed_after_its_lease_keeps_the_second_senders_outcome(app, db, agency):
    from app.exchange.outbox import _send_one

    message = _queue(agency)
    policy = SendPolicy()
    lease = timedelta(seconds=policy.lease_seconds)
    [(_, first_tries)] = claim_due_messages(T0, limit=10, lease=lease)  # a slow sender
    assert send_due_messages(RecordingTransport(), T0 + lease)["sent"] == 1  # a second one after the lease
    # The slow sender's answer arrives last: it must not turn the sent message back into a retry.
    assert _send_one(RecordingTransport([DOWN]), message.id, first_tries, T0, policy) == "lost"
    db.session.refresh(message)
    assert (message.state, message.remote_id) == ("sent", "axis-1")


def _dead(db, agency):
    message = _queue(agency)
    send_due_messages(RecordingTransport([TransportRefused("Bị từ chối.")]), T0)
    db.session.refresh(message)
    assert message.state == "dead"
    return message


def test_resend_puts_a_dead_message_back_with_its_tries_reset(app, db, make, agency):
    clerk = make.user(agency=agency, roles=("clerk",))
    message = _dead(db, agency)
    later = T0 + timedelta(hours=1)
    resend_message(message.id, actor=clerk, now=later)
    assert (message.state, message.tries, message.next_try_at, message.last_error) == ("pending", 0, later, None)
    assert send_due_messages(RecordingTransport(), later)["sent"] == 1
    [event] = _events(db, "outbox_message_resent")
    assert (event.actor_id, event.data["previous_error"]) == (clerk.id, "Bị từ chối.")
    with pytest.raises(OutboxError, match="Chỉ gửi lại được gói tin gửi lỗi."):
        resend_message(message.id, actor=clerk)


def test_cancel_stops_a_message_for_good_and_another_agency_cannot_touch_it(app, db, make, agency):
    clerk, stranger = make.user(agency=agency, roles=("clerk",)), make.user(roles=("clerk",))
    message = _dead(db, agency)
    with pytest.raises(MessageNotFound):
        cancel_message(message.id, actor=stranger)
    with pytest.raises(MessageNotFound):
        resend_message(message.id, actor=stranger)
    cancel_message(message.id, actor=clerk)
    assert message.state == "cancelled"
    assert send_due_messages(RecordingTransport(), T0 + timedelta(days=1))["sent"] == 0
    assert [event.data["previous_state"] for event in _events(db, "outbox_message_cancelled")] == ["dead"]
    with pytest.raises(OutboxError):
        cancel_message(message.id, actor=clerk)
