"""Who sees which document: the agency's people see its ordinary documents; a secret one only its
registering clerk and the people given work on it (leader, unit heads, specialists). Every open of a
secret document is written to the audit chain.

Reading documents is a role rule stated here once: only DOCUMENT_READERS read them. Designers and
administrators are province-wide for their own work, and every document route (lists, pages, files,
previews, dossiers, registers, search, the API) answers them as if the document did not exist.
"""
from dataclasses import dataclass

from sqlalchemy import String, cast, exists, false, literal_column, or_, select
from sqlalchemy.orm import aliased

from app.audit.services import record
from app.directory.roles import DOCUMENT_READERS, REGISTER_READERS
from app.directory.scoping import get_visible, scoped, visible_agency_ids
from app.extensions import db
from app.workflow.history import instance_events
from app.workflow.models import ProcessInstance, SubjectParticipant

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


def reads_documents(actor) -> bool:
    """True when one of the actor's roles is about reading documents."""
    return actor.has_role(*DOCUMENT_READERS)


def reads_registers(actor) -> bool:
    """True when the actor may open the Sổ văn bản (the menu shows the button to exactly these people)."""
    return actor.has_role(*REGISTER_READERS)


def visible_documents(actor, statement=None):
    """`statement` (a select of Document) narrowed to what the actor may see."""
    statement = scoped(statement if statement is not None else select(Document), actor)
    if not reads_documents(actor):
        return statement.where(false())
    return statement.where(or_(Document.secrecy == 0, Document.id.in_(_secret_documents_visible_to(actor))))


def open_document(document_id, actor) -> Document | None:
    """The document when the actor may see it (None otherwise); opening a secret one is audited."""
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        return None
    if not reads_documents(actor):
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


@dataclass
class Case:
    instance: ProcessInstance
    events: list  # the instance's audit events, in chain order
    document_id: int | None


def open_case(instance_id, actor) -> Case | None:
    """A process case with its recorded history, when the actor may read it (None otherwise).

    A case's data is its document's contents: the same readers, and a secret document's case only for
    those who may open that document (the opening is audited like any other).
    """
    if not reads_documents(actor):
        return None
    instance = get_visible(ProcessInstance, instance_id, actor=actor)
    if instance is None:
        return None
    events = instance_events(instance.id)
    document_id = _document_of(instance)
    if document_id is not None and open_document(document_id, actor) is None:
        return None
    return Case(instance, events, document_id)


def _document_of(instance: ProcessInstance) -> int | None:
    """The document the case is about: the one its instance names (never one named in task data)."""
    if instance.subject_type == SUBJECT_TYPE and str(instance.subject_id).isdigit():
        return int(instance.subject_id)
    return None
