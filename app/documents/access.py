"""Who sees which document: the agency's people see its ordinary documents; a secret one only its
registering clerk and the people given work on it (leader, unit heads, specialists). Every open of a
secret document is written to the audit chain.

Reading documents is a role rule stated here once: only DOCUMENT_READERS read them. Designers and
administrators are province-wide for their own work, and every document route (lists, pages, files,
previews, dossiers, registers, search, the API) answers them as if the document did not exist.
"""
from dataclasses import dataclass
from functools import cache, cached_property

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import aliased, contains_eager, defer

from app.audit.services import record
from app.directory.roles import DOCUMENT_READERS, REGISTER_READERS
from app.directory.scoping import agency_loader_criteria, scoped, visible_agency_ids
from app.extensions import db
from app.workflow.history import instance_events
from app.workflow.models import ProcessInstance, SubjectParticipant

from .case_subject import SUBJECT_TYPE
from .models import Document

# Built once: aliasing Document and casting its id cost more than the rest of a request's statement.
_SECRET = aliased(Document, name="secret_document")
_GIVEN_SECRET = (SubjectParticipant.subject_type == SUBJECT_TYPE,
                 SubjectParticipant.subject_id == cast(_SECRET.id, String))
# An inline 0, not a bound parameter: only then may SQLite (and a generic PostgreSQL plan) use the
# partial index on secrecy > 0.
_SECRET_IDS = select(_SECRET.id).where(_SECRET.secrecy > literal_column("0"))


def _secret_documents_visible_to(actor):
    """Ids of the secret documents the actor may see: registered or received by them, or given to them.

    One uncorrelated subquery, answered once through the partial index ix_document_secret. Written as
    an EXISTS per row, PostgreSQL priced it for every document although only secret ones reach it
    (plans near a million at 200,000 documents, JIT-compiled on every page: bench/incoming.py).
    """
    given = exists().where(*_GIVEN_SECRET, SubjectParticipant.user_id == actor.id)
    ids = _SECRET_IDS.where(or_(_SECRET.received_by_id == actor.id, _SECRET.registered_by_id == actor.id, given))
    agency_ids = visible_agency_ids(actor)
    if agency_ids is not None:
        ids = ids.where(_SECRET.agency_id.in_(agency_ids))
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
    if document is not None:
        _audit_secret_open(actor, document.id, document.secrecy, document.agency_id)
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
    document_id: int | None

    @cached_property
    def events(self) -> list:
        """The instance's audit events, in chain order (read when first asked: the API reads them as rows)."""
        return instance_events(self.instance.id)


def open_case(instance_id, actor, *, shallow: bool = False) -> Case | None:
    """A process case with its recorded history, when the actor may read it (None otherwise).

    A case's data is its document's contents: the same readers, and a secret document's case only for
    those who may open that document (the opening is audited like any other). The instance, its
    version and its document as the actor may see it are read in one statement. `shallow`: the caller
    reads the instance's own columns and version only (the API's case), so its engine state is left
    unread, and nothing is loaded from it later that the agency rule would have to reach.
    """
    try:
        instance_id = int(instance_id)
    except (TypeError, ValueError):
        return None
    if not reads_documents(actor):
        return None
    statement = _case_statement(actor.province_wide, shallow)
    agency_ids = visible_agency_ids(actor)
    if not shallow and agency_ids is not None:
        statement = statement.options(agency_loader_criteria(agency_ids))
    found = db.session.execute(statement, {
        "instance_id": instance_id, "reader_id": actor.id, "reader_agency_id": actor.agency_id}).first()
    if found is None:
        return None
    instance, visible_id, secrecy, agency_id = found
    document_id = _document_of(instance)
    if document_id is not None:
        if visible_id != document_id:
            return None
        _audit_secret_open(actor, document_id, secrecy, agency_id)
    return Case(instance, document_id)


class _ReaderParameters:
    """A document reader whose id and agency are bound parameters, given per request: the case statement
    is built once per shape by the one agency rule (scoped) and the one secrecy rule (visible_documents)."""

    id = bindparam("reader_id")
    agency_id = bindparam("reader_agency_id")

    def __init__(self, province_wide: bool):
        self.province_wide = province_wide

    def has_role(self, *_roles) -> bool:
        return True  # open_case has asked the real reader's roles first


@cache
def _case_statement(province_wide: bool, shallow: bool):
    """The instance, with its version and its document as the reader may see it (NULLs when not)."""
    reader = _ReaderParameters(province_wide)
    document = visible_documents(reader, select(Document.id, Document.secrecy, Document.agency_id)).subquery()
    statement = (select(ProcessInstance, document.c.id, document.c.secrecy, document.c.agency_id)
                 .join(ProcessInstance.version).options(contains_eager(ProcessInstance.version))
                 .outerjoin(document, document.c.id == _SUBJECT_DOCUMENT_ID)
                 .where(ProcessInstance.id == bindparam("instance_id")))
    if shallow:
        statement = statement.options(defer(ProcessInstance.state_json))
    return scoped(statement, reader)


def _audit_secret_open(actor, document_id: int, secrecy: int, agency_id: int) -> None:
    if secrecy > 0:
        record("secret_document_opened", actor=actor, subject=(SUBJECT_TYPE, str(document_id)),
               agency_id=agency_id, secrecy=secrecy)


def _document_of(instance: ProcessInstance) -> int | None:
    """The document the case is about: the one its instance names (never one named in task data)."""
    if instance.subject_type == SUBJECT_TYPE and str(instance.subject_id).isdigit():
        return int(instance.subject_id)
    return None


# The instance's document id in SQL, as _document_of reads it: only a "document" subject of plain digits
# (few enough for an integer) is cast, so no other subject can make PostgreSQL's cast fail.
_SUBJECT_DOCUMENT_ID = case((and_(ProcessInstance.subject_type == SUBJECT_TYPE,
                                  func.length(ProcessInstance.subject_id).between(1, 9),
                                  func.trim(ProcessInstance.subject_id, "0123456789") == ""),
                             cast(ProcessInstance.subject_id, Integer)))
