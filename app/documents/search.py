"""Finding incoming documents: by số/ký hiệu, subject, issuer, dates, status, urgency; accent-insensitive.

Every word of the query must occur in the document's accent-free `search_text` ("quyet dinh" finds
"Quyết định"). On PostgreSQL a trigram GIN index answers these LIKE '%word%' tests; SQLite scans.
On PostgreSQL the default order has its own index (ix_document_incoming_order): a page reads 25 rows,
not all of an agency's documents.
Measured with bench/incoming.py (200,000 documents).
"""
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, literal_column

from app.extensions import db
from app.reports.outcomes import (  # one rule for the report numbers and this list
    OUTCOMES,
    documents_of_person,
    documents_with_outcome,
)
from app.vietnam_time import parse_day_or_none, start_of_day, vietnam_today

from .access import visible_documents
from .folding import fold
from .models import ACCEPTED, ASSIGNED, COMPLETED, IN_PROGRESS, RECALL_AGREED, RECEIVED, REFUSED, Document

UNSET = "none"
OPEN_STATUSES = (RECEIVED, ACCEPTED, ASSIGNED, IN_PROGRESS)
SORTS = {
    "arrival": (Document.received_at,),
    "number": (Document.arrival_year, Document.arrival_number),
    "document_date": (Document.document_date,),
    "due": (Document.due_date,),
}
# Urgent documents still being handled first. On PostgreSQL the index ix_document_incoming_order is
# on document_urgent_open(status_code, urgency), an SQL function whose body is this CASE (migration
# 0240415baa65): the planner inlines it and matches the two, so a page reads 25 index entries instead
# of sorting every document of the agency. Keep both the same; constants inline, as bound parameters
# would not match.
URGENT_OPEN = case((Document.status_code.in_([literal_column(f"'{code}'") for code in OPEN_STATUSES])
                    & (Document.urgency > literal_column("0")), Document.urgency), else_=literal_column("0"))
# pg_trgm takes trigrams from runs of 3+ letters or digits: for a word without one ("xa", "y", "v/v")
# the GIN index reads all of itself (measured: 260 ms of 360 for "xa mo de" at 200,000 documents),
# so on PostgreSQL such words test `search_text || ''`, which no index answers: they only filter.
_INDEXABLE = re.compile(r"[^\W_]{3}")


@dataclass
class IncomingFilters:
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""
    urgency: int | None = None
    overdue: bool = False
    sort: str = ""
    descending: bool = True
    # From a report's number (app.reports): whose documents, and how they stand ("none": not yet given).
    agency: int | None = None
    lead_department: int | str | None = None
    lead_user: int | str | None = None
    outcome: str = ""
    doc_type: str = ""  # from the statistics' table by type

    @classmethod
    def from_args(cls, args) -> "IncomingFilters":
        """Read filters from query arguments; values that make no sense are ignored, never an error page."""
        urgency = args.get("urgency", "")
        sort = args.get("sort", "")
        return cls(q=(args.get("q") or "").strip()[:200], date_from=parse_day_or_none(args.get("from")),
                   date_to=parse_day_or_none(args.get("to")), status=args.get("status", "") if args.get("status") in (
                       *OPEN_STATUSES, COMPLETED, REFUSED) else "",
                   urgency=int(urgency) if urgency in ("0", "1", "2", "3") else None,
                   overdue=args.get("overdue") == "1", sort=sort if sort in SORTS else "",
                   descending=args.get("dir", "desc") != "asc", agency=_id_or_none(args.get("agency")),
                   lead_department=_id_or_none(args.get("lead_department"), unset_allowed=True),
                   lead_user=_id_or_none(args.get("lead_user"), unset_allowed=True),
                   outcome=args.get("outcome", "") if args.get("outcome") in OUTCOMES else "",
                   doc_type=(args.get("doc_type") or "")[:8])

    def as_args(self) -> dict:
        args = {"q": self.q, "from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else "", "status": self.status,
                "urgency": "" if self.urgency is None else str(self.urgency), "overdue": "1" if self.overdue else "",
                "sort": self.sort, "dir": ("desc" if self.descending else "asc") if self.sort else "",
                "agency": "" if self.agency is None else str(self.agency), "outcome": self.outcome,
                "lead_department": "" if self.lead_department is None else str(self.lead_department),
                "lead_user": "" if self.lead_user is None else str(self.lead_user), "doc_type": self.doc_type}
        return {k: v for k, v in args.items() if v}


def incoming_query(actor, filters: IncomingFilters):
    """A select of the incoming documents the actor may see, filtered and ordered."""
    # A copy whose sender recalled it with the clerk's agreement (15) leaves the list; the register keeps it.
    statement = visible_documents(actor).where(Document.direction == "incoming", Document.status_code != RECALL_AGREED)
    trigram = db.session.get_bind().dialect.name == "postgresql"
    for word in fold(filters.q).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        text = Document.search_text if _INDEXABLE.search(word) or not trigram else Document.search_text.concat("")
        statement = statement.where(text.like(f"%{escaped}%", escape="\\"))
    if filters.date_from:
        statement = statement.where(Document.received_at >= start_of_day(filters.date_from))
    if filters.date_to:
        statement = statement.where(Document.received_at < start_of_day(filters.date_to + timedelta(days=1)))
    if filters.status:
        statement = statement.where(Document.status_code == filters.status)
    if filters.urgency is not None:
        statement = statement.where(Document.urgency == filters.urgency)
    if filters.doc_type:
        statement = statement.where(Document.doc_type == filters.doc_type)
    if filters.overdue:
        statement = statement.where(overdue_condition())
    if filters.agency is not None:
        statement = statement.where(Document.agency_id == filters.agency)
    if filters.lead_department is not None:
        wanted = filters.lead_department
        statement = statement.where(Document.lead_department_id.is_(None) if wanted == UNSET
                                    else Document.lead_department_id == wanted)
    if filters.lead_user is not None:  # the named lead, else who recorded the handling: as the reports count
        statement = statement.where(Document.id.in_(documents_of_person(
            None if filters.lead_user == UNSET else filters.lead_user)))
    if filters.outcome:
        statement = statement.where(Document.id.in_(documents_with_outcome(filters.outcome, vietnam_today())))
    if filters.sort:
        columns = SORTS[filters.sort]
        return statement.order_by(*[c.desc() if filters.descending else c.asc() for c in columns], Document.id.desc())
    return statement.order_by(URGENT_OPEN.desc(), Document.received_at.desc(), Document.id.desc())


def _id_or_none(text, *, unset_allowed: bool = False) -> int | str | None:
    if unset_allowed and text == UNSET:
        return UNSET
    return int(text) if text and text.isdecimal() and len(text) < 10 else None  # "²".isdigit()


def overdue_condition():
    return Document.status_code.in_(OPEN_STATUSES) & (Document.due_date < vietnam_today())
