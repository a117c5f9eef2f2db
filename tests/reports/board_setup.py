"""Outgoing documents released with their recipients' status trails, written straight into the tables."""
from datetime import date, datetime

from app.documents.models import Document, StatusChange
from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingDraft, OutgoingRecipient
from app.vietnam_time import VIETNAM


def vn(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=VIETNAM)


def release(db, sender, number: int, released: datetime, *, internal=(), external=(), secrecy: int = 0,
            registered_by=None, stage: str = "released") -> Document:
    """An outgoing document of `sender`'s agency released at `released`; `internal` is (agency, [(code, at)]),
    `external` is (code, name, [(code, at)]) per recipient."""
    document = Document(agency_id=sender.agency_id, direction="outgoing", origin="internal", doc_type="CV",
                        number=str(number), notation="SNV-VP", issuer_name="Sở", document_date=released.date(),
                        subject=f"Trích yếu văn bản đi số {number}", status_code="01", secrecy=secrecy,
                        registered_by_id=registered_by.id if registered_by else None)
    db.session.add(document)
    db.session.flush()
    db.session.add(OutgoingDraft(document_id=document.id, stage=stage, drafter_id=sender.id, signer_id=sender.id,
                                 released_at=released if stage != "signing" else None))
    position = 0
    for agency, trail in internal:
        delivered = Document(agency_id=agency.id, direction="incoming", origin="internal", doc_type="CV",
                             number=str(number), notation="SNV-VP", issuer_name="Sở", document_date=released.date(),
                             subject=f"Văn bản đến {number}", status_code=trail[-1][0], secrecy=secrecy)
        db.session.add(delivered)
        db.session.flush()
        delivered.statuses = [StatusChange(code=code, at=at, note=f"ghi chú {code}") for code, at in trail]
        db.session.add(OutgoingRecipient(draft_id=document.id, position=position, agency_id=agency.id, code=agency.code,
                                         name=agency.name, delivered_document_id=delivered.id))
        position += 1
    for code, name, trail in external:
        outside = OutgoingRecipient(draft_id=document.id, position=position, code=code, name=name, exchange_state="sent")
        outside.external_statuses = [ExternalRecipientStatus(code=c, at=at, package_sha256="0" * 64) for c, at in trail]
        db.session.add(outside)
        position += 1
    db.session.flush()
    return document


NOVEMBER = {"period": "month", "year": 2026, "month": 11}
FIRST_DAY = date(2026, 11, 1)
