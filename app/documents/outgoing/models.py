"""What an outgoing document carries beyond the Document row: the draft's content and its recipients.

The outgoing Document (direction "outgoing") holds type, subject, urgency, secrecy and, once the
clerk issues it, the number: its book, year and `arrival_number` are the outgoing book's sequence
(the same unique constraint as số đến keeps numbers from repeating), `number`/`notation` the
printed số/ký hiệu and `document_date` the issue date.
"""
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.exchange.messages import OutboxMessage
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

# Where the draft stands; what the drafter sees in "Dự thảo" and on the document page.
STAGES = ("drafting", "content_review", "format_check", "signing", "issuing", "released", "recalled", "replaced",
          "discarded")
AUTHORITY_PREFIXES = ("", "TM.", "KT.", "Q.", "TL.", "TUQ.")
# Stages after release: the document is issued, whatever happened to it since.
ISSUED_STAGES = ("released", "recalled", "replaced")
# Stages of drafts no longer on their way: issued, or given up by their author.
DISCARDED = "discarded"
CLOSED_STAGES = (*ISSUED_STAGES, DISCARDED)


class OutgoingDraft(db.Model):
    """The content an outgoing document is rendered from, who signs it, and where it stands."""

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # "Nơi nhận" lines beyond the recipients (e.g. "Chủ tịch, các PCT UBND tỉnh"); "Lưu: VT, …" is added.
    extra_recipient_lines: Mapped[list] = mapped_column(JSON, default=list)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    authority: Mapped[str] = mapped_column(String(8), default="")
    # Whom the prefix acts for, e.g. "CHỦ TỊCH" (KT. CHỦ TỊCH) or "ỦY BAN NHÂN DÂN" (TM. ỦY BAN NHÂN DÂN).
    authority_of: Mapped[str] = mapped_column(String(255), default="")
    drafter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    stage: Mapped[str] = mapped_column(String(16), default="drafting")
    signed_at = mapped_column(UtcDateTime)
    issued_at = mapped_column(UtcDateTime)
    released_at = mapped_column(UtcDateTime, index=True)  # releases since the reports' last run

    document = relationship("Document", foreign_keys=[document_id])
    signer = relationship("User", foreign_keys=[signer_id])
    drafter = relationship("User", foreign_keys=[drafter_id])
    department = relationship("Department")
    reply_to = relationship("Document", foreign_keys=[reply_to_id])
    recipients: Mapped[list["OutgoingRecipient"]] = relationship(
        order_by="OutgoingRecipient.position", cascade="all, delete-orphan")

    @property
    def issued(self) -> bool:
        """Released (and perhaps recalled or replaced since): a "Văn bản đi", no longer a "Dự thảo"."""
        return self.stage in ISSUED_STAGES


class OutgoingRecipient(db.Model):
    """One recipient agency: inside this installation (delivered on release) or outside (queued)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("outgoing_draft.document_id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    code: Mapped[str] = mapped_column(String(32))  # mã định danh
    name: Mapped[str] = mapped_column(String(255))
    # Internal: the incoming document created at the recipient, whose status trail the sender sees.
    delivered_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    # External: waits for the exchange (edXML); secret documents are never queued.
    exchange_state: Mapped[str] = mapped_column(String(12), default="")
    queued_at = mapped_column(UtcDateTime)
    # External: the outbox message carrying the release's package (one per release, shared by every
    # external recipient); its state is what the sender sees (waiting, on the axis, failed).
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))

    agency = relationship("Agency")
    delivered_document = relationship("Document", foreign_keys=[delivered_document_id])
    # The class itself, not its name: whoever imports this module first can configure the mappers.
    outbox_message = relationship(OutboxMessage)
    external_statuses: Mapped[list["ExternalRecipientStatus"]] = relationship(
        order_by="(ExternalRecipientStatus.at, ExternalRecipientStatus.id)", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("draft_id", "code"),)


class ExternalRecipientStatus(db.Model):
    """One status an external recipient sent back (a status package): its timeline, kept in full.

    `at` is the recipient's own Timestamp, so packages arriving out of order still line up; the same
    code at the same moment is the same status however often it arrives.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("outgoing_recipient.id"), index=True)
    code: Mapped[str] = mapped_column(String(2))
    description: Mapped[str] = mapped_column(Text, default="")
    staff: Mapped[str] = mapped_column(String(255), default="")
    at = mapped_column(UtcDateTime, nullable=False)
    received_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("recipient_id", "code", "at"),)

