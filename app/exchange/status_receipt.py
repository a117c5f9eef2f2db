"""A status package from an external recipient lands on the timeline of our outgoing document.

Correlated by the ResponseFor DocumentId (our agency's code, the issue date, số/ký hiệu: what the
release put in the document package) and the responder's OrganId among the document's external
recipients. Idempotent: the same code at the same Timestamp from one recipient is kept once.
Order-tolerant: every status is kept on the timeline by its own Timestamp, and the recipient's current
status is the one with the latest Timestamp (outgoing.page), so a 03 arriving after a 05 does not
rewind it.
"""
import hashlib
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.directory.models import Agency
from app.documents.models import Document
from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingRecipient
from app.extensions import db
from app.notifications.events import tell_status_received
from app.signing.validation import crls_from_config, trust_roots_from_config
from app.sqltypes import utcnow

from .edxml import Parsed, StatusPackage
from .edxml.safe_xml import PackageRefused
from .edxml.signature import verify_signature
from .edxml.values import document_id as edxml_document_id


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


def _response_key(status: StatusPackage) -> str:
    response = status.response_for
    if response.document_id:
        return response.document_id
    if response.organ_id and response.promulgation_date and response.code:
        return edxml_document_id(response.organ_id, response.promulgation_date, response.code)
    raise PackageRefused([_("Gói trạng thái không ghi văn bản nào (thiếu ResponseFor/DocumentId).")])


def _outgoing_document(key: str) -> Document:
    organ_id, _sep, rest = key.partition(",")
    day_text, _sep, code = rest.partition(",")
    agency = db.session.scalars(select(Agency).where(Agency.code == organ_id.strip())).first()
    try:
        day = datetime.strptime(day_text.strip(), "%Y/%m/%d").date()
    except ValueError:
        day = None
    number = code.split("/", 1)[0].strip()
    if agency is not None and day is not None and number:
        candidates = db.session.scalars(select(Document).where(
            Document.agency_id == agency.id, Document.direction == "outgoing", Document.document_date == day,
            Document.number == number))
        for document in candidates:
            if _key(edxml_document_id(agency.code, day, document.number, document.notation)) == _key(key):
                return document
    raise PackageRefused([_("Gói trạng thái nói về văn bản %(id)s, không phải văn bản đi nào của hệ thống này.",
                            id=key)])


def _recipient(document: Document, organ_id: str | None) -> OutgoingRecipient:
    recipient = db.session.scalars(select(OutgoingRecipient).where(
        OutgoingRecipient.draft_id == document.id, OutgoingRecipient.agency_id.is_(None),
        OutgoingRecipient.code == (organ_id or "").strip())).first()
    if recipient is None:
        raise PackageRefused([_("Cơ quan %(code)s không có trong nơi nhận ngoài hệ thống của văn bản %(symbol)s.",
                                code=organ_id or "—", symbol=document.symbol)])
    return recipient


def apply_status(parsed: Parsed, data: bytes, *, actor=None, warnings: list[str] | None = None) -> int:
    """Keep the status on the recipient's timeline; return our outgoing document's id (PackageRefused if unknown).

    `actor` is the clerk who brought it (their agency must have sent the document), or None for the system.
    The header signature is judged as a document package's is: its verdict is a warning, never a refusal.
    """
    status: StatusPackage = parsed.package
    warnings = warnings if warnings is not None else []
    document = _outgoing_document(_response_key(status))
    if actor is not None and actor.agency_id != document.agency_id:
        raise PackageRefused([_("Gói trạng thái nói về văn bản của cơ quan khác, không phải của cơ quan bạn.")])
    recipient = _recipient(document, status.sender.organ_id)
    at = status.timestamp
    if at is None:
        at = utcnow().replace(microsecond=0)
        warnings.append(_("Gói trạng thái không ghi thời điểm (Timestamp); dùng thời điểm nhận."))
    earlier = db.session.scalars(select(ExternalRecipientStatus).where(
        ExternalRecipientStatus.recipient_id == recipient.id, ExternalRecipientStatus.code == status.status_code,
        ExternalRecipientStatus.at == at)).first()
    if earlier is not None:
        warnings.append(_("Trạng thái %(code)s của %(name)s đã nhận trước đó; không ghi lần nữa.",
                          code=status.status_code, name=recipient.name))
        return document.id
    config = current_app.config
    verdict = verify_signature(parsed.root, trust_roots=trust_roots_from_config(config), crls=crls_from_config(config))
    warnings += list(verdict.warnings)
    if verdict.verdict not in ("valid", "unsigned"):
        warnings.append(_("Chữ ký số của gói trạng thái: %(label)s%(reason)s.", label=verdict.label,
                          reason=f" — {verdict.reason}" if verdict.reason else ""))
    staff = status.staff_info.staff if status.staff_info and status.staff_info.staff else ""
    sha256 = hashlib.sha256(data).hexdigest()
    db.session.add(ExternalRecipientStatus(recipient_id=recipient.id, code=status.status_code,
                                           description=(status.description or "").strip(), staff=staff[:255],
                                           at=at, package_sha256=sha256))
    record("external_status_received", actor=actor, subject=("document", str(document.id)),
           agency_id=document.agency_id, recipient=recipient.code, code=status.status_code,
           at=at.isoformat(), package_sha256=sha256, signature=verdict.verdict)
    tell_status_received(document.id, status.status_code, recipient.name, dedupe_key=f"xstatus:{sha256[:40]}")
    db.session.flush()
    return document.id
