"""Drafts sent back to their drafter: who returned them, when and why, so a returned draft never looks new."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.documents.models import DocumentNote
from app.extensions import db

from .models import OutgoingDraft


def latest_returns(document_ids) -> dict[int, DocumentNote]:
    """Per draft now back in drafting, the return that sent it there (one query for a page of drafts)."""
    ids = list(document_ids)
    if not ids:
        return {}
    notes = db.session.scalars(
        select(DocumentNote).join(OutgoingDraft, OutgoingDraft.document_id == DocumentNote.document_id)
        .where(DocumentNote.document_id.in_(ids), DocumentNote.kind == "return", OutgoingDraft.stage == "drafting")
        .order_by(DocumentNote.at, DocumentNote.id).options(joinedload(DocumentNote.author)))
    return {note.document_id: note for note in notes}  # the latest wins
