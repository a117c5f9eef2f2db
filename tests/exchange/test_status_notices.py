"""A document received from another system tells its sender each milestone: 01 on arrival, 02 with the
reason, 03 → 04 → 05 → 06, and 15/16 for a recall; each code once, in the step's own transaction.
Paper and internal documents send nothing."""
import io
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.documents.metadata import IncomingMetadata
from app.documents.models import Document, StatusChange
from app.documents.recall import ask_recipient_to_recall
from app.documents.receiving import receive_document
from app.exchange.dispatch import receive_any
from app.exchange.edxml import build_package, parse_status
from app.exchange.edxml.signature import verify_signature
from app.exchange.messages import OutboxMessage
from app.filestore import store_pdf
from app.signing.demo_keys import issue_demo_agency_key
from app.signing.demo_pki import ensure_demo_pki
from app.signing.validation import trust_roots_from_config
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task

from ..pdf_samples import minimal_pdf
from .test_import import MINISTRY, package

SENDER_DOCUMENT_ID = f"{MINISTRY},2026/11/30,7816/VPCP-TTĐT"


@dataclass
class Receiver:
    agency: object
    clerk: object
    leader: object
    unit: object
    head: object
    specialist: object


@pytest.fixture
def receiver(make, deployed):
    agency = make.agency(code="000.00.12.H63", name="Sở Nội vụ tỉnh Yên Bái")
    unit = make.department(agency=agency, name="Phòng Tổ chức")
    return Receiver(agency, make.user(agency=agency, roles=("clerk",), department_id=unit.id),
                    make.user(agency=agency, roles=("leader",)), unit,
                    make.user(agency=agency, roles=("unit_head",), department_id=unit.id),
                    make.user(agency=agency, roles=("specialist",), department_id=unit.id))


def statuses_sent(db, document=None) -> list:
    query = select(OutboxMessage).where(OutboxMessage.kind == "status").order_by(OutboxMessage.id)
    if document is not None:
        query = query.where(OutboxMessage.document_id == document.id)
    return [parse_status(message.package).package for message in db.session.scalars(query)]


def codes_sent(db, document=None) -> list[str]:
    return [status.status_code for status in statuses_sent(db, document)]


def task(db, document, spec_id) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def received_from_ministry(app, db, *, number="7816") -> Document:
    with app.test_request_context():
        [document_id] = receive_any(build_package(package(number=number)), actor=None).document_ids
    return db.session.get(Document, document_id)


def test_each_milestone_of_the_incoming_process_reaches_the_sender_once(app, db, receiver):
    document = received_from_ministry(app, db)
    assert codes_sent(db) == ["01"]
    [arrival] = statuses_sent(db)
    assert (arrival.response_for.document_id, arrival.response_for.organ_id) == (SENDER_DOCUMENT_ID, MINISTRY)
    assert arrival.response_for.code == "7816/VPCP-TTĐT" and arrival.sender.organ_id == receiver.agency.code
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipient_codes == [MINISTRY] and message.agency_id == receiver.agency.id

    complete_task(task(db, document, "receive").task_uuid, {"receive_decision": "accept"}, actor=receiver.clerk)
    complete_task(task(db, document, "register").task_uuid, {"route": "unit", "lead_department_id": receiver.unit.id},
                  actor=receiver.clerk)
    assert codes_sent(db) == ["01", "03", "04"]
    accepted = statuses_sent(db)[1]
    assert accepted.response_for.document_id == SENDER_DOCUMENT_ID
    assert accepted.response_for.promulgation_date == document.document_date
    assert accepted.staff_info.staff == receiver.clerk.full_name and accepted.timestamp is not None
    assert accepted.description is None  # the register's note (số đến) stays inside

    complete_task(task(db, document, "dispatch_lead").task_uuid, {"specialist": receiver.specialist.username},
                  actor=receiver.head)
    complete_task(task(db, document, "handle").task_uuid, {"handling_action": "progress", "handling_note": "Đang làm"},
                  actor=receiver.specialist)
    complete_task(task(db, document, "handle").task_uuid, {"handling_action": "finish", "handling_note": "Xong"},
                  actor=receiver.specialist)
    assert codes_sent(db) == ["01", "03", "04", "05", "06"]
    changes = db.session.scalars(select(StatusChange).where(StatusChange.document_id == document.id)).all()
    assert all(c.notice_sent_at is not None and not c.notice_pending for c in changes)


def test_a_refusal_sends_02_with_the_reason(app, db, receiver):
    document = received_from_ministry(app, db)
    complete_task(task(db, document, "receive").task_uuid,
                  {"receive_decision": "refuse", "refusal_reason": "Gửi nhầm cơ quan"}, actor=receiver.clerk)
    refused = statuses_sent(db)[-1]
    assert (refused.status_code, refused.description) == ("02", "Gửi nhầm cơ quan")
    assert refused.response_for.document_id == SENDER_DOCUMENT_ID


def test_the_same_package_again_sends_no_second_arrival(app, db, receiver):
    first = received_from_ministry(app, db)
    again = received_from_ministry(app, db)
    assert first.id == again.id and codes_sent(db) == ["01"]


def test_a_recall_answer_goes_back_and_the_request_itself_does_not(app, db, receiver):
    document = received_from_ministry(app, db)
    with app.test_request_context():
        ask_recipient_to_recall(document, sender_name="Văn phòng Chính phủ", reason="Sai trích yếu", actor=None)
    assert codes_sent(db) == ["01"]  # 13 is the sender's own request, not a milestone here
    decide = db.session.scalars(select(HumanTask).where(HumanTask.subject_id == str(document.id),
                                                        HumanTask.instance_id != document.instance_id)).one()
    complete_task(decide.task_uuid, {"recall_decision": "refuse", "recall_note": "Đã triển khai, không thu hồi"},
                  actor=receiver.clerk)
    answer = statuses_sent(db)[-1]
    assert (answer.status_code, answer.description) == ("16", "Đã triển khai, không thu hồi")


def test_paper_and_internal_documents_send_no_status(app, db, receiver):
    for origin in ("paper", "internal"):
        stored = store_pdf(io.BytesIO(minimal_pdf()), "a.pdf", files_dir=app.config["FILES_DIR"], max_bytes=1 << 20)
        metadata = IncomingMetadata(doc_type="CV", number="9", notation="UBND", issuer_code="", issuer_name="UBND",
                                    document_date=vietnam_today(), subject="Thử", urgency=0, secrecy=0)
        with app.test_request_context():
            document = receive_document(agency_id=receiver.agency.id, metadata=metadata, main_file=stored,
                                        origin=origin, actor=receiver.clerk if origin == "paper" else None,
                                        refuse_broken_signatures=False).document
        spec = "register" if origin == "paper" else "receive"
        data = {"route": "leader"} if origin == "paper" else {"receive_decision": "refuse", "refusal_reason": "Nhầm"}
        complete_task(task(db, document, spec).task_uuid, data, actor=receiver.clerk)
        assert document.status_code in ("02", "03")
    assert codes_sent(db) == []


def test_an_agency_with_a_seal_signs_its_statuses(app, db, receiver):
    issue_demo_agency_key(ensure_demo_pki(app.config["PKI_DIR"]), receiver.agency, app.config["SIGNING_KEY_PASSPHRASE"])
    received_from_ministry(app, db)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "status")).one()
    verdict = verify_signature(message.package, trust_roots=trust_roots_from_config(app.config))
    assert (verdict.verdict, verdict.signer_name) == ("valid", receiver.agency.name)
    assert parse_status(message.package).package.status_code == "01"


def test_a_second_recall_refused_again_gets_its_own_16(app, db, receiver):
    document = received_from_ministry(app, db)
    for note in ("Đã triển khai", "Vẫn không thu hồi"):
        with app.test_request_context():
            ask_recipient_to_recall(document, sender_name="Văn phòng Chính phủ", reason="Sai trích yếu", actor=None)
        decide = db.session.scalars(select(HumanTask).where(
            HumanTask.subject_id == str(document.id), HumanTask.spec_id == "decide")).one()
        complete_task(decide.task_uuid, {"recall_decision": "refuse", "recall_note": note}, actor=receiver.clerk)
    assert [(s.status_code, s.description) for s in statuses_sent(db)[1:]] == [
        ("16", "Đã triển khai"), ("16", "Vẫn không thu hồi")]  # each request has its answer
