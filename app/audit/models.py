"""The audit chain: an append-only list of events, each hashed together with its predecessor."""
from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, bindparam, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from app.sqltypes import UtcDateTime

from .canonical import SealedJSON

GENESIS_HASH = "0" * 64
# The expression index on the instance an event names (names_instances), per database: the same text as
# the query's expression, or the planner does not use it.
INSTANCE_INDEX_EXPRESSION = {"postgresql": "(data ->> 'instance_id')",
                             "sqlite": "CAST(json_extract(data, '$.instance_id') AS TEXT)"}


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

    __table_args__ = (
        db.Index("ix_audit_event_subject", "subject_type", "subject_id"),
        *(Index("ix_audit_event_instance_id", text(expression)).ddl_if(dialect=dialect)
          for dialect, expression in INSTANCE_INDEX_EXPRESSION.items()),
    )


class _NamedInstance(FunctionElement):
    """The instance an event's data names (`instance_id`), as text, spelt exactly as the expression index
    ix_audit_event_instance_id is (the planner uses an expression index only for the very same expression).

    Text, not a cast to integer: an index expression that can fail (a value that is not a number) would
    refuse to append that event to the chain.
    """

    type = String()
    inherit_cache = True


@compiles(_NamedInstance, "postgresql")
def _named_instance_postgresql(element, compiler, **kw):
    return "(audit_event.data ->> 'instance_id')"


@compiles(_NamedInstance)
def _named_instance_sqlite(element, compiler, **kw):
    return "CAST(json_extract(audit_event.data, '$.instance_id') AS TEXT)"


def names_instances(instance_ids) -> ColumnElement:
    """Events whose data names one of these instances (`instance_id`), through the expression index."""
    return _NamedInstance().in_(bindparam("named_instances", [str(int(i)) for i in instance_ids], expanding=True, unique=True))


def names_instances_given() -> ColumnElement:
    """names_instances for a statement built once: the instances' ids (as text) are given per execution
    under the parameter "named_instances"."""
    return _NamedInstance().in_(bindparam("named_instances", expanding=True))


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
