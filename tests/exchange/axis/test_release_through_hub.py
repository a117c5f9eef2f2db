"""A release at agency A reaches agency B of another installation through the real axis stand-in.

Both "installations" share the test database: A's outbox sends through system a, B's inbox polls system b,
which holds B's code; B comes into being only after A released, as an agency A cannot deliver to directly.
"""
from sqlalchemy import select

from app.documents.models import RECEIVED, Document
from app.exchange.axis.transport import AxisTransport
from app.exchange.inbox import poll_inbox
from app.exchange.outbox import send_due_messages
from app.exchange.received import ReceivedPackage
from app.exchange.setup import received_package

from ...documents.outgoing_setup import make_sender
from ..test_sending import file_bytes, messages, released
from .conftest import AGENCY_A, AGENCY_B


def test_a_document_released_at_a_arrives_at_b_as_issued(app, db, make, deployed, hub):
    sender = make_sender(app, make)
    sender.agency.code = AGENCY_A  # registered in the stand-in under system a
    db.session.flush()
    document = released(app, db, sender, external_recipients=f"{AGENCY_B} - Sở Tài chính tỉnh B")
    [message] = messages(db)
    receiver = make.agency(code=AGENCY_B, name="Sở Tài chính tỉnh B")
    make.user(agency=receiver, roles=("clerk",))
    db.session.commit()
    with app.test_request_context():
        assert send_due_messages(AxisTransport(hub.client("lienthong.a")))["sent"] == 1
        inbox = AxisTransport(hub.client("lienthong.b"))
        assert poll_inbox(inbox, received_package)["imported"] == 1
        assert poll_inbox(inbox, received_package)["imported"] == 0
    db.session.expire_all()
    assert messages(db)[0].state == "sent" and message.remote_id
    arrived = db.session.scalars(select(Document).where(Document.agency_id == receiver.id)).one()
    assert (arrived.origin, arrived.status_code, arrived.issuer_code, arrived.symbol, arrived.subject) == (
        "edxml", RECEIVED, AGENCY_A, "01/VPUBND-TH", document.subject)
    assert arrived.document_date == document.document_date and arrived.signer_name == "Trần Quang Minh"
    assert file_bytes(app, arrived.main_file) == file_bytes(app, document.main_file)
    assert [v["verdict"] for v in arrived.signature_verdicts] == ["valid", "valid"]
    kept = db.session.scalars(select(ReceivedPackage).where(ReceivedPackage.document_id == arrived.id)).one()
    assert kept.signature["verdict"] == "valid" and kept.warnings == []
    assert kept.edxml_document_id == f"{AGENCY_A},{document.document_date:%Y/%m/%d},01/VPUBND-TH"
