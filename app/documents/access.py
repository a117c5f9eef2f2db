"""Who sees which document: the agency's people see its ordinary documents; a secret one only its
registering clerk and the people given work on it (leader, unit heads, specialists). Every open of a
secret document is written to the audit chain.
"""
from sqlalchemy import exists, or_, select

from app.audit.services import record
from app.directory.scoping import scoped
from app.extensions import db
from app.workflow.models import SubjectParticipant

from .models import Document

SUBJECT_TYPE = "document"


def _participant(actor):
    return exists().where(SubjectParticipant.subject_type == SUBJECT_TYPE,
                          SubjectParticipant.subject_id == db.func.cast(Document.id, db.String),
                          SubjectParticipant.user_id == actor.id)


def visible_documents(actor, statement=None):
    """`statement` (a select of Document) narrowed to what the actor may see."""
    statement = scoped(statement if statement is not None else select(Document), actor)
    return statement.where(or_(Document.secrecy == 0, Document.received_by_id == actor.id,
                               Document.registered_by_id == actor.id, _participant(actor)))


def open_document(document_id, actor) -> Document | None:
    """The document when the actor may see it (None otherwise); opening a secret one is audited."""
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        return None
    document = db.session.scalars(visible_documents(actor).where(Document.id == document_id)).first()
    if document is not None and document.secrecy > 0:
        record("secret_document_opened", actor=actor, subject=(SUBJECT_TYPE, str(document.id)),
               agency_id=document.agency_id, secrecy=document.secrecy)
    return document
