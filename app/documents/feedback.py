"""What a sender inside this installation sees of its document at each recipient: the live status trail.

The outgoing-documents issue shows this on the sender's page; external senders get the same codes
as edXML status packages (StatusChange.notice_pending) when the exchange sends them.
"""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db

from .models import Document, StatusChange


@dataclass
class RecipientStatus:
    agency_name: str
    code: str
    at: object
    note: str
    trail: list[StatusChange]


def recipient_statuses(source_document_id: int) -> list[RecipientStatus]:
    """One line per receiving agency: its current status code, when, the note (e.g. the refusal reason).

    Read across agencies on purpose: the sender may see how each recipient handles what it sent,
    and nothing else of the recipients' documents.
    """
    received = db.session.scalars(
        select(Document).where(Document.source_document_id == source_document_id)
        .options(selectinload(Document.statuses), selectinload(Document.agency)).order_by(Document.id))
    lines = []
    for document in received:
        last = document.statuses[-1] if document.statuses else None
        lines.append(RecipientStatus(document.agency.name, document.status_code, last.at if last else None,
                                     last.note if last else "", list(document.statuses)))
    return lines
