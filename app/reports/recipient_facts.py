"""Keep RecipientFact rows up to date: the job runner calls refresh_recipient_facts every minute.

Why: a province-year has ~180,000 recipients whose timelines live in two places (the status trail of
the copy delivered inside the installation, the status packages of the ones outside); reading them on
every request cost most of a second. Each recipient's first 01, first 03/02 (as Vietnam days) and 06
are worked out here by one INSERT … SELECT per chunk of documents, and the report is a GROUP BY over
narrow rows. As for DocumentFact, a document is read again when it was released, or one of its
recipients sent a status, since the last run (with an overlap); rows are replaced whole.
"""
from datetime import datetime

from sqlalchemy import Date, case, delete, func, insert, or_, select, union
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.documents.models import ACCEPTED, COMPLETED, RECEIVED, REFUSED, Document, StatusChange
from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingDraft, OutgoingRecipient
from app.extensions import db
from app.sqltypes import utcnow

from .facts import CHUNK, OVERLAP, lock_refresh_mark
from .recipient_models import RecipientFact

# FactRefresh row 1 marks DocumentFact; this one marks RecipientFact.
MARK_ID = 2


class vietnam_day(FunctionElement):
    """The Vietnam calendar day (UTC+7, no daylight saving) of a naive-UTC time column."""

    type = Date()
    inherit_cache = True
    name = "vietnam_day"


@compiles(vietnam_day)
def _day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(vietnam_day, "postgresql")
def _day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '7 hours' AS DATE)"


def refresh_recipient_facts(*, full: bool = False, now: datetime | None = None) -> int:
    """Bring the recipients' facts up to date (all of them when asked or the first time); return how many
    documents were read again."""
    now = now or utcnow()
    mark, first = lock_refresh_mark(MARK_ID, now)
    connection = db.session.connection()
    if full or first:
        connection.execute(delete(RecipientFact.__table__))
        ids = select(OutgoingDraft.document_id).where(OutgoingDraft.released_at.is_not(None))
    else:
        ids = _changed_since(mark.refreshed_at - OVERLAP)
    document_ids = sorted(connection.execute(ids).scalars())
    for start in range(0, len(document_ids), CHUNK):
        chunk = document_ids[start:start + CHUNK]
        connection.execute(delete(RecipientFact.__table__).where(RecipientFact.document_id.in_(chunk)))
        connection.execute(insert(RecipientFact.__table__).from_select(_COLUMNS, _recipients_of(chunk)))
    mark.refreshed_at = now
    db.session.flush()
    return len(document_ids)


def _changed_since(since: datetime):
    return union(
        select(OutgoingDraft.document_id).where(OutgoingDraft.released_at >= since),
        select(OutgoingRecipient.draft_id).join(ExternalRecipientStatus, ExternalRecipientStatus.recipient_id
                                                == OutgoingRecipient.id).where(ExternalRecipientStatus.received_at >= since),
        # A copy delivered inside the installation names the outgoing document it came from.
        select(Document.source_document_id).join(StatusChange, StatusChange.document_id == Document.id).where(
            StatusChange.at >= since, Document.source_document_id.is_not(None)),
    )


_COLUMNS = ("recipient_id", "document_id", "agency_id", "department_id", "day", "electronic", "arrived_day",
            "answered_day", "completed")


def _first(code_column, at_column, codes):
    return func.min(case((code_column.in_(codes), at_column)))


def _recipients_of(document_ids: list[int]):
    """One row per recipient of the released documents among `document_ids`, in _COLUMNS order."""
    r, d, sc, ex = OutgoingRecipient, OutgoingDraft, StatusChange, ExternalRecipientStatus
    answers = (ACCEPTED, REFUSED)
    electronic = or_(r.delivered_document_id.is_not(None), r.exchange_state != "")
    return (select(
        r.id, r.draft_id, Document.agency_id, d.department_id, vietnam_day(d.released_at),
        case((electronic, True), else_=False),
        vietnam_day(func.coalesce(_first(sc.code, sc.at, (RECEIVED,)), _first(ex.code, ex.at, (RECEIVED,)))),
        vietnam_day(func.coalesce(_first(sc.code, sc.at, answers), _first(ex.code, ex.at, answers))),
        func.max(case((or_(sc.code == COMPLETED, ex.code == COMPLETED), 1), else_=0)) == 1)
        .select_from(r).join(d, d.document_id == r.draft_id).join(Document, Document.id == r.draft_id)
        .outerjoin(sc, sc.document_id == r.delivered_document_id).outerjoin(ex, ex.recipient_id == r.id)
        .where(r.draft_id.in_(document_ids), d.released_at.is_not(None))
        .group_by(r.id, r.draft_id, Document.agency_id, d.department_id, d.released_at, r.delivered_document_id,
                  r.exchange_state))
