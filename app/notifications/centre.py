"""What the notification centre shows for a page of notices: the text of each kind, who caused it, and
the document's subject only through the document access rule.

A secret document's subject is never shown in the list (a list is not an audited opening: the
document page is), and a document the reader may no longer read is only "Văn bản".
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.directory.models import User
from app.directory.roles import ADMIN
from app.directory.scoping import get_visible
from app.documents.access import visible_documents
from app.documents.models import Document
from app.documents.vocabulary import STATUS_LABELS
from app.dossiers.models import Dossier
from app.dossiers.retention import dossier_from_key
from app.extensions import db
from app.web.process_texts import process_text
from app.workflow.models import HumanTask, Incident

from .models import (
    DOSSIER_DUE,
    DRAFT_RETURNED,
    DUE_TOMORROW,
    INCIDENT_OPENED,
    NEW_TASK,
    OVERDUE,
    RECALL_REQUESTED,
    REMINDER,
    STATUS_RECEIVED,
    Notification,
)
from .subjects import NO_DOCUMENT, notice_subjects

KIND_LABELS = {NEW_TASK: _l("Việc mới"), DUE_TOMORROW: _l("Sắp đến hạn"), OVERDUE: _l("Quá hạn"),
               DRAFT_RETURNED: _l("Dự thảo bị trả lại"), STATUS_RECEIVED: _l("Trạng thái văn bản đi"),
               RECALL_REQUESTED: _l("Đề nghị thu hồi"), REMINDER: _l("Đôn đốc"),
               DOSSIER_DUE: _l("Hồ sơ đến hạn nộp lưu"), INCIDENT_OPENED: _l("Sự cố quy trình")}


@dataclass
class NoticeRow:
    notice: Notification
    label: str
    text: str
    subject: str  # the document's subject, or a neutral label


def _text(notice: Notification, actor_name: str, task_title: str) -> str:
    kind = notice.kind
    if kind == NEW_TASK:
        return _("Bạn được giao việc: %(task)s.", task=task_title) if task_title else _("Bạn được giao việc mới.")
    if kind == DUE_TOMORROW:
        return _("Việc %(task)s đến hạn vào ngày làm việc tới.", task=task_title or "")
    if kind == OVERDUE:
        return _("Việc %(task)s đã quá hạn xử lý.", task=task_title or "")
    if kind == DRAFT_RETURNED:
        return _("%(name)s đã trả lại dự thảo của bạn.", name=actor_name or _("Người duyệt"))
    if kind == STATUS_RECEIVED:
        code, _sep, who = notice.note.partition(" ")
        return _("%(who)s báo trạng thái: %(status)s.", who=who or _("Nơi nhận"),
                 status=STATUS_LABELS.get(code, code))
    if kind == RECALL_REQUESTED:
        return _("Nơi gửi đề nghị thu hồi văn bản đã gửi đến cơ quan.")
    if kind == REMINDER:
        said = _("%(name)s đôn đốc xử lý văn bản.", name=actor_name or _("Lãnh đạo"))
        return f"{said} {notice.note}" if notice.note else said
    if kind == DOSSIER_DUE:
        code, _sep, due = notice.note.partition(" ")
        return _("Hồ sơ %(code)s đến hạn nộp lưu vào Lưu trữ cơ quan trước ngày %(date)s.", code=code, date=due)
    if kind == INCIDENT_OPENED:
        return _("Một hồ sơ quy trình gặp sự cố cần xử lý: %(error)s", error=notice.note)
    return kind


def notice_target(notice: Notification, reader) -> tuple[str, dict]:
    """Where opening a notice leads: the task while it is still the reader's, else the document while
    the reader may read it (its page audits a secret one's opening), else a dossier of the reader's
    agency, else the centre."""
    if notice.task_uuid and db.session.scalar(select(HumanTask.id).where(
            HumanTask.task_uuid == notice.task_uuid, HumanTask.assigned_user_id == reader.id)):
        return "tasks.task", {"task_uuid": notice.task_uuid}
    if notice.document_id and db.session.scalar(visible_documents(
            reader, select(Document.id).where(Document.id == notice.document_id))):
        return "documents.document_detail", {"document_id": notice.document_id}
    if notice.kind == INCIDENT_OPENED and reader.has_role(ADMIN) and notice.dedupe_key:
        incident_id = notice.dedupe_key.split(":")[1]
        if incident_id.isdigit() and get_visible(Incident, incident_id, actor=reader) is not None:
            return "tasks.incident", {"incident_id": int(incident_id)}
    dossier_id = dossier_from_key(notice.dedupe_key) if notice.kind == DOSSIER_DUE else None
    if dossier_id is not None and get_visible(Dossier, dossier_id, actor=reader) is not None:
        return "dossiers.dossier_detail", {"dossier_id": dossier_id}
    return "notifications.centre", {}


def latest_unread(reader, limit: int = 5) -> list[NoticeRow]:
    """The newest unread notices, for the home page."""
    notices = db.session.scalars(select(Notification).where(Notification.user_id == reader.id,
                                                            Notification.read_at.is_(None))
                                 .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    return notice_rows(list(notices), reader)


def notice_rows(notices: list[Notification], reader) -> list[NoticeRow]:
    """Rows for a page of the reader's notices: three lookups for the whole page, none per notice."""
    subjects = notice_subjects(reader, (n.document_id for n in notices))
    actor_ids = {n.actor_id for n in notices if n.actor_id}
    names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(actor_ids))).tuples().all()
                 ) if actor_ids else {}
    task_uuids = {n.task_uuid for n in notices if n.task_uuid}
    titles = dict(db.session.execute(select(HumanTask.task_uuid, HumanTask.title).where(
        HumanTask.task_uuid.in_(task_uuids))).tuples().all()) if task_uuids else {}
    rows = []
    for notice in notices:
        subject = subjects.get(notice.document_id, NO_DOCUMENT)
        rows.append(NoticeRow(notice, str(KIND_LABELS.get(notice.kind, notice.kind)),
                              _text(notice, names.get(notice.actor_id, ""),
                                    process_text(titles.get(notice.task_uuid, "")) or ""), subject.text))
    return rows
