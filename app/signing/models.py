"""Signing keys kept by the installation: a person's PKCS#12 (opened with their PIN) or an agency's seal key."""
from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import AgencyScoped
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

KINDS = ("person", "organisation")


class SigningCredential(AgencyScoped, db.Model):
    """A PKCS#12 file and the image its visible signature shows.

    A person's file is encrypted with their PIN, which the server never stores; an agency's with the
    installation's key passphrase (SIGNING_KEY_PASSPHRASE), since the clerk seals without a PIN.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary)
    subject_name: Mapped[str] = mapped_column(String(255))
    issuer_name: Mapped[str] = mapped_column(String(255), default="")
    serial: Mapped[str] = mapped_column(String(64))
    not_after = mapped_column(UtcDateTime, nullable=False)
    image_png: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=True)
    # Wrong PINs in a row; after too many the key rests for a while (see keystore.PIN_LOCKOUT).
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until = mapped_column(UtcDateTime)
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)

    user = relationship("User")

    __table_args__ = (
        Index("ix_signing_credential_active_person", "user_id", unique=True,
              postgresql_where=text("active AND kind = 'person'"), sqlite_where=text("active AND kind = 'person'")),
        Index("ix_signing_credential_active_agency", "agency_id", unique=True,
              postgresql_where=text("active AND kind = 'organisation'"),
              sqlite_where=text("active AND kind = 'organisation'")),
    )
