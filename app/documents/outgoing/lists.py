"""The queries behind "Văn bản đi" (released documents) and "Dự thảo" (drafts still on their way)."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.documents.access import visible_documents
from app.documents.folding import fold
from app.documents.models import Document
from app.extensions import db

from .models import OutgoingDraft, OutgoingRecipient

# Stages after release: the document is issued, whatever happened to it since.
ISSUED_STAGES = ("released", "recalled", "replaced")
# Who follows every draft of the agency; the others see the drafts they wrote or sign.
ALL_DRAFTS_ROLES = ("leader", "unit_head", "clerk", "format_checker")


def released_query(actor, text: str = ""):
    statement = (visible_documents(actor).join(OutgoingDraft, OutgoingDraft.document_id == Document.id)
                 .where(Document.direction == "outgoing", OutgoingDraft.stage.in_(ISSUED_STAGES)))
    for word in fold(text).split():
        statement = statement.where(Document.search_text.contains(word, autoescape=True))
    return statement.order_by(Document.document_date.desc(), Document.arrival_number.desc(), Document.id.desc())


def drafts_query(actor):
    statement = (visible_documents(actor).join(OutgoingDraft, OutgoingDraft.document_id == Document.id)
                 .where(Document.direction == "outgoing", OutgoingDraft.stage.not_in(ISSUED_STAGES)))
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
