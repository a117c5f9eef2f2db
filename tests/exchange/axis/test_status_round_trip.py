"""Statuses cross the real axis stand-in: A's document reaches B, B's clerk registers it, and A's outgoing
document shows B at 01 then 03 on its timeline."""
from datetime import date

from sqlalchemy import select

from app.documents.models import Document
from app.documents.outgoing.models import OutgoingDraft, OutgoingRecipient
from app.documents.outgoing.page import recipient_statuses
from app.exchange.axis.transport import AxisTransport
from app.exchange.edxml import (
    Attachment,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    PromulgationInfo,
    build_package,
    document_id,
)
from app.exchange.inbox import poll_inbox
from app.exchange.outbox import queue_message, send_due_messages
from app.exchange.setup import received_package
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task

from ...pdf_samples import minimal_pdf
from .conftest import AGENCY_A, AGENCY_B

ISSUED = date(2026, 12, 1)


def task(db, document, spec_id) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def test_b_registers_a_document_from_a_and_a_sees_01_then_03(app, db, make, deployed, hub):
    a = make.agency(code=AGENCY_A, name="Sở Nội vụ tỉnh A")
    b = make.agency(code=AGENCY_B, name="Sở Tài chính tỉnh B")
    clerk_b = make.user(agency=b, roles=("clerk",))
    # A's released document with B as an external recipient (the release path itself is another slice).
    outgoing = Document(agency_id=a.id, direction="outgoing", origin="internal", doc_type="CV", number="15",
                        notation="SNV-VP", issuer_code=AGENCY_A, issuer_name=a.name, document_date=ISSUED,
                        subject="V/v báo cáo số liệu", status_code="01")
    db.session.add(outgoing)
    db.session.flush()
    draft = OutgoingDraft(document_id=outgoing.id, stage="released")
    db.session.add_all([draft, OutgoingRecipient(draft_id=outgoing.id, code=AGENCY_B, name=b.name,
                                                 exchange_state="sent")])
    package = build_package(DocumentPackage(
        sender=Organization(AGENCY_A, organ_name=a.name), to=[Organization(AGENCY_B)],
        document_id=document_id(AGENCY_A, ISSUED, "15", "SNV-VP"), code=Code("15", "SNV-VP"),
        promulgation=PromulgationInfo("Yên Bái", ISSUED), document_type=DocumentType(1, 0, "Công văn"),
        subject=outgoing.subject, attachments=[Attachment("cid:1", "15-SNV.pdf", minimal_pdf("15"), "application/pdf")]))
    axis_a, axis_b = AxisTransport(hub.client("lienthong.a")), AxisTransport(hub.client("lienthong.b"))
    with app.test_request_context():
        queue_message(agency_id=a.id, kind="edoc", package=package, recipient_codes=[AGENCY_B],
                      document_id=outgoing.id)
        db.session.commit()
        assert send_due_messages(axis_a)["sent"] == 1
        assert poll_inbox(axis_b, received_package)["imported"] == 1  # B: the document at 01, its 01 queued
    arrived = db.session.scalars(select(Document).where(Document.agency_id == b.id)).one()
    complete_task(task(db, arrived, "receive").task_uuid, {"receive_decision": "accept"}, actor=clerk_b)
    complete_task(task(db, arrived, "register").task_uuid, {"route": "leader"}, actor=clerk_b)
    db.session.commit()
    with app.test_request_context():
        assert send_due_messages(axis_b)["sent"] == 2  # B's 01 and 03, to A's code
        assert poll_inbox(axis_a, received_package) == {"imported": 2, "refused": 0, "received": 0}
        assert poll_inbox(axis_a, received_package) == {"imported": 0, "refused": 0, "received": 0}
    [line] = recipient_statuses(draft)
    assert [step.code for step in line.timeline] == ["01", "03"] and line.status_code == "03"
    assert not line.internal and line.name == b.name
