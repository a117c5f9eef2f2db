"""What came in as an edXML package: the original bytes (content-addressed), who sent which DocumentId,
the document it made, what the parser tolerated and the header signature's verdict."""
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import AgencyScoped
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow


class ReceivedPackage(AgencyScoped, db.Model):
    """One edXML document package received by one agency (agency_id: the receiving agency)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    sender_code: Mapped[str] = mapped_column(String(64))
    # The package's DocumentId ({OrganId},{yyyy/MM/dd},{số}/{ký hiệu}); the same one from the same sender
    # never makes a second document at the same agency.
    edxml_document_id: Mapped[str] = mapped_column(String(255))
    package_sha256: Mapped[str] = mapped_column(String(64))
    package_size: Mapped[int] = mapped_column()
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    signature: Mapped[dict] = mapped_column(JSON, default=dict)  # the header's XML-DSig verdict
    received_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    document = relationship("Document")
    agency = relationship("Agency")

    __table_args__ = (UniqueConstraint("agency_id", "sender_code", "edxml_document_id"),)
