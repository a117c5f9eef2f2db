"""The outgoing page shows each external recipient where its package stands in the outbox."""
from app.exchange.outbox import resend_message, send_due_messages
from app.exchange.transport import TransportRefused

from .doubles import RecordingTransport
from .test_sending import EXTERNAL, messages, released, sender  # noqa: F401  (the fixture)

WAITING, ON_THE_AXIS, FAILED = ">Chờ gửi</span>", ">Đã gửi lên trục</span>", ">Gửi lỗi</span>"


def test_the_recipient_list_follows_the_outbox_message(app, db, sender, login, client):  # noqa: F811
    document = released(app, db, sender, external_recipients=EXTERNAL)
    login(sender.clerk)

    def page() -> str:
        db.session.expire_all()
        return client.get(f"/van-ban/{document.id}").get_data(as_text=True)

    shown = page()
    assert shown.count(WAITING) == 2 and ON_THE_AXIS not in shown and FAILED not in shown
    with app.test_request_context():
        assert send_due_messages(RecordingTransport([TransportRefused("Mã nơi nhận không có trên trục.")]))["dead"] == 1
    shown = page()
    assert shown.count(FAILED) == 2 and WAITING not in shown
    with app.test_request_context():
        resend_message(messages(db)[0].id, actor=sender.clerk)
        db.session.commit()
    assert page().count(WAITING) == 2
    with app.test_request_context():
        assert send_due_messages(RecordingTransport())["sent"] == 1
    shown = page()
    assert shown.count(ON_THE_AXIS) == 2 and WAITING not in shown and FAILED not in shown
