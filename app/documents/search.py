"""Finding incoming documents: by số/ký hiệu, subject, issuer, dates, status, urgency; accent-insensitive.

Every word of the query must occur in the document's accent-free `search_text` ("quyet dinh" finds
"Quyết định"). On PostgreSQL a trigram GIN index answers these LIKE '%word%' tests; SQLite scans.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case

from app.vietnam_time import start_of_day, vietnam_today

from .access import visible_documents
from .folding import fold
from .models import ACCEPTED, ASSIGNED, COMPLETED, IN_PROGRESS, RECEIVED, REFUSED, Document

OPEN_STATUSES = (RECEIVED, ACCEPTED, ASSIGNED, IN_PROGRESS)
SORTS = {
    "arrival": (Document.received_at,),
    "number": (Document.arrival_year, Document.arrival_number),
    "document_date": (Document.document_date,),
    "due": (Document.due_date,),
}


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

    @classmethod
    def from_args(cls, args) -> "IncomingFilters":
        """Read filters from query arguments; values that make no sense are ignored, never an error page."""
        urgency = args.get("urgency", "")
        sort = args.get("sort", "")
        return cls(q=(args.get("q") or "").strip()[:200], date_from=_day(args.get("from")),
                   date_to=_day(args.get("to")), status=args.get("status", "") if args.get("status") in (
                       *OPEN_STATUSES, COMPLETED, REFUSED) else "",
                   urgency=int(urgency) if urgency in ("0", "1", "2", "3") else None,
                   overdue=args.get("overdue") == "1", sort=sort if sort in SORTS else "",
                   descending=args.get("dir", "desc") != "asc")

    def as_args(self) -> dict:
        args = {"q": self.q, "from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else "", "status": self.status,
                "urgency": "" if self.urgency is None else str(self.urgency), "overdue": "1" if self.overdue else "",
                "sort": self.sort, "dir": ("desc" if self.descending else "asc") if self.sort else ""}
        return {k: v for k, v in args.items() if v}


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def incoming_query(actor, filters: IncomingFilters):
    """A select of the incoming documents the actor may see, filtered and ordered."""
    statement = visible_documents(actor).where(Document.direction == "incoming")
    for word in fold(filters.q).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Document.search_text.like(f"%{escaped}%", escape="\\"))
    if filters.date_from:
        statement = statement.where(Document.received_at >= start_of_day(filters.date_from))
    if filters.date_to:
        statement = statement.where(Document.received_at < start_of_day(filters.date_to + timedelta(days=1)))
    if filters.status:
        statement = statement.where(Document.status_code == filters.status)
    if filters.urgency is not None:
        statement = statement.where(Document.urgency == filters.urgency)
    if filters.overdue:
        statement = statement.where(overdue_condition())
    if filters.sort:
        columns = SORTS[filters.sort]
        return statement.order_by(*[c.desc() if filters.descending else c.asc() for c in columns], Document.id.desc())
    # Urgent documents still being handled come first; then the newest.
    urgent_open = case((Document.status_code.in_(OPEN_STATUSES) & (Document.urgency > 0), Document.urgency), else_=0)
    return statement.order_by(urgent_open.desc(), Document.received_at.desc(), Document.id.desc())


def overdue_condition():
    return Document.status_code.in_(OPEN_STATUSES) & (Document.due_date < vietnam_today())
