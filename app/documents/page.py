"""What the document page shows: metadata, files, signature verdicts, the timeline, holders, my task on it."""
from dataclasses import dataclass, field

from sqlalchemy import select

from app.exchange.received import ReceivedPackage
from app.extensions import db
from app.vietnam_time import vietnam_today
from app.web.process_texts import process_text
from app.workflow.access import my_tasks_query
from app.workflow.history import instance_events
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.readable_history import Shown, readable_history

from .holders import holders_by_instance
from .models import STEP_NOTE_KINDS, Document, DocumentLink, DocumentNote
from .outgoing.page import OutgoingDetails, outgoing_details
from .search import OPEN_STATUSES
from .verification import active_files


@dataclass
class TimelineEntry:
    at: object
    kind: str  # status | step | a note's kind
    code: str | None
    text: str
    actor: object = None
    department: object = None
    on_behalf_of: object = None
    opinions: list[Shown] = field(default_factory=list)


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
    timeline += [TimelineEntry(note.at, note.kind, None, note.text, note.author, note.department) for note in notes
                 if note.kind not in STEP_NOTE_KINDS]
    timeline += case_steps(document.instance_id)
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


def case_steps(instance_id: int | None) -> list[TimelineEntry]:
    """Every person's step of the document's case with what they said, read from the recorded completions.

    One source for every step (receiving, assigning, dispatching, handling, reviewing, signing,
    releasing): the fields each form declares as an opinion, never a note each operator writes.
    """
    instance = db.session.get(ProcessInstance, instance_id) if instance_id else None
    if instance is None:
        return []
    completed = [e for e in instance_events(instance.id) if e.event_type == "task_completed"]
    return [TimelineEntry(step.event.occurred_at, "step", None, process_text(step.event.data.get("task_title")) or step.label,
                          step.event.actor, step.event.actor.department if step.event.actor else None,
                          step.event.on_behalf_of, step.opinions)
            for step in readable_history(instance.version, completed)]
