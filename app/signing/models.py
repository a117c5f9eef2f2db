"""Signing keys kept by the installation: a person's PKCS#12 (opened with their PIN) or an agency's seal key."""
from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import AgencyScoped
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

KINDS = ("person", "organisation")


class SigningCredential(AgencyScoped, db.Model):
    """A signing key and the image its visible signature shows.

    Either a PKCS#12 file (a person's encrypted with their PIN, which the server never stores; an
    agency's with the installation's key passphrase, SIGNING_KEY_PASSPHRASE, since the clerk seals
    without a PIN) or, for an agency, a key inside a PKCS#11 token/HSM (SIGNING_PKCS11_MODULE): then
    only the token and key labels and the certificate with its chain are kept here.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    pkcs12: Mapped[bytes | None] = mapped_column(LargeBinary)
    pkcs11_token: Mapped[str | None] = mapped_column(String(64))
    pkcs11_key: Mapped[str | None] = mapped_column(String(64))
    certificate_der: Mapped[bytes | None] = mapped_column(LargeBinary)
    chain_der: Mapped[list] = mapped_column(JSON, default=list)  # hex DER, issuing CA first
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


class PendingSignature(db.Model):
    """An interrupted signature waiting for the key holder's value (app.signing.external); expires soon."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36))
    # The unsigned PDF it was prepared from: finishing refuses if the draft has changed since.
    source_sha256: Mapped[str] = mapped_column(String(64))
    form_data: Mapped[dict] = mapped_column(JSON, default=dict)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    reserved_start: Mapped[int] = mapped_column(Integer)
    reserved_end: Mapped[int] = mapped_column(Integer)
    document_digest: Mapped[bytes] = mapped_column(LargeBinary)
    signed_attributes: Mapped[bytes] = mapped_column(LargeBinary)
    certificate: Mapped[bytes] = mapped_column(LargeBinary)
    chain: Mapped[list] = mapped_column(JSON, default=list)  # hex DER of the CA certificates
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UtcDateTime, nullable=False, index=True)
