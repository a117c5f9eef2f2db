"""A process's working draft: what designers edit before it is checked and published as a version."""
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import User
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow
from app.workflow.models import ProcessVersion


class ProcessDraft(db.Model):
    """One shared draft per process (designers see each other's changes); `lock_version` refuses a save
    made over someone else's newer one instead of silently losing it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), unique=True)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    # Form files changed in this draft (name → text); the others are the published version's.
    forms: Mapped[dict] = mapped_column(JSON, default=dict)
    based_on_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_version.id"))
    problems: Mapped[list] = mapped_column(JSON, default=list)  # the last check: [{element_id, message}]
    checked: Mapped[bool] = mapped_column(default=False)
    updated_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    based_on = relationship(ProcessVersion)
    updated_by = relationship(User)

    __mapper_args__ = {"version_id_col": lock_version}  # every UPDATE checks and moves it


class TestRun(db.Model):
    """A designer's test run of a draft: the engine's state and what was done, kept apart from every real
    table (no instance, no inbox row, no document, no number, no signature, no audit event)."""

    __tablename__ = "process_test_run"
    __test__ = False  # not a pytest class, whatever its name

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    started_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | finished
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict] = mapped_column(JSON, default=dict)
    spec_json: Mapped[str] = mapped_column(Text)
    state_json: Mapped[str] = mapped_column(Text)
    ready: Mapped[list] = mapped_column(JSON, default=list)  # the tasks waiting, as the page shows them
    timers: Mapped[list] = mapped_column(JSON, default=list)
    steps: Mapped[list] = mapped_column(JSON, default=list)  # snapshots after each step, for the diagram

    started_by = relationship(User)
