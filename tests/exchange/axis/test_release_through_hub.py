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


def test_statuses_and_a_recall_go_both_ways_between_the_two_installations(app, db, make, deployed, hub):
    from app.documents.models import RECALL_AGREED
    from app.documents.outgoing.models import OutgoingDraft
    from app.documents.outgoing.page import recipient_statuses
    from app.documents.outgoing.recall import request_recall
    from app.workflow.models import HumanTask, ProcessInstance
    from app.workflow.runtime import complete_task

    sender = make_sender(app, make)
    sender.agency.code = AGENCY_A
    db.session.flush()
    document = released(app, db, sender, external_recipients=f"{AGENCY_B} - Sở Tài chính tỉnh B")
    receiver = make.agency(code=AGENCY_B, name="Sở Tài chính tỉnh B")
    clerk_b = make.user(agency=receiver, roles=("clerk",))
    db.session.commit()
    axis_a, axis_b = AxisTransport(hub.client("lienthong.a")), AxisTransport(hub.client("lienthong.b"))

    # The two installations share the test database, so one outbox holds both sides' messages: each side's
    # job runs right after that side acted (in production each installation has its own outbox).
    def from_a():
        with app.test_request_context():
            assert send_due_messages(axis_a)["sent"] == 1
            assert poll_inbox(axis_b, received_package)["imported"] == 1

    def from_b(sent: int):
        with app.test_request_context():
            assert send_due_messages(axis_b)["sent"] == sent
            assert poll_inbox(axis_a, received_package)["imported"] == sent

    def task(spec_id):
        return db.session.scalars(select(HumanTask).where(HumanTask.spec_id == spec_id,
                                                          HumanTask.agency_id == receiver.id)).one()

    from_a()
    arrived = db.session.scalars(select(Document).where(Document.agency_id == receiver.id)).one()
    complete_task(task("receive").task_uuid, {"receive_decision": "accept"}, actor=clerk_b)
    complete_task(task("register").task_uuid, {"route": "leader"}, actor=clerk_b)
    db.session.commit()
    from_b(2)  # 01 at arrival, 03 at registration
    db.session.expire_all()

    def b_as_seen_by_a():
        lines = recipient_statuses(db.session.get(OutgoingDraft, document.id))
        return next(line for line in lines if line.code == AGENCY_B)

    assert [step.code for step in b_as_seen_by_a().timeline] == ["01", "03"]

    with app.test_request_context():
        request_recall(document, actor=sender.clerk, reason="Ban hành nhầm nơi nhận")
    db.session.commit()
    from_a()  # the recall package reaches B: its clerk is asked (13)
    complete_task(task("decide").task_uuid, {"recall_decision": "agree", "recall_note": None}, actor=clerk_b)
    db.session.commit()
    from_b(1)  # B's 15 reaches A
    db.session.expire_all()
    assert db.session.get(Document, arrived.id).status_code == RECALL_AGREED
    assert db.session.get(ProcessInstance, arrived.instance_id).status == "cancelled"
    line = b_as_seen_by_a()
    assert line.status_code == "15" and [step.code for step in line.timeline] == ["01", "03", "15"]
