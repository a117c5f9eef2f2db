"""Keep DocumentFact rows up to date: the job runner calls refresh_document_facts every minute.

Why a job and not live queries: the handling times are counted in working days (weekends and the
configured holidays left out), which SQL cannot compute from the calendar the deadlines use, and the
time to assignment lives in the status trail. Computing them once per changed document in Python,
with that same WorkCalendar, leaves the report pages a GROUP BY over narrow, indexed rows. The write
paths stay untouched: a document changed since the last run is found by its own times (arrival, a
status step, an outgoing release), read again with an overlap so a transaction that committed late
is not missed; rows are replaced whole, so reading one twice is harmless.
"""
import hashlib
from datetime import datetime, timedelta

from sqlalchemy import String, cast, delete, func, insert, select, union

from app.database import conflict_insert
from app.documents.models import (
    ASSIGNED,
    COMPLETED,
    RECALL_AGREED,
    REFUSED,
    Document,
    DocumentNote,
    StatusChange,
)
from app.documents.outgoing.models import OutgoingDraft, OutgoingRecipient
from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM
from app.workflow.scripting_runtime import work_calendar
from app.workflow.workdays import WorkCalendar

from .models import DocumentFact, FactRefresh

# Longer than any request's transaction: a change committed that late after its own time is still read.
OVERLAP = timedelta(minutes=10)
CHUNK = 5000
# Not counted: a copy refused at reception, or one its sender recalled with the clerk's agreement.
NOT_COUNTED = (REFUSED, RECALL_AGREED)
HANDLING_NOTES = ("progress", "result")


def calendar_key(calendar: WorkCalendar) -> str:
    days = ",".join(sorted(d.isoformat() for d in calendar.holidays))
    return hashlib.sha256(days.encode()).hexdigest()


def lock_refresh_mark(mark_id: int, now: datetime) -> tuple[FactRefresh, bool]:
    """The refresh mark, row-locked so that two runners (the embedded thread, a Celery worker) take turns,
    and whether this is the first run. The first runs of two runners both create it: ON CONFLICT DO NOTHING
    makes the second wait for the first's commit and then find its mark, instead of failing on the key."""
    # RETURNING, not rowcount: psycopg's rowcount for this INSERT does not say whether a row went in.
    created = db.session.execute(conflict_insert(FactRefresh.__table__).values(
        id=mark_id, refreshed_at=now, calendar_key="").on_conflict_do_nothing()
        .returning(FactRefresh.id)).scalar() is not None
    mark = db.session.scalars(select(FactRefresh).where(FactRefresh.id == mark_id).with_for_update()
                              .execution_options(populate_existing=True)).one()
    return mark, created


def refresh_document_facts(*, full: bool = False, now: datetime | None = None) -> int:
    """Bring the facts up to date (all of them when asked, the first time, or after a holiday change);
    return how many documents were read again."""
    now = now or utcnow()
    calendar = work_calendar()
    key = calendar_key(calendar)
    mark, first = lock_refresh_mark(1, now)
    if full or first or mark.calendar_key != key:
        db.session.execute(delete(DocumentFact))
        ids = select(Document.id)
    else:
        ids = _changed_since(mark.refreshed_at - OVERLAP)
    document_ids = sorted(_core().execute(ids).scalars())
    for start in range(0, len(document_ids), CHUNK):
        _replace_facts(document_ids[start:start + CHUNK], calendar)
    mark.refreshed_at, mark.calendar_key = now, key
    db.session.flush()
    return len(document_ids)


def facts_refreshed_at() -> datetime | None:
    """When the numbers were last brought up to date (None: never yet), for the pages to say."""
    return db.session.scalar(select(FactRefresh.refreshed_at).where(FactRefresh.id == 1))


def _changed_since(since: datetime):
    return union(
        select(Document.id).where(Document.received_at >= since),
        select(StatusChange.document_id).where(StatusChange.at >= since),
        select(OutgoingDraft.document_id).where(OutgoingDraft.released_at >= since),
        # A granted extension moves the deadline with no status step, only a note.
        select(DocumentNote.document_id).where(DocumentNote.at >= since),
    )


def _replace_facts(document_ids: list[int], calendar: WorkCalendar) -> None:
    connection = _core()
    connection.execute(delete(DocumentFact.__table__).where(DocumentFact.document_id.in_(document_ids)))
    documents = connection.execute(select(
        Document.id, Document.agency_id, Document.direction, Document.origin, Document.doc_type, Document.urgency,
        Document.secrecy, _has_signatures(), Document.received_at, Document.registered_at,
        Document.completed_at, Document.status_code, Document.due_date, Document.lead_department_id,
        Document.lead_user_id).where(Document.id.in_(document_ids))).all()
    assigned = dict(connection.execute(
        select(StatusChange.document_id, func.min(StatusChange.at))
        .where(StatusChange.document_id.in_(document_ids), StatusChange.code == ASSIGNED)
        .group_by(StatusChange.document_id)).all())
    # The person of an incoming document: the one the leader named, else the specialist who recorded its handling.
    handlers = dict(connection.execute(
        select(DocumentNote.document_id, DocumentNote.author_id)
        .where(DocumentNote.document_id.in_(document_ids), DocumentNote.kind.in_(HANDLING_NOTES),
               DocumentNote.author_id.is_not(None)).order_by(DocumentNote.id)).all())
    drafts = {row.document_id: row for row in connection.execute(
        select(OutgoingDraft.document_id, OutgoingDraft.released_at, OutgoingDraft.signed_at,
               OutgoingDraft.department_id, OutgoingDraft.drafter_id)
        .where(OutgoingDraft.document_id.in_(document_ids)))}
    to_axis = set(connection.execute(
        select(OutgoingRecipient.draft_id).where(OutgoingRecipient.draft_id.in_(document_ids),
                                                 OutgoingRecipient.exchange_state != "").distinct()).scalars())
    rows = []
    for document in documents:
        if document.direction == "outgoing":
            fact = _outgoing_fact(document, drafts.get(document.id), document.id in to_axis)
        else:
            fact = _incoming_fact(document, assigned.get(document.id), handlers.get(document.id), calendar)
        if fact is not None:
            rows.append(fact)
    if rows:
        connection.execute(insert(DocumentFact.__table__), rows)


def _has_signatures():
    # Compared as text: decoding every document's verdict list took most of a full run's time.
    text = cast(Document.signature_verdicts, String)
    return (func.coalesce(text, "[]").not_in(("[]", "null"))).label("signed")


def _core():
    """The session's connection: rows read and written in Core, without the ORM's per-row work (a full
    run reads a province-year), in the session's transaction all the same."""
    return db.session.connection()


def _day(moment):
    return moment.astimezone(VIETNAM).date() if moment is not None else None


def _common(document) -> dict:
    return {"document_id": document.id, "agency_id": document.agency_id, "direction": document.direction,
            "origin": document.origin, "doc_type": document.doc_type, "urgency": document.urgency,
            "secret": document.secrecy > 0, "status_code": document.status_code, "due_date": document.due_date}


def _incoming_fact(document, assigned_at, handler_id, calendar: WorkCalendar) -> dict | None:
    if document.status_code in NOT_COUNTED:
        return None
    arrival = _day(document.received_at)
    completed = _day(document.completed_at) if document.status_code == COMPLETED else None

    def days_until(moment):
        return calendar.working_days_between(arrival, _day(moment)) if moment is not None else None

    return {**_common(document), "day": arrival, "signed": document.signed,
            "axis": document.origin == "edxml", "department_id": document.lead_department_id,
            "user_id": document.lead_user_id or handler_id, "completed_day": completed,
            "registration_days": days_until(document.registered_at), "assignment_days": days_until(assigned_at),
            "completion_days": days_until(document.completed_at) if completed else None}


def _outgoing_fact(document, draft, to_axis: bool) -> dict | None:
    if draft is None or draft.released_at is None:
        return None  # a draft, or an outgoing document not yet released: not sent, not counted
    return {**_common(document), "day": _day(draft.released_at), "signed": draft.signed_at is not None,
            "axis": to_axis, "department_id": draft.department_id, "user_id": draft.drafter_id,
            "completed_day": None, "registration_days": None, "assignment_days": None, "completion_days": None}
