"""An urgent document's package leaves right after the commit that queued it; a normal one waits for the
send job's schedule. The job runner is the in-process one (no scheduler thread in tests: it runs at once)."""
from datetime import date

from app.documents.models import Document
from app.exchange.axis.transport import AxisTransport
from app.exchange.outbox import queue_message

from ...documents.outgoing_setup import make_sender
from ..test_sending import messages, released
from .conftest import AGENCY_A, AGENCY_B

RECIPIENT = f"{AGENCY_B} - Sở Tài chính tỉnh B"


def _sender_at_a(app, db, make, hub, monkeypatch):
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", AxisTransport(hub.client("lienthong.a")))
    sender = make_sender(app, make)
    sender.agency.code = AGENCY_A  # registered in the stand-in under system a
    db.session.flush()
    return sender


def test_an_urgent_release_is_on_the_axis_as_soon_as_it_is_committed(app, db, make, deployed, hub, monkeypatch):
    sender = _sender_at_a(app, db, make, hub, monkeypatch)
    released(app, db, sender, external_recipients=RECIPIENT, urgency=2)  # thượng khẩn
    [message] = messages(db)
    assert message.state == "pending"  # nothing leaves before the release is committed
    db.session.commit()
    db.session.expire_all()
    assert (message.state, message.tries) == ("sent", 1)
    [waiting] = hub.client("lienthong.b").get_received_edoc_list("edoc")
    assert (waiting.from_code, waiting.to_code) == (AGENCY_A, AGENCY_B)


def test_a_normal_release_waits_for_the_schedule(app, db, make, deployed, hub, monkeypatch):
    sender = _sender_at_a(app, db, make, hub, monkeypatch)
    released(app, db, sender, external_recipients=RECIPIENT, urgency=0)
    db.session.commit()
    db.session.expire_all()
    assert [m.state for m in messages(db)] == ["pending"]
    assert hub.client("lienthong.b").get_received_edoc_list("edoc") == []


def test_a_rolled_back_urgent_package_does_not_hasten_the_next_commit(app, db, make, hub, monkeypatch):
    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", AxisTransport(hub.client("lienthong.a")))
    agency = make.agency(code=AGENCY_A)
    fire, normal = (_document(db, agency, urgency) for urgency in (3, 0))  # hỏa tốc, thường
    db.session.commit()
    queue_message(agency_id=agency.id, kind="edoc", package=b"<edXML/>", recipient_codes=[AGENCY_B],
                  document_id=fire)
    db.session.rollback()
    queue_message(agency_id=agency.id, kind="edoc", package=b"<edXML/>", recipient_codes=[AGENCY_B],
                  document_id=normal)
    db.session.commit()
    db.session.expire_all()
    assert [(m.document_id, m.state) for m in messages(db)] == [(normal, "pending")]


def _document(db, agency, urgency: int) -> int:
    document = Document(agency_id=agency.id, direction="outgoing", origin="internal", doc_type="CV",
                        issuer_name=agency.name, document_date=date(2026, 12, 1), subject="V/v phòng chống lũ", urgency=urgency, status_code="01")
    db.session.add(document)
    db.session.flush()
    return document.id


def test_the_arrival_of_an_urgent_document_is_told_to_its_sender_at_once(app, db, make, deployed, hub, monkeypatch):
    from dataclasses import replace

    from sqlalchemy import select

    from app.exchange.dispatch import receive_any
    from app.exchange.edxml import Organization, OtherInfo, build_package
    from app.exchange.messages import OutboxMessage

    from ..test_import import package

    monkeypatch.setitem(app.config, "EXCHANGE_TRANSPORT", AxisTransport(hub.client("lienthong.b")))
    make.user(agency=make.agency(code=AGENCY_B, name="Sở Tài chính tỉnh B"), roles=("clerk",))
    for number, priority in (("90", 3), ("91", 0)):  # hỏa tốc, thường
        sent_by_a = replace(package(to=AGENCY_B, number=number), sender=Organization(AGENCY_A, organ_name="Sở Nội vụ"),
                            other_info=OtherInfo(priority=priority))
        with app.test_request_context():
            receive_any(build_package(sent_by_a), actor=None)  # the arrival queues its 01 for A
        db.session.commit()
    db.session.expire_all()
    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "status")
                                 .order_by(OutboxMessage.id)).all()
    assert [(db.session.get(Document, m.document_id).urgency, m.state) for m in notices] == [
        (3, "sent"), (0, "pending")]
    assert len(hub.client("lienthong.a").get_received_edoc_list("status")) == 1
