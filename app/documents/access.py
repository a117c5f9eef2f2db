"""Who sees which document: the agency's people see its ordinary documents; a secret one only its
registering clerk and the people given work on it (leader, unit heads, specialists). Every open of a
secret document is written to the audit chain.
"""
from sqlalchemy import String, cast, exists, literal_column, or_, select
from sqlalchemy.orm import aliased

from app.audit.services import record
from app.directory.scoping import scoped, visible_agency_ids
from app.extensions import db
from app.workflow.models import SubjectParticipant

from .case_subject import SUBJECT_TYPE
from .models import Document


def _secret_documents_visible_to(actor):
    """Ids of the secret documents the actor may see: registered or received by them, or given to them.

    One uncorrelated subquery, answered once through the partial index ix_document_secret. Written as
    an EXISTS per row, PostgreSQL priced it for every document although only secret ones reach it
    (plans near a million at 200,000 documents, JIT-compiled on every page: bench/incoming.py).
    """
    secret = aliased(Document)
    given = exists().where(SubjectParticipant.subject_type == SUBJECT_TYPE,
                           SubjectParticipant.subject_id == cast(secret.id, String),
                           SubjectParticipant.user_id == actor.id)
    # An inline 0, not a bound parameter: only then may SQLite (and a generic PostgreSQL plan) use the
    # partial index on secrecy > 0.
    ids = select(secret.id).where(secret.secrecy > literal_column("0"), or_(
        secret.received_by_id == actor.id, secret.registered_by_id == actor.id, given))
    agency_ids = visible_agency_ids(actor)
    if agency_ids is not None:
        ids = ids.where(secret.agency_id.in_(agency_ids))
    return ids


def visible_documents(actor, statement=None):
    """`statement` (a select of Document) narrowed to what the actor may see."""
    statement = scoped(statement if statement is not None else select(Document), actor)
    return statement.where(or_(Document.secrecy == 0, Document.id.in_(_secret_documents_visible_to(actor))))


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


def secret_document_ids(document_ids: set[str]) -> set[str]:
    """Those of the documents that are secret (registered as the "document" subjects' restriction)."""
    ids = sorted({int(i) for i in document_ids if str(i).isdigit()})
    secret = set()
    for start in range(0, len(ids), 5000):  # an export may name tens of thousands: bound the IN list
        secret.update(db.session.scalars(select(Document.id).where(Document.id.in_(ids[start:start + 5000]),
                                                                   Document.secrecy > 0)))
    return {str(i) for i in secret}


def hidden_document_ids(actor, document_ids: set[str]) -> set[str]:
    """Those of the documents that are secret and the actor may not see: the same rule as the document
    pages, answered for a whole page of a list (registered as the "document" subjects' secrecy)."""
    secret = sorted(int(i) for i in secret_document_ids(document_ids))
    if not secret:
        return set()
    visible = set(db.session.scalars(visible_documents(actor, select(Document.id).where(Document.id.in_(secret)))))
    return {str(i) for i in secret} - {str(i) for i in visible}
