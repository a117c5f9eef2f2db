"""Đôn đốc: a leader (or the lead unit's head) chases an overdue document's current handlers.

The reminder is a note on the document (its page's "Quá trình xử lý" shows it), an audit event and a
notice to each handler, in one transaction; a refusal writes nothing (the caller rolls back).
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.directory.roles import LEADER, UNIT_HEAD
from app.documents.access import open_document
from app.documents.models import Document, DocumentNote
from app.documents.search import OPEN_STATUSES
from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask

from .models import REMINDER
from .services import NOTE_LIMIT, notify_people

NOTE_KIND = "reminder"


class ReminderRefused(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class ReminderState:
    """What the document page shows: whether the actor may press "Đôn đốc", and the last time it was."""
    allowed: bool
    last: DocumentNote | None


def _open_tasks(document: Document) -> list[HumanTask]:
    if not document.instance_id:
        return []
    return list(db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)))


def _overdue(document: Document, tasks: list[HumanTask]) -> bool:
    late = (document.due_date is not None and document.status_code in OPEN_STATUSES
            and document.due_date < vietnam_today())
    now = utcnow()
    return late or any(task.due_at is not None and task.due_at < now for task in tasks)


def _refusal(document: Document, actor, tasks: list[HumanTask]) -> str | None:
    """Why the actor may not chase this document now (None: they may)."""
    if document.agency_id != actor.agency_id or not actor.has_role(LEADER, UNIT_HEAD):
        return _("Chỉ lãnh đạo cơ quan có văn bản (hoặc lãnh đạo đơn vị chủ trì) được đôn đốc.")
    if not actor.has_role(LEADER):
        units = {document.lead_department_id} | {task.candidate_department_id for task in tasks}
        if actor.department_id is None or actor.department_id not in units:
            return _("Lãnh đạo đơn vị chỉ đôn đốc văn bản do đơn vị mình xử lý.")
    if not _overdue(document, tasks):
        return _("Văn bản chưa quá hạn xử lý; chưa cần đôn đốc.")
    if not {task.assigned_user_id for task in tasks} - {None}:
        return _("Văn bản chưa có người đang xử lý để đôn đốc.")
    return None


def last_reminder(document_id: int) -> DocumentNote | None:
    return db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == document_id,
                                                         DocumentNote.kind == NOTE_KIND)
                              .order_by(DocumentNote.at.desc(), DocumentNote.id.desc()).limit(1)).first()


def reminder_state(document: Document, actor) -> ReminderState | None:
    """For the document page: None when the actor could never chase it (not a leader of its agency)."""
    if document.agency_id != actor.agency_id or not actor.has_role(LEADER, UNIT_HEAD):
        return None
    return ReminderState(_refusal(document, actor, _open_tasks(document)) is None, last_reminder(document.id))


def remind_handlers(document_id: int, message: str, *, actor) -> list[int]:
    """Chase the handlers of an overdue document; return who was told (ReminderRefused otherwise)."""
    text = (message or "").strip()
    if len(text) > NOTE_LIMIT:
        raise ReminderRefused(_("Lời nhắc dài tối đa %(n)s ký tự.", n=NOTE_LIMIT), field="message")
    if "\x00" in text:
        raise ReminderRefused(_("Lời nhắc có ký tự không hợp lệ."), field="message")
    if not actor.has_role(LEADER, UNIT_HEAD):
        raise ReminderRefused(_("Chỉ lãnh đạo cơ quan có văn bản (hoặc lãnh đạo đơn vị chủ trì) được đôn đốc."))
    document = open_document(document_id, actor)
    if document is None:
        raise ReminderRefused(_("Không tìm thấy văn bản, hoặc bạn không được xem văn bản này."))
    tasks = _open_tasks(document)
    refusal = _refusal(document, actor, tasks)
    if refusal:
        raise ReminderRefused(refusal)
    handlers = sorted({task.assigned_user_id for task in tasks} - {None})
    note = DocumentNote(document_id=document.id, kind=NOTE_KIND, author_id=actor.id,
                        department_id=actor.department_id, text=text or _("Đề nghị khẩn trương xử lý văn bản."))
    db.session.add(note)
    db.session.flush()
    record("document_reminded", actor=actor, subject=("document", str(document.id)), agency_id=document.agency_id,
           handlers=handlers, note_id=note.id)
    notify_people(handlers, REMINDER, document_id=document.id, actor=actor, note=text)
    return handlers
