"""The one way a document comes in: from another agency here, from the clerk's scanner, from edXML.

`receive_document` checks the PDF and its signatures, keeps the document with status 01 and starts
the incoming process, all in the caller's transaction: a refusal leaves nothing behind.
"""
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from app.audit.services import record
from app.directory.models import Agency, User
from app.extensions import db
from app.filestore import StoredFile, path_for
from app.signing.validation import (
    PdfRejected,
    crls_from_config,
    inspect_pdf,
    trust_roots_from_config,
    validate_pdf_signatures,
)
from app.sqltypes import utcnow
from app.workflow.runtime import start_instance

from .case_subject import SUBJECT_TYPE
from .folding import fold
from .metadata import DocumentRefused, IncomingMetadata
from .models import RECEIVED, REFUSED, Document, DocumentFile
from .status import change_status
from .verification import ISSUED_SIGNATURE_FIELDS

INCOMING_PROCESS = "incoming_document"


@dataclass
class Received:
    document: Document
    duplicates: list[Document] = field(default_factory=list)


def _duplicates_by(issuer):
    return (select(Document).where(
        Document.agency_id == bindparam("agency_id"), Document.direction == "incoming", issuer,
        Document.number == bindparam("number"), Document.notation == bindparam("notation"),
        Document.document_date == bindparam("document_date"), Document.status_code != REFUSED)
        .order_by(Document.id).limit(5))


# Built once: every intake asks, and building the statement cost more than running it.
_DUPLICATES_BY_CODE = _duplicates_by(Document.issuer_code == bindparam("issuer"))
_DUPLICATES_BY_NAME = _duplicates_by(func.lower(Document.issuer_name) == bindparam("issuer"))
_AGENCY_BY_CODE = select(Agency).where(Agency.code == bindparam("code"))


def find_duplicates(agency_id: int, metadata: IncomingMetadata) -> list[Document]:
    """Documents this agency already holds with the same issuer, số/ký hiệu and date (refused ones aside)."""
    statement, issuer = ((_DUPLICATES_BY_CODE, metadata.issuer_code) if metadata.issuer_code
                         else (_DUPLICATES_BY_NAME, metadata.issuer_name.lower()))
    return list(db.session.scalars(statement, {
        "agency_id": agency_id, "issuer": issuer, "number": metadata.number, "notation": metadata.notation,
        "document_date": metadata.document_date}))


# receive_document's `issuer` when the caller has not resolved it: looked up from the metadata's code.
UNRESOLVED = object()


def receive_document(*, agency_id: int, metadata: IncomingMetadata, main_file: StoredFile,
                     attachments: tuple[StoredFile, ...] = (), origin: str = "paper", actor: User | None = None,
                     source_document_id: int | None = None, refuse_broken_signatures: bool = True,
                     main_pdf: bytes | None = None, duplicates: list[Document] | None = None,
                     issuer: Agency | None | object = UNRESOLVED) -> Received:
    """Keep an incoming document (status 01) and start its process; raise DocumentRefused for bad input.

    The clerk's own upload refuses a broken signature at once; a delivery keeps it, so that the clerk
    sees the verdict at Tiếp nhận and can refuse it with the reason. `main_pdf` is the main file's
    content when it is not in the store yet (an upload held until accepted). `duplicates`: what
    `find_duplicates` answered the caller in this transaction, so that it is not asked twice. `issuer`:
    what `resolve_issuer(metadata)` answered the caller (one release delivers the same metadata to
    every recipient).
    """
    if issuer is UNRESOLVED:
        issuer = resolve_issuer(metadata)
    pdf = main_pdf if main_pdf is not None else path_for(
        Path(current_app.config["FILES_DIR"]), main_file.sha256).read_bytes()
    try:
        facts = inspect_pdf(pdf)
    except PdfRejected as refused:
        raise DocumentRefused({"file": str(refused)}) from None
    config = current_app.config
    # Delivered from an agency of this installation: issued here, so both signatures must be there.
    expected = ISSUED_SIGNATURE_FIELDS if source_document_id is not None else ()
    verdicts = [v.as_data() for v in validate_pdf_signatures(
        pdf, trust_roots=trust_roots_from_config(config), crls=crls_from_config(config), expected_fields=expected)]
    broken = [v for v in verdicts if v["verdict"] == "invalid"]
    if broken and refuse_broken_signatures:
        raise DocumentRefused({"file": _("Chữ ký số trong tệp không hợp lệ: %(reason)s",
                                         reason=broken[0].get("reason") or "")})
    if duplicates is None:
        duplicates = find_duplicates(agency_id, metadata)
    document = Document(
        agency_id=agency_id, direction="incoming", origin=origin, doc_type=metadata.doc_type,
        number=metadata.number, notation=metadata.notation,
        issuer_agency_id=issuer.id if issuer else None, issuer_code=metadata.issuer_code,
        issuer_name=metadata.issuer_name or (issuer.name if issuer else ""), document_date=metadata.document_date,
        subject=metadata.subject, urgency=metadata.urgency, secrecy=metadata.secrecy,
        page_count=metadata.page_count or facts.page_count, signer_name=metadata.signer_name,
        signature_verdicts=verdicts, received_at=utcnow(),  # before its first status's time, as it came first
        received_by_id=actor.id if actor else None, due_date=metadata.due_date,
        source_document_id=source_document_id, statuses=[])  # a new trail: nothing to load
    document.search_text = searchable_text(document)
    document.files = [_file_row(main_file, "main", 0)] + [
        _file_row(f, "attachment", i + 1) for i, f in enumerate(attachments)]
    db.session.add(document)
    # Its flush writes the document, its files and its first status together, and gives the document its id.
    change_status(document, RECEIVED, actor=actor)
    instance = start_instance(INCOMING_PROCESS, actor=None, agency_id=agency_id,
                              title=_title(document), data=_process_data(document, actor),
                              subject=(SUBJECT_TYPE, document.id), caused_by=actor)
    document.instance_id = instance.id
    record("document_received", actor=actor, subject=("document", str(document.id)), agency_id=agency_id,
           origin=origin, metadata=metadata.as_data(), file_sha256=main_file.sha256,
           attachments=[f.sha256 for f in attachments], duplicates=[d.id for d in duplicates])
    return Received(document, duplicates)


def searchable_text(document: Document) -> str:
    """What search matches, accent-free: số/ký hiệu, issuer, subject, signer, số đến."""
    return fold(" ".join(str(part) for part in (
        document.symbol, document.issuer_name, document.issuer_code, document.subject, document.signer_name,
        document.arrival_number or "") if part))


def resolve_issuer(metadata: IncomingMetadata) -> Agency | None:
    """The agency of this installation named by the metadata's issuer code; DocumentRefused for an unknown
    code without an issuer name."""
    if not metadata.issuer_code:
        return None
    agency = db.session.scalars(_AGENCY_BY_CODE, {"code": metadata.issuer_code}).first()
    if agency is None and not metadata.issuer_name:
        raise DocumentRefused({"issuer_code": _(
            "Không có cơ quan mã %(code)s trong hệ thống; nhập tên cơ quan ban hành nếu là cơ quan ngoài tỉnh.",
            code=metadata.issuer_code)})
    return agency


def _file_row(stored: StoredFile, role: str, position: int) -> DocumentFile:
    return DocumentFile(role=role, position=position, sha256=stored.sha256, name=stored.name, size=stored.size,
                        content_type=stored.content_type)


def _title(document: Document) -> str:
    return f"{document.symbol} — {document.subject}"[:500]


def _process_data(document: Document, actor: User | None) -> dict:
    # The clerk who typed in a paper document registers it; a delivered one goes to every clerk.
    owners = {"Văn thư": [actor.username]} if actor is not None and document.origin == "paper" else {}
    return {
        "document_id": document.id, "subject_type": "document", "subject_id": str(document.id),
        "origin": document.origin, "urgency": document.urgency, "secrecy": document.secrecy,
        "due_date": document.due_date.isoformat() if document.due_date else None,
        "lane_owners": owners, "support_department_ids": [], "lead_user": None,
    }
