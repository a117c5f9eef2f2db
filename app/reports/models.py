"""What the reports count, one row per document, kept by the job runner (app.reports.facts).

Reports read these rows instead of the documents, their status trails and the outgoing drafts: the
working days between arrival and each step are computed once, by the same WorkCalendar that sets
deadlines, and a province-year of statistics is one GROUP BY over narrow rows.
"""
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.sqltypes import UtcDateTime


class DocumentFact(db.Model):
    """One document as the reports see it: counted on `day` (arrival, or release for outgoing)."""

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    direction: Mapped[str] = mapped_column(String(10))
    day = mapped_column(Date, nullable=False)
    origin: Mapped[str] = mapped_column(String(10))
    doc_type: Mapped[str] = mapped_column(String(8))
    urgency: Mapped[int] = mapped_column(Integer, default=0)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Incoming: came over the national axis (edXML); outgoing: sent to at least one recipient over it.
    axis: Mapped[bool] = mapped_column(Boolean, default=False)
    # Incoming: the lead unit and person (chủ trì); outgoing: the drafting unit and the drafter.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status_code: Mapped[str] = mapped_column(String(2))
    due_date = mapped_column(Date)
    completed_day = mapped_column(Date)
    # Working days from arrival to registration, to assignment (status 04) and to completion (06).
    registration_days: Mapped[int | None] = mapped_column(Integer)
    assignment_days: Mapped[int | None] = mapped_column(Integer)
    completion_days: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_document_fact_day", "day", "agency_id"),
        Index("ix_document_fact_agency_day", "agency_id", "day"),
        # The backlog chart (app.reports.charts) counts the few documents still open, not a year of rows.
        Index("ix_document_fact_status_day", "status_code", "day"),
    )


class FactRefresh(db.Model):
    """When the facts were last brought up to date, and with which holidays (a change rebuilds them)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    refreshed_at = mapped_column(UtcDateTime, nullable=False)
    calendar_key: Mapped[str] = mapped_column(String(64))
