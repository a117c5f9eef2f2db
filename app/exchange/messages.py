"""The outbox and the inbox: packages waiting to leave, and packages taken from the axis.

The package bytes are a column of the row rather than a file in the content-addressed store: the row
and its bytes are written by one commit, so a crash leaves neither an orphan file nor a row without
its package, and a cancelled or sent message needs no file clean-up. The store (app.filestore)
accepts PDFs only and belongs to documents; the original package of a received document is kept
there by the import. The column is deferred: lists never load the bytes.
"""
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.directory.models import AgencyScoped
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

KINDS = ("edoc", "status")
# sending: claimed by a sender until next_try_at (the lease); a sender that died leaves it due again.
OUTBOX_STATES = ("pending", "sending", "sent", "dead", "cancelled")
# received: the bytes are kept, the import has not succeeded yet (it is tried again on the next poll).
INBOX_STATES = ("received", "imported", "refused")


class OutboxMessage(AgencyScoped, db.Model):
    """A package one agency sends to the axis, retried with backoff until sent, dead or cancelled."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    recipient_codes: Mapped[list] = mapped_column(JSON, default=list)
    package: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    package_sha256: Mapped[str] = mapped_column(String(64))
    package_size: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    remote_id: Mapped[str | None] = mapped_column(String(128))
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    sent_at = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS}", name="kind_known"),
        CheckConstraint(f"state IN {OUTBOX_STATES}", name="state_known"),
        # The sender's question: which messages are due now.
        Index("ix_outbox_message_due", "state", "next_try_at"),
    )


class InboxMessage(db.Model):
    """A package taken from the axis; its remote id is unique, so taking it again changes nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(128), unique=True)
    package: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    package_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default="received")
    document_ids: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    received_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    acked_at = mapped_column(UtcDateTime)

    __table_args__ = (CheckConstraint(f"state IN {INBOX_STATES}", name="state_known"),)
