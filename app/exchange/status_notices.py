"""Tell an external sender where its document stands: a status package for each milestone reached.

Which codes are sent is declared once per process (`ProcessDefinition.status_milestones`): a code is
sent when a process whose case is this document declares it. The package is queued in the outbox in
the status change's own transaction, so a rolled-back step sends nothing; each code goes once per
document (a 05 after a reassignment is not repeated), except 15/16, which answer one request each (a
second update or recall gets its own answer). The 01 of an arrival is sent when the package
that brought the document has been recorded (`receive_any`), since the arrival's change comes first.
"""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.directory.models import Agency
from app.documents.case_subject import SUBJECT_TYPE
from app.documents.models import RECALL_AGREED, RECALL_REFUSED, Document, StatusChange
from app.extensions import db
from app.signing.keystore import KeyRefused
from app.sqltypes import utcnow
from app.workflow.models import ProcessInstance
from app.workflow.registry import catalogue

from .edxml import Organization, ResponseFor, StaffInfo, StatusPackage, build_status
from .edxml.model import STATUS_NEEDING_REASON
from .edxml.signature import sign_package_with_agency_key
from .outbox import queue_message
from .received import ReceivedPackage

# Codes whose note the sender reads (the reason of a refusal, the clerk's word on a recall).
CODES_WITH_NOTE = (*STATUS_NEEDING_REASON, RECALL_AGREED)
# Answers to a sender's request (recall, update): one per request, so never held back as already sent.
ANSWER_CODES = (RECALL_AGREED, RECALL_REFUSED)


def status_milestones_of(document: Document) -> set[str]:
    """The codes the processes running on this document (or that ran on it) declare as milestones."""
    process_ids = db.session.scalars(select(ProcessInstance.process_id).distinct().where(
        ProcessInstance.subject_type == SUBJECT_TYPE, ProcessInstance.subject_id == str(document.id)))
    processes = catalogue().processes
    return {code for pid in process_ids if pid in processes for code in processes[pid].status_milestones}


def notify_sender(document: Document, change: StatusChange, *, actor) -> None:
    """The status listener (documents.status): only documents received from another system have a sender."""
    if document.origin == "edxml" and change.notice_pending:
        send_status_notices(document, actor=actor)


def send_status_notices(document: Document, *, actor=None) -> int:
    """Queue a status package for each pending change that is a milestone not sent yet; return how many."""
    pending = [change for change in document.statuses if change.notice_pending]
    if not pending:
        return 0
    received = db.session.scalars(select(ReceivedPackage).where(ReceivedPackage.document_id == document.id)).first()
    if received is None:
        return 0  # the arrival's own 01: its package is recorded next, then receive_any sends it
    milestones = status_milestones_of(document)
    sent = {change.code for change in document.statuses if change.notice_sent_at is not None}
    agency = db.session.get(Agency, document.agency_id)
    queued = 0
    for change in pending:
        change.notice_pending = False
        if change.code not in milestones or (change.code in sent and change.code not in ANSWER_CODES):
            continue
        package, signed = _sealed(build_status(_status_package(document, change, received, agency, actor)), agency)
        message = queue_message(agency_id=document.agency_id, kind="status", package=package,
                                recipient_codes=[received.sender_code], document_id=document.id)
        change.notice_sent_at = utcnow()
        sent.add(change.code)
        queued += 1
        record("status_notice_queued", actor=actor, subject=("document", str(document.id)),
               agency_id=document.agency_id, code=change.code, sender=received.sender_code,
               edxml_document_id=received.edxml_document_id, outbox_message_id=message.id, signed=signed)
    db.session.flush()
    return queued


def _sealed(package: bytes, agency: Agency) -> tuple[bytes, bool]:
    """Signed with the agency's seal key when it has one; an agency without a key still answers its
    senders (unsigned, as in many deployed systems) rather than the clerk's step failing."""
    try:
        return sign_package_with_agency_key(package, agency.id, current_app.config), True
    except KeyRefused:
        return package, False


def _status_package(document: Document, change: StatusChange, received: ReceivedPackage, agency: Agency,
                    actor) -> StatusPackage:
    description = change.note.strip() if change.code in CODES_WITH_NOTE else ""
    if change.code in STATUS_NEEDING_REASON and not description:
        description = _("Không nêu lý do.")  # the standard requires one; the step itself did not ask
    return StatusPackage(
        response_for=ResponseFor(organ_id=received.sender_code, code=document.symbol or None,
                                 promulgation_date=document.document_date,
                                 document_id=received.edxml_document_id),
        sender=Organization(agency.code, organ_name=agency.name), status_code=change.code,
        description=description or None, timestamp=change.at, staff_info=_staff(change.actor or actor))


def _staff(user) -> StaffInfo | None:
    if user is None:
        return None
    return StaffInfo(department=user.department.name if user.department else None, staff=user.full_name,
                     email=user.email or None)
