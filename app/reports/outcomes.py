"""How a counted incoming document stands and what it is: the one rule behind the report numbers and the
list each number links to (the incoming list's `outcome` filter)."""
from datetime import date

from sqlalchemy import and_, literal, select

from app.documents.models import ACCEPTED, ASSIGNED, IN_PROGRESS, RECEIVED
from app.vietnam_time import vietnam_today

from .models import DocumentFact

OPEN = (RECEIVED, ACCEPTED, ASSIGNED, IN_PROGRESS)
OUTCOMES = ("counted", "completed", "on_time", "late", "open", "overdue",
            "electronic", "paper", "axis", "signed", "unsigned", "secret")


def outcome_condition(outcome: str, today: date):
    """A condition on DocumentFact for one of OUTCOMES."""
    f = DocumentFact
    done_with_deadline = and_(f.completed_day.is_not(None), f.due_date.is_not(None))
    return {
        "counted": literal(True),
        "completed": f.completed_day.is_not(None),
        "on_time": and_(done_with_deadline, f.completed_day <= f.due_date),
        "late": and_(done_with_deadline, f.completed_day > f.due_date),
        "open": f.status_code.in_(OPEN),
        "overdue": and_(f.status_code.in_(OPEN), f.due_date < today),
        # The statistics' columns of incoming documents.
        "electronic": f.origin != "paper",
        "paper": f.origin == "paper",
        "axis": f.axis,
        "signed": f.signed,
        "unsigned": ~f.signed,
        "secret": f.secret,
    }[outcome]


def documents_with_outcome(outcome: str, today: date):
    """Ids of the incoming documents in that state, as a subquery for the list."""
    return select(DocumentFact.document_id).where(DocumentFact.direction == "incoming",
                                                  outcome_condition(outcome, today))


def documents_of_person(user_id: int | None):
    """Ids of the incoming documents the reports count for a person (None: for nobody yet)."""
    person = DocumentFact.user_id.is_(None) if user_id is None else DocumentFact.user_id == user_id
    return select(DocumentFact.document_id).where(DocumentFact.direction == "incoming", person)


# The statistics' columns of outgoing documents (counted on their release day).
OUTGOING_OUTCOMES = ("counted", "signed", "unsigned", "axis", "secret")


def outgoing_documents_with(outcome: str, start: date | None, end: date | None, doc_type: str = "",
                            urgency: int | None = None):
    """Ids of the released documents the statistics count in that column, released within [start, end]
    and of that type and urgency when given, as a subquery for the outgoing list."""
    f = DocumentFact
    statement = select(f.document_id).where(f.direction == "outgoing", outcome_condition(outcome, vietnam_today()))
    if start is not None:
        statement = statement.where(f.day >= start)
    if end is not None:
        statement = statement.where(f.day <= end)
    if doc_type:
        statement = statement.where(f.doc_type == doc_type)
    if urgency is not None:
        statement = statement.where(f.urgency == urgency)
    return statement
