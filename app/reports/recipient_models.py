"""What the outgoing handling report counts of each recipient, one row per recipient of a released outgoing
document, kept by the job runner (app.reports.recipient_facts)."""
from sqlalchemy import Boolean, Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RecipientFact(db.Model):
    """A recipient as the report sees it: counted on `day` (its document's release, Vietnam day), with the
    days of its first 01 and first 03/02 (the chậm tiếp nhận rule needs days only) and whether it reached 06."""

    recipient_id: Mapped[int] = mapped_column(ForeignKey("outgoing_recipient.id", ondelete="CASCADE"),
                                              primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    day = mapped_column(Date, nullable=False)
    electronic: Mapped[bool] = mapped_column(Boolean, default=False)  # delivered inside, or queued for the axis
    arrived_day = mapped_column(Date)
    answered_day = mapped_column(Date)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_recipient_fact_day_agency", "day", "agency_id"),)
