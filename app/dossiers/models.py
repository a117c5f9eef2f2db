"""Retention periods, the annual Danh mục hồ sơ of each agency, and the documents filed in each dossier.

A filed document is a link row (dossier, document, số thứ tự): the document's files stay where they are in
the content-addressed store, so one document in several dossiers is still one stored file.
"""
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import AgencyScoped
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

ACCESS_REGIMES = ("public", "restricted", "secret")  # Công khai | Hạn chế | Mật (labels: vocabulary)
# A dossier is open while documents are filed into it; closing (a later step) freezes it for hand-over.
OPEN, CLOSED = "open", "closed"
DOSSIER_STATUSES = (OPEN, CLOSED)


class RetentionPeriod(db.Model):
    """A thời hạn bảo quản the administrator keeps: "Vĩnh viễn" (no years) or a number of years."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    years: Mapped[int | None] = mapped_column(Integer)  # None: kept permanently (vĩnh viễn)
    examples: Mapped[str] = mapped_column(Text, default="")  # the kinds of dossiers kept that long
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (CheckConstraint("years IS NULL OR years BETWEEN 1 AND 200", name="years_bounded"),)


class Dossier(AgencyScoped, db.Model):
    """One entry of an agency's Danh mục hồ sơ for a year; mã hồ sơ = agency code . year . notation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    notation: Mapped[str] = mapped_column(String(32))  # số và ký hiệu hồ sơ within the list, e.g. TH.01
    title: Mapped[str] = mapped_column(String(500))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    retention_id: Mapped[int] = mapped_column(ForeignKey("retention_period.id"))
    access: Mapped[str] = mapped_column(String(12), default="public")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default=OPEN)
    closed_at = mapped_column(UtcDateTime)
    # Kept beyond its retention period whatever the schedule says (a dispute, an inspection).
    legal_hold: Mapped[bool] = mapped_column(default=False)
    # Handed over to the agency archive: the preservation package that carried it (its signed Biên bản giao
    # nhận) and when; the latest package when it was packaged again. None: not handed over yet.
    handed_over_at = mapped_column(UtcDateTime)
    handover_package_id: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))

    agency = relationship("Agency")
    department = relationship("Department")
    responsible = relationship("User", foreign_keys=[responsible_id])
    retention = relationship(RetentionPeriod)

    __table_args__ = (
        UniqueConstraint("agency_id", "year", "notation"),
        CheckConstraint(f"access IN {ACCESS_REGIMES}", name="access_known"),
        CheckConstraint(f"status IN {DOSSIER_STATUSES}", name="status_known"),
        CheckConstraint("year BETWEEN 1900 AND 2999", name="year_bounded"),
        Index("ix_dossier_agency_year", "agency_id", "year"),
    )

    @property
    def code(self) -> str:
        """Mã hồ sơ: the agency's mã định danh, the year and the notation, e.g. 000.00.00.H63.2026.TH.01."""
        return f"{self.agency.code}.{self.year}.{self.notation}"

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


class DossierDocument(db.Model):
    """A document filed in a dossier with its số thứ tự (1, 2, … in filing order); never a copy of its files."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filed_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    dossier = relationship(Dossier)
    document = relationship("Document")
    filed_by = relationship("User")

    # The database keeps both promises even if a caller skipped the dossier's lock (services.filing).
    __table_args__ = (UniqueConstraint("dossier_id", "document_id"), UniqueConstraint("dossier_id", "position"))
