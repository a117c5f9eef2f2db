"""The monthly report of each agency, made and signed with the agency's key by a job (app.reports.monthly)."""
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow


class MonthlyReport(db.Model):
    """One agency's report for one month: the signed PDF in the file store, or why it could not be made yet
    (`failure`, in Vietnamese; the job tries again on its next run)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(Integer)
    signed_at = mapped_column(UtcDateTime)
    signer_subject: Mapped[str] = mapped_column(String(255), default="")
    failure: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    attempted_at = mapped_column(UtcDateTime)

    agency = relationship("Agency")

    # One report per agency and month, whichever worker makes it first.
    __table_args__ = (UniqueConstraint("agency_id", "month"),)

    @property
    def done(self) -> bool:
        return self.file_sha256 is not None
