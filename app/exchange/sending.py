"""Send a released outgoing document outside the installation: its signed edXML package, queued or exported.

The package carries the main PDF exactly as issued (the signer's and the agency's PAdES signatures intact,
byte for byte) and the appendix PDFs; its header is signed with the agency's seal key. When that key
cannot sign XML (it sits in a PKCS#11 token, or it is refused) the package still leaves, unsigned, with
a logged warning and the fact in the audit event: the legal signatures are the PDF's, and holding a
released document back would break the same-day sending rule (QĐ 28/2018); the receiver sees "unsigned".
Secret documents never leave: refused here whatever the caller checked before.
"""
import logging
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.directory.models import ContactDetails
from app.documents.models import Document, DocumentLink
from app.documents.outgoing.letter import closing_recipient_lines
from app.documents.outgoing.models import OutgoingDraft, OutgoingRecipient
from app.documents.vocabulary import type_name
from app.extensions import db
from app.filestore import path_for
from app.signing.keystore import KeyRefused
from app.sqltypes import utcnow

from .directory import agency_contacts
from .edxml.build import build_package
from .edxml.model import (
    BUSINESS_NEW,
    BUSINESS_RECALL,
    BUSINESS_REPLACE,
    BUSINESS_UPDATE,
    Attachment,
    Bussiness,
    BussinessDocumentInfo,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    SignerInfo,
    TraceHeader,
)
from .edxml.signature import sign_package_with_agency_key
from .edxml.values import document_id as edxml_document_id
from .messages import OutboxMessage
from .outbox import queue_message

log = logging.getLogger(__name__)

# QCVN 102 DocumentType.Type: every type of our vocabulary (Decree 30) is an administrative document.
ADMINISTRATIVE_DOCUMENT = 1


class SendingRefused(Exception):
    """The document cannot leave the installation; `reason` is Vietnamese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def document_edxml_id(document: Document) -> str:
    """The DocumentId other systems know this outgoing document by (status packages name it back)."""
    return edxml_document_id(document.agency.code, document.document_date, document.number, document.notation)


def _refuse_secret(document: Document) -> None:
    if document.secrecy > 0:
        raise SendingRefused(_("Văn bản mật không được gửi ra ngoài hệ thống."))


def _file_bytes(file) -> bytes:
    return path_for(Path(current_app.config["FILES_DIR"]), file.sha256).read_bytes()


def _attachments(document: Document) -> list[Attachment]:
    main = document.main_file
    files = [main] + [f for f in document.files if f.role == "attachment"]
    return [Attachment(f"cid:{n}", f.name, _file_bytes(f), f.content_type or "application/pdf",
                       _("Văn bản chính") if f is main else _("Phụ lục"))
            for n, f in enumerate(files, start=1)]


def _sender(document: Document) -> Organization:
    agency = document.agency
    return _organization(agency.code, agency.name, agency,
                         organization_in_charge=agency.parent.name if agency.parent else None)


def _receivers(recipients: list[OutgoingRecipient]) -> list[Organization]:
    contacts = agency_contacts(r.code for r in recipients)
    return [_organization(r.code, r.name, contacts.get(r.code)) for r in recipients]


def _organization(code: str, name: str, contact: ContactDetails | None, **more) -> Organization:
    """From/To with the agency's contact details as the directory knows them (none for an unknown code)."""
    return Organization(code, organ_name=name, organ_add=(contact and contact.address) or None,
                        email=(contact and contact.email) or None, telephone=(contact and contact.phone) or None,
                        website=(contact and contact.website) or None, **more)


def _signer(draft: OutgoingDraft, document: Document) -> SignerInfo:
    competence = f"{draft.authority} {draft.authority_of}".strip() if draft.authority else None
    signer = draft.signer
    return SignerInfo(competence=competence, position=(signer.job_title or None) if signer else None,
                      full_name=(signer.full_name if signer else None) or document.signer_name or None)


def _bussiness(document: Document) -> Bussiness:
    """New (0), or a replacement (3) naming the replaced document and the external recipients it went to."""
    link = db.session.scalars(select(DocumentLink).where(DocumentLink.document_id == document.id,
                                                         DocumentLink.kind == "replaces")).first()
    replaced = db.session.get(OutgoingDraft, link.related_id) if link is not None else None
    if replaced is None:
        return Bussiness(BUSINESS_NEW)
    old = replaced.document
    return Bussiness(BUSINESS_REPLACE, bussiness_doc_reason=_("Thay thế văn bản %(symbol)s.", symbol=old.symbol),
                     replacements=[ReplacementInfo(document_edxml_id(old),
                                                   [r.code for r in replaced.recipients if r.agency_id is None])])


def outgoing_package(document: Document, draft: OutgoingDraft, recipients: list[OutgoingRecipient]) -> bytes:
    """The signed edXML package of the released `document` addressed to `recipients` (unsigned, with a
    logged warning, when the agency's key cannot sign XML); SendingRefused for a secret document."""
    return _package(document, draft, recipients)[0]


def _package(document: Document, draft: OutgoingDraft, recipients: list[OutgoingRecipient],
             bussiness: Bussiness | None = None) -> tuple[bytes, bool]:
    """The package and whether its header is signed (`bussiness`: what it does; default new or replacement)."""
    _refuse_secret(document)
    attachments = _attachments(document)
    package = DocumentPackage(
        sender=_sender(document), to=_receivers(recipients),
        document_id=document_edxml_id(document), code=Code(document.number, document.notation),
        promulgation=PromulgationInfo(current_app.config["DOCUMENT_PLACE_NAME"], document.document_date),
        document_type=DocumentType(ADMINISTRATIVE_DOCUMENT, type_name=type_name(document.doc_type)),
        subject=document.subject, signer=_signer(draft, document), due_date=document.due_date,
        to_places=closing_recipient_lines(draft, document),
        other_info=OtherInfo(priority=document.urgency, promulgation_amount=len(draft.recipients),
                             page_amount=document.page_count, appendixes=[a.name for a in attachments[1:]]),
        trace_headers=[TraceHeader(document.agency.code, utcnow().replace(microsecond=0))],
        bussiness=bussiness or _bussiness(document), attachments=attachments)
    built = build_package(package)
    try:
        return sign_package_with_agency_key(built, document.agency_id, current_app.config), True
    except KeyRefused as refused:
        log.warning("edXML package of document %s leaves unsigned: %s", document.id, refused)
        return built, False


def queue_release(document: Document, draft: OutgoingDraft, *, actor) -> OutboxMessage | None:
    """One outbox message to every external recipient of the release, in the caller's transaction."""
    external = [r for r in draft.recipients if r.agency_id is None]
    if not external:
        return None
    package, signed = _package(document, draft, external)
    message = queue_message(agency_id=document.agency_id, kind="edoc", package=package,
                            recipient_codes=[r.code for r in external], document_id=document.id)
    now = utcnow()
    for recipient in external:
        recipient.exchange_state, recipient.queued_at, recipient.outbox_message_id = "queued", now, message.id
    record("document_package_queued", actor=actor, subject=("document", str(document.id)),
           agency_id=document.agency_id, outbox_message_id=message.id, recipients=message.recipient_codes,
           package_sha256=message.package_sha256, signed=signed)
    return message


def queue_recall(document: Document, draft: OutgoingDraft, *, actor, reason: str) -> OutboxMessage | None:
    """A recall package (BussinessDocType 1) to the external recipients the document went to; each answers
    15 or 16 with a status package."""
    recall = Bussiness(BUSINESS_RECALL, bussiness_doc_reason=reason, document_id=document_edxml_id(document))
    return _queue_to_sent(document, draft, recall, "document_recall_queued", actor=actor)


def queue_update(document: Document, draft: OutgoingDraft, *, actor, reason: str) -> OutboxMessage | None:
    """An update package (BussinessDocType 2) carrying the document's current header and files to the external
    recipients it went to; each clerk agrees (15) or refuses (16) with a status package."""
    external = _sent_outside(draft)
    # DocumentInfo 1 / DocumentReceiver 0: the document's information changed, its recipients did not.
    info = BussinessDocumentInfo(document_info="1", document_receiver="0",
                                 receivers=[Receiver(organ_id=r.code) for r in external])
    update = Bussiness(BUSINESS_UPDATE, bussiness_doc_reason=reason, document_info=info,
                       document_id=document_edxml_id(document))
    return _queue_to_sent(document, draft, update, "document_update_queued", actor=actor)


def _sent_outside(draft: OutgoingDraft) -> list[OutgoingRecipient]:
    return [r for r in draft.recipients if r.agency_id is None and r.outbox_message_id is not None]


def _queue_to_sent(document: Document, draft: OutgoingDraft, bussiness: Bussiness, event: str, *,
                   actor) -> OutboxMessage | None:
    """One package doing `bussiness` to the external recipients the release went to, in the caller's transaction."""
    external = _sent_outside(draft)
    if not external:
        return None
    package, signed = _package(document, draft, external, bussiness)
    message = queue_message(agency_id=document.agency_id, kind="edoc", package=package,
                            recipient_codes=[r.code for r in external], document_id=document.id)
    record(event, actor=actor, subject=("document", str(document.id)), agency_id=document.agency_id,
           outbox_message_id=message.id, recipients=message.recipient_codes,
           package_sha256=message.package_sha256, signed=signed)
    return message


def export_package(document_id: int, *, actor) -> bytes:
    """The package of a released outgoing document as a file: the bytes queued at its release when it went
    outside, else a package addressed to its recipients; SendingRefused with the reason."""
    document = db.session.get(Document, document_id)
    draft = db.session.get(OutgoingDraft, document_id) if document is not None else None
    if draft is None:
        raise SendingRefused(_("Không có văn bản đi số %(id)s.", id=document_id))
    _refuse_secret(document)
    if draft.released_at is None:
        raise SendingRefused(_("Văn bản chưa phát hành; chỉ xuất được gói tin của văn bản đã phát hành."))
    queued = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.document_id == document.id, OutboxMessage.kind == "edoc").order_by(OutboxMessage.id)).first()
    package = queued.package if queued is not None else outgoing_package(document, draft, list(draft.recipients))
    record("document_package_exported", actor=actor, subject=("document", str(document.id)),
           agency_id=document.agency_id, outbox_message_id=queued.id if queued is not None else None)
    return package
