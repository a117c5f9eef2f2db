"""A package crosses the real axis stand-in: A's outbox sends it, B's inbox takes it in as a document once."""
from sqlalchemy import func, select

from app.documents.models import RECEIVED, Document
from app.exchange.axis.transport import AxisTransport
from app.exchange.edxml import build_package
from app.exchange.inbox import poll_inbox
from app.exchange.outbox import queue_message, send_due_messages
from app.exchange.setup import received_package

from ..test_import import package
from .conftest import AGENCY_A, AGENCY_B


def test_a_package_sent_by_one_installation_arrives_at_the_other_once(app, db, make, deployed, hub):
    sender = make.agency(code=AGENCY_A, name="Sở Nội vụ tỉnh A")
    receiver = make.agency(code=AGENCY_B, name="Sở Tài chính tỉnh B")
    make.user(agency=receiver, roles=("clerk",))
    data = build_package(package(to=AGENCY_B))
    with app.test_request_context():
        queue_message(agency_id=sender.id, kind="edoc", package=data, recipient_codes=[AGENCY_B])
        db.session.commit()
        assert send_due_messages(AxisTransport(hub.client("lienthong.a")))["sent"] == 1
        inbox = AxisTransport(hub.client("lienthong.b"))
        assert poll_inbox(inbox, received_package)["imported"] == 1
        assert inbox.received() == []  # acknowledged only after the document was committed
        assert poll_inbox(inbox, received_package) == {"imported": 0, "refused": 0, "received": 0}
    document = db.session.scalars(select(Document).where(Document.agency_id == receiver.id)).one()
    assert document.origin == "edxml" and document.status_code == RECEIVED
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1


def test_an_axis_outage_delays_the_package_and_it_is_delivered_once_after(app, db, make, deployed, hub, tmp_path):
    from datetime import timedelta

    from app.exchange.axis import AxisClient
    from app.exchange.axis.hub import create_hub_app
    from app.sqltypes import utcnow

    from .conftest import SYSTEMS, served

    sender = make.agency(code=AGENCY_A, name="Sở Nội vụ tỉnh A")
    receiver = make.agency(code=AGENCY_B, name="Sở Tài chính tỉnh B")
    make.user(agency=receiver, roles=("clerk",))
    with app.test_request_context():
        queue_message(agency_id=sender.id, kind="edoc", package=build_package(package(to=AGENCY_B)),
                      recipient_codes=[AGENCY_B])
        db.session.commit()
        hub.stop()  # the axis is down for a while
        assert send_due_messages(AxisTransport(hub.client("lienthong.a")))["retry"] == 1
        assert send_due_messages(AxisTransport(hub.client("lienthong.a")))["sent"] == 0  # waits for its time
        # Back up (the same store, another port): the next due send delivers it, once.
        with served(create_hub_app(str(hub.engine.url))) as (url, _stop):
            send_a = AxisTransport(AxisClient(url, "lienthong.a", SYSTEMS["lienthong.a"][0]))
            take_b = AxisTransport(AxisClient(url, "lienthong.b", SYSTEMS["lienthong.b"][0]))
            later = utcnow() + timedelta(minutes=2)
            assert send_due_messages(send_a, later)["sent"] == 1
            assert send_due_messages(send_a, later + timedelta(hours=1)) == {"sent": 0, "retry": 0, "dead": 0,
                                                                              "lost": 0}
            assert poll_inbox(take_b, received_package)["imported"] == 1
            assert poll_inbox(take_b, received_package)["imported"] == 0
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1


def test_a_package_to_a_code_nobody_registered_is_dead_at_once_with_the_axis_reason(app, db, make, hub):
    """What the demo's letters to ministries would meet on a stand-in without them: one try, then *Gửi lỗi*."""
    from app.exchange.messages import OutboxMessage

    sender = make.agency(code=AGENCY_A, name="Sở Nội vụ tỉnh A")
    with app.test_request_context():
        queue_message(agency_id=sender.id, kind="edoc", package=build_package(package(to="000.00.00.G22")),
                      recipient_codes=["000.00.00.G22"])
        db.session.commit()
        assert send_due_messages(AxisTransport(hub.client("lienthong.a")))["dead"] == 1
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.state, message.tries, message.next_try_at) == ("dead", 1, None)
    assert message.last_error == "Trục liên thông từ chối: Không có đơn vị nhận trên trục: 000.00.00.G22."
