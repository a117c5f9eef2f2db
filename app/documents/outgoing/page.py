"""What the sender's document page shows of an outgoing document: the draft, its stage and each recipient's status."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db

from ..models import Document
from .models import OutgoingDraft, OutgoingRecipient


@dataclass
class RecipientStatus:
    """One recipient: inside the installation its incoming document's live status (01–06, 02 with the
    reason), outside the exchange state and the state of the outbox message carrying the package."""

    name: str
    code: str
    internal: bool
    status_code: str | None
    at: object
    note: str
    exchange_state: str
    outbox_state: str | None = None  # pending, sending, sent, dead, cancelled (app.exchange.messages)


@dataclass
class OutgoingDetails:
    draft: OutgoingDraft
    recipients: list[RecipientStatus]


def recipient_statuses(draft: OutgoingDraft) -> list[RecipientStatus]:
    """Read across agencies on purpose: the sender may see how each recipient handles what it sent,
    and nothing else of the recipients' documents."""
    rows = db.session.scalars(
        select(OutgoingRecipient).where(OutgoingRecipient.draft_id == draft.document_id)
        .options(selectinload(OutgoingRecipient.delivered_document).selectinload(Document.statuses),
                 joinedload(OutgoingRecipient.outbox_message))
        .order_by(OutgoingRecipient.position)).all()
    lines = []
    for row in rows:
        delivered = row.delivered_document
        last = delivered.statuses[-1] if delivered is not None and delivered.statuses else None
        lines.append(RecipientStatus(row.name, row.code, row.agency_id is not None,
                                     delivered.status_code if delivered else None,
                                     last.at if last else row.queued_at, last.note if last else "",
                                     row.exchange_state, row.outbox_message.state if row.outbox_message else None))
    return lines


def outgoing_details(document: Document) -> OutgoingDetails | None:
    draft = db.session.get(OutgoingDraft, document.id)
    if draft is None:
        return None
    return OutgoingDetails(draft, recipient_statuses(draft))
