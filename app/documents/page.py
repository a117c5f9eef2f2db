"""What the document page shows: metadata, files, signature verdicts, the timeline, holders, my task on it."""
from dataclasses import dataclass, field

from sqlalchemy import select

from app.exchange.received import ReceivedPackage
from app.extensions import db
from app.vietnam_time import vietnam_today
from app.workflow.access import my_tasks_query
from app.workflow.models import HumanTask

from .holders import holders_by_instance
from .models import Document, DocumentLink, DocumentNote
from .outgoing.page import OutgoingDetails, outgoing_details
from .search import OPEN_STATUSES
from .verification import active_files


@dataclass
class TimelineEntry:
    at: object
    kind: str  # status | note
    code: str | None
    text: str
    actor: object = None
    department: object = None


@dataclass
class DocumentPage:
    document: Document
    timeline: list[TimelineEntry]
    holders: list[str]
    my_tasks: list[HumanTask]
    links: list[DocumentLink]
    outgoing: OutgoingDetails | None = None
    # Files holding JavaScript or automatic actions: warned about, downloaded instead of shown.
    active_files: list = field(default_factory=list)
    # The edXML package it came in (original bytes, warnings, the header signature's verdict), if any.
    package: ReceivedPackage | None = None

    @property
    def overdue_days(self) -> int:
        due = self.document.due_date
        if due is None or self.document.status_code not in OPEN_STATUSES:
            return 0
        return max(0, (vietnam_today() - due).days)


def document_page(document: Document, actor) -> DocumentPage:
    notes = db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == document.id)
                               .order_by(DocumentNote.at, DocumentNote.id)).all()
    timeline = [TimelineEntry(change.at, "status", change.code, change.note, change.actor)
                for change in document.statuses]
    timeline += [TimelineEntry(note.at, note.kind, None, note.text, note.author, note.department) for note in notes]
    timeline.sort(key=lambda entry: entry.at)
    my_tasks = []
    if document.instance_id:
        my_tasks = db.session.scalars(my_tasks_query(actor).where(HumanTask.instance_id == document.instance_id)
                                      ).all()
    links = db.session.scalars(select(DocumentLink).where(DocumentLink.document_id == document.id)).all()
    outgoing = outgoing_details(document) if document.direction == "outgoing" else None
    package = (db.session.scalars(select(ReceivedPackage).where(ReceivedPackage.document_id == document.id)).first()
               if document.origin == "edxml" else None)
    return DocumentPage(document, timeline, holders_by_instance([document.instance_id]).get(document.instance_id, []),
                        list(my_tasks), list(links), outgoing, active_files(document), package)
