"""Process versions (spec stored once), instances (state only), and the task inbox index."""
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import AgencyScoped
from app.extensions import db
from app.sqltypes import CompressedText, UtcDateTime, utcnow

INSTANCE_STATUSES = ("running", "completed", "error", "cancelled")


class ProcessVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # SHA-256 over the BPMN bytes and the form files it uses: unchanged files make no new version.
    content_sha256: Mapped[str] = mapped_column(String(64))
    # The files and the serialized spec (tens of kilobytes) are read on first use only: most requests
    # load a version for its number or id, and its spec and forms are cached per process
    # (instance_state.version_specs / version_forms).
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    forms: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    # Two versions name how spec_json was written: SpiffWorkflow's serializer and ours around it
    # (engine.STORAGE_FORMAT; NULL = written before it was recorded).
    serializer_version: Mapped[str] = mapped_column(String(16))
    spec_format: Mapped[int | None] = mapped_column(Integer)
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    # "file": deployed from bpmn/ and forms/ by `flask processes sync`; "designer": published in the
    # browser. Sync never replaces a designer's version with an unchanged shipped file.
    source: Mapped[str] = mapped_column(String(16), default="file", server_default="file")
    # Versions are a publication log: publishing an older content again (a rollback) is a new number.
    __table_args__ = (UniqueConstraint("process_id", "number"),)

    created_by = relationship("User")


class ProcessInstance(AgencyScoped, db.Model):
    __table_args__ = (db.Index("ix_process_instance_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    state_json: Mapped[str] = mapped_column(CompressedText)
    # As for the version's spec: SpiffWorkflow's serializer version and ours (NULL = not recorded yet).
    serializer_version: Mapped[str] = mapped_column(String(16))
    state_format: Mapped[int | None] = mapped_column(Integer)
    # Optimistic check on top of the row lock: a stale writer is refused, never merged.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    started_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    completed_at = mapped_column(UtcDateTime)
    error_message: Mapped[str | None] = mapped_column(Text)
    # What the case is about (e.g. "document", "42"): named by the service that starts the case or creates
    # its subject, never taken from task data, which is user input.
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    # Set when an ended case's engine state was replaced by its summary (app.workflow.compaction): state_json
    # then holds the summary, whose SHA-256 the audit chain's history_compacted event carries.
    history_compacted_at = mapped_column(UtcDateTime)

    version: Mapped[ProcessVersion] = relationship()
    started_by = relationship("User")


class HumanTask(AgencyScoped, db.Model):
    """One row per ready manual task: the inbox reads this index, never the engine state."""

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    spec_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(500))
    lane: Mapped[str | None] = mapped_column(String(64))
    candidate_role: Mapped[str | None] = mapped_column(String(20))
    candidate_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    due_at = mapped_column(UtcDateTime, index=True)
    urgency: Mapped[int] = mapped_column(Integer, default=0)
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)

    instance: Mapped[ProcessInstance] = relationship()
    assigned_user = relationship("User")
    # The foreign key cascades (ON DELETE CASCADE): deleting a row does not load its candidates first.
    candidates: Mapped[list["HumanTaskCandidate"]] = relationship(
        cascade="all, delete-orphan", back_populates="task", passive_deletes=True)


class HumanTaskCandidate(db.Model):
    """Who may take an unassigned task: role holders or named lane owners (delegation is applied on read)."""

    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)

    task: Mapped[HumanTask] = relationship(back_populates="candidates")
    user = relationship("User")


class Timer(db.Model):
    """One row per pending timer event: the job that fires timers reads this index, never the engine state."""

    __tablename__ = "workflow_timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    spec_id: Mapped[str] = mapped_column(String(128))
    due_at = mapped_column(UtcDateTime, nullable=False, index=True)


class SubjectParticipant(db.Model):
    """Everyone ever given a task about a subject (e.g. a secret document): who may still see it."""

    subject_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)


INCIDENT_KINDS = ("transient", "permanent", "script", "timer", "data")
# "retrying": the job runner tries the step again at next_try_at; "open": an operator decides; "resolved": done.
INCIDENT_STATUSES = ("retrying", "open", "resolved")


class Incident(AgencyScoped, db.Model):
    """A step the system ran for a case failed: the case waits (status "error") until the step is retried,
    skipped or the case cancelled. At most one unresolved incident per case (written under its lock)."""

    __table_args__ = (db.Index("ix_incident_status_next_try", "status", "next_try_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    task_spec: Mapped[str] = mapped_column(String(128), default="")
    task_name: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(16))
    # What people read, in Vietnamese; `detail` is the technical account for operators (exception, line).
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    tries: Mapped[int] = mapped_column(Integer, default=1)
    max_tries: Mapped[int] = mapped_column(Integer, default=1)
    next_try_at = mapped_column(UtcDateTime)
    first_seen_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    last_seen_at = mapped_column(UtcDateTime, default=utcnow, nullable=False, index=True)
    resolved_at = mapped_column(UtcDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # How it ended: retried, data_edited, skipped, cancelled, passed (the case moved on to another failure).
    resolution: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500), default="")

    instance: Mapped[ProcessInstance] = relationship()
    resolved_by = relationship("User")
