"""The audit chain: an append-only list of events, each hashed together with its predecessor."""
from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.sqltypes import UtcDateTime

from .canonical import SealedJSON

GENESIS_HASH = "0" * 64


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at = mapped_column(UtcDateTime, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(SealedJSON, default=dict)  # the text verification hashes
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor = relationship("User", foreign_keys=[actor_id])
    on_behalf_of = relationship("User", foreign_keys=[on_behalf_of_id])

    __table_args__ = (db.Index("ix_audit_event_subject", "subject_type", "subject_id"),)


class AuditChainHead(db.Model):
    """One row naming the last event; appenders lock it, so the chain never forks."""

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    # The hash before the last append: PostgreSQL appends an event in one statement whose UPDATE of
    # this row returns both the new hash and the one it replaced (the event's prev_hash).
    prev_hash: Mapped[str | None] = mapped_column(String(64))


class AuditAnchor(db.Model):
    """The chain's head at a moment, signed (and timestamped) by the installation's key.

    Someone able to write to the database can rewrite events and recompute every hash after them, or
    cut the chain's end; neither can re-sign an anchor, so either shows against the anchors.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UtcDateTime, nullable=False)
    signature: Mapped[bytes] = mapped_column(LargeBinary)  # detached CMS over anchor_message(seq, head_hash)


class ReplayCheck(db.Model):
    """The outcome of replaying an instance (app.workflow.replay): the latest per instance is what the
    auditors' "does not match" view lists."""

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    checked_at = mapped_column(UtcDateTime, nullable=False)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    matches: Mapped[bool] = mapped_column()
    events: Mapped[int] = mapped_column(Integer)
    divergent_seq: Mapped[int | None] = mapped_column(Integer)
    problem: Mapped[str | None] = mapped_column(String(2000))
