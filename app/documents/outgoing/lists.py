"""The queries behind "Văn bản đi" (released documents) and "Dự thảo" (drafts still on their way)."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.directory.models import User
from app.documents.access import visible_documents
from app.documents.folding import fold
from app.documents.models import Document
from app.exchange.messages import OutboxMessage
from app.extensions import db

from .list_filters import ReleasedFilters
from .models import CLOSED_STAGES, ISSUED_STAGES, ExternalRecipientStatus, OutgoingDraft, OutgoingRecipient
from .page import timeline_order

# How the list names the outbox state of an external recipient's package, in the order it counts them.
SENDING_LABELS = {"sent": _l("đã gửi"), "pending": _l("chờ gửi"), "dead": _l("gửi lỗi"), "cancelled": _l("đã hủy")}

# Who follows every draft of the agency; the others see the drafts they wrote or sign.
ALL_DRAFTS_ROLES = ("leader", "unit_head", "clerk", "format_checker")


def released_query(actor, text: str = "", filters: ReleasedFilters | None = None):
    statement = (visible_documents(actor).join(OutgoingDraft, OutgoingDraft.document_id == Document.id)
                 .where(Document.direction == "outgoing", OutgoingDraft.stage.in_(ISSUED_STAGES)))
    for word in fold(text).split():
        statement = statement.where(Document.search_text.contains(word, autoescape=True))
    if filters is not None:
        statement = filters.apply(statement)
    return statement.order_by(Document.document_date.desc(), Document.arrival_number.desc(), Document.id.desc())


def drafts_query(actor):
    statement = (visible_documents(actor).join(OutgoingDraft, OutgoingDraft.document_id == Document.id)
                 .where(Document.direction == "outgoing", OutgoingDraft.stage.not_in(CLOSED_STAGES)))
    if not actor.has_role(*ALL_DRAFTS_ROLES):
        statement = statement.where(or_(OutgoingDraft.drafter_id == actor.id, OutgoingDraft.signer_id == actor.id))
    return statement.order_by(Document.id.desc())


def drafts_by_document(documents) -> dict[int, OutgoingDraft]:
    """The drafts of a page of documents with their recipients and the recipients' statuses, in two queries."""
    ids = [document.id for document in documents]
    if not ids:
        return {}
    drafts = db.session.scalars(select(OutgoingDraft).where(OutgoingDraft.document_id.in_(ids)).options(
        selectinload(OutgoingDraft.recipients).selectinload(OutgoingRecipient.delivered_document),
        selectinload(OutgoingDraft.signer), selectinload(OutgoingDraft.drafter)))
    return {draft.document_id: draft for draft in drafts}


def drafts_naming_people(documents) -> dict[int, OutgoingDraft]:
    """The drafts of a page of documents with their drafter and signer, in one query; a list names those
    people only, so their roles are not read."""
    ids = [document.id for document in documents]
    if not ids:
        return {}
    drafts = db.session.scalars(select(OutgoingDraft).where(OutgoingDraft.document_id.in_(ids)).options(
        joinedload(OutgoingDraft.drafter).options(lazyload(User.role_rows)),
        joinedload(OutgoingDraft.signer).options(lazyload(User.role_rows))))
    return {draft.document_id: draft for draft in drafts}


@dataclass
class ExternalSending:
    """A released document's recipients outside the installation, in a few words for the list."""

    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)  # SENDING_LABELS key -> recipients
    latest: dict[int, str] = field(default_factory=dict)  # recipient id -> its latest status code
    last_code: str | None = None  # the latest status any of them sent back, by its own clock
    last_name: str = ""

    def counts(self) -> list[str]:
        return [f"{self.by_state[state]} {label}" for state, label in SENDING_LABELS.items() if state in self.by_state]


def external_sending(documents) -> dict[int, ExternalSending]:
    """Per document of a page, its external recipients' sending and latest status, in two queries."""
    ids = [document.id for document in documents]
    if not ids:
        return {}
    rows = db.session.execute(
        select(OutgoingRecipient.draft_id, OutgoingRecipient.id, OutgoingRecipient.name, OutboxMessage.state)
        .outerjoin(OutboxMessage, OutboxMessage.id == OutgoingRecipient.outbox_message_id)
        .where(OutgoingRecipient.draft_id.in_(ids), OutgoingRecipient.agency_id.is_(None))).all()
    if not rows:
        return {}
    summaries, names = {}, {}
    for draft_id, recipient_id, name, state in rows:
        summary = summaries.setdefault(draft_id, ExternalSending())
        summary.total += 1
        # "sending" is a claim in flight: still waiting as far as the clerk is concerned.
        key = "pending" if state in (None, "sending") else state
        summary.by_state[key] = summary.by_state.get(key, 0) + 1
        names[recipient_id] = (draft_id, name)
    statuses = db.session.execute(select(ExternalRecipientStatus.recipient_id, ExternalRecipientStatus.code,
                                         ExternalRecipientStatus.at)
                                  .where(ExternalRecipientStatus.recipient_id.in_(list(names))))
    latest: dict[int, tuple] = {}
    for recipient_id, code, at in statuses:
        key = timeline_order(code, at)
        if recipient_id not in latest or key > latest[recipient_id][0]:
            latest[recipient_id] = (key, code)
    for recipient_id, (_key, code) in sorted(latest.items(), key=lambda item: item[1][0]):
        draft_id, name = names[recipient_id]
        summary = summaries[draft_id]  # sorted: the last one written is the latest of the document
        summary.latest[recipient_id] = code
        summary.last_code, summary.last_name = code, name
    return summaries
