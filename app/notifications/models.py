"""What the system tells a person: one row per notice, read in the notification centre or sent in a digest.

A notice keeps references (document, task, who caused it), not the document's subject: the subject is
looked up when the notice is shown, through the document access rule, so a notice never outlives the
reader's right to see it and a secret subject never reaches an email.
"""
from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

# Kinds of notices (the email preferences are per kind).
NEW_TASK = "new_task"
DUE_TOMORROW = "due_tomorrow"
OVERDUE = "overdue"
DRAFT_RETURNED = "draft_returned"
STATUS_RECEIVED = "status_received"
RECALL_REQUESTED = "recall_requested"
REMINDER = "reminder"  # đôn đốc: a leader chases an overdue document
# A closed dossier is due for hand-over to the agency archive (app.dossiers.retention): its dedupe key names
# the dossier, its note the dossier's code and due date.
DOSSIER_DUE = "dossier_due"
# A case's system step failed and waits for an operator (app.workflow.incident_records): told to the
# process's owners; the note is the incident's Vietnamese message, never the case's subject.
INCIDENT_OPENED = "incident_opened"
KINDS = (NEW_TASK, DUE_TOMORROW, OVERDUE, DRAFT_RETURNED, STATUS_RECEIVED, RECALL_REQUESTED, REMINDER, DOSSIER_DUE,
         INCIDENT_OPENED)


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    task_uuid: Mapped[str | None] = mapped_column(String(36))
    # Who caused it (the leader who chased, the agency's clerk who recalled); None for the system's own.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A short text its author wrote (đôn đốc's message) or a status code; never a document's subject.
    note: Mapped[str] = mapped_column(String(500), default="")
    # The same event is told once: e.g. "due_tomorrow:<task uuid>:<date>" for the daily deadline sweep.
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    read_at = mapped_column(UtcDateTime)
    emailed_at = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_notification_user_created", "user_id", "created_at"),
        Index("uq_notification_user_dedupe", "user_id", "dedupe_key", unique=True),
        # The navbar's bell on every page: counted from the unread rows alone, however many a person kept.
        Index("ix_notification_user_unread", "user_id", postgresql_where=text("read_at IS NULL"),
              sqlite_where=text("read_at IS NULL")),
    )
