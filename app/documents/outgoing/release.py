"""Phát hành: the issued document goes to each recipient; internal ones receive it at once.

Each recipient agency inside this installation gets its own incoming document through
`receive_document` (status 01, its incoming process started, the sender's id kept), all in the
clerk's completion: a recipient that cannot take it rolls the whole release back. Recipients outside
get one edXML package through the exchange's outbox, queued in the same transaction; a secret document
addressed outside (refused at drafting already) is refused again here and nothing is released.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.documents.metadata import IncomingMetadata
from app.documents.models import DocumentLink
from app.documents.receiving import receive_document, resolve_issuer
from app.exchange.sending import queue_release
from app.extensions import db
from app.filestore import StoredFile
from app.sqltypes import utcnow
from app.workflow.errors import OperatorRefused
from app.workflow.registry import OperatorContext

from .drafting import draft_of
from .models import OutgoingDraft


def release(context: OperatorContext) -> dict:
    draft = draft_of(context)
    document = draft.document
    main = document.main_file
    if draft.issued_at is None or main is None:
        raise OperatorRefused(_("Văn bản chưa được cấp số và ký số của cơ quan; chưa thể phát hành."))
    external = [r for r in draft.recipients if r.agency_id is None]
    if external and document.secrecy > 0:
        raise OperatorRefused(_("Văn bản mật không được gửi ra ngoài hệ thống; không phát hành."))
    metadata = IncomingMetadata(
        doc_type=document.doc_type, number=document.number, notation=document.notation,
        issuer_code=document.issuer_code, issuer_name=document.issuer_name, document_date=document.document_date,
        subject=document.subject, urgency=document.urgency, secrecy=document.secrecy,
        page_count=document.page_count, signer_name=document.signer_name)
    attachments = tuple(_stored(f) for f in document.files if f.role == "attachment")
    internal = [r for r in draft.recipients if r.agency_id is not None]
    issuer = resolve_issuer(metadata) if internal else None  # the same for every recipient: looked up once
    for recipient in internal:
        received = receive_document(agency_id=recipient.agency_id, metadata=metadata, main_file=_stored(main),
                                    attachments=attachments, origin="internal", source_document_id=document.id,
                                    issuer=issuer)
        recipient.delivered_document_id = received.document.id
    queue_release(document, draft, actor=context.actor)
    draft.stage, draft.released_at = "released", utcnow()
    _supersede(document, draft)
    record("document_released", actor=context.actor, subject=("document", str(document.id)),
           agency_id=document.agency_id, symbol=document.symbol, file_sha256=main.sha256,
           delivered=[r.code for r in draft.recipients if r.delivered_document_id],
           queued=[r.code for r in draft.recipients if r.exchange_state == "queued"])
    return {"delivered": len(internal), "queued": len(external)}


def _supersede(document, draft) -> None:
    """A replacement's copies point to the copies they replace, at each recipient, and back."""
    replaces = db.session.scalars(select(DocumentLink).where(DocumentLink.document_id == document.id,
                                                             DocumentLink.kind == "replaces")).first()
    if replaces is None:
        return
    old = db.session.get(OutgoingDraft, replaces.related_id)
    old.stage = "replaced"
    db.session.add(DocumentLink(document_id=old.document_id, kind="replaced_by", related_id=document.id,
                                reference=document.symbol))
    old_copies = {r.agency_id: r.delivered_document for r in old.recipients if r.delivered_document is not None}
    for recipient in draft.recipients:
        old_copy = old_copies.get(recipient.agency_id)
        if old_copy is None or recipient.delivered_document_id is None:
            continue
        db.session.add(DocumentLink(document_id=recipient.delivered_document_id, kind="replaces",
                                    related_id=old_copy.id, reference=old_copy.symbol))
        db.session.add(DocumentLink(document_id=old_copy.id, kind="replaced_by",
                                    related_id=recipient.delivered_document_id, reference=document.symbol))


def _stored(file) -> StoredFile:
    return StoredFile(file.sha256, file.size, file.name, file.content_type)
