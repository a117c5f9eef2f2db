"""Documents, their files, status trail and notes; register books (sổ văn bản) and their number sequences."""
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import AgencyScoped
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

DIRECTIONS = ("incoming", "outgoing")


class RegisterBook(AgencyScoped, db.Model):
    """A numbered register of an agency: incoming, outgoing, or a separate one (e.g. secret documents)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    direction: Mapped[str] = mapped_column(String(10))
    secret: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    agency = relationship("Agency")

    __table_args__ = (UniqueConstraint("agency_id", "code"),
                      CheckConstraint(f"direction IN {DIRECTIONS}", name="direction_known"))


class NumberSequence(db.Model):
    """The last number given in a book in a year; numbers restart at 1 on 1 January."""

    book_id: Mapped[int] = mapped_column(ForeignKey("register_book.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


# Status codes exchanged between systems (QCVN 102 status packages); 01–06 are the incoming path.
RECEIVED, REFUSED, ACCEPTED, ASSIGNED, IN_PROGRESS, COMPLETED = "01", "02", "03", "04", "05", "06"
# A recall by the sender: asked, agreed by the recipient (the copy leaves its lists), refused.
RECALL_ASKED, RECALL_AGREED, RECALL_REFUSED = "13", "15", "16"
ORIGINS = ("paper", "internal", "edxml")


class Document(AgencyScoped, db.Model):
    """An official document held by an agency: for incoming ones, the agency that received it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(10), default="incoming")
    origin: Mapped[str] = mapped_column(String(10), default="paper")
    doc_type: Mapped[str] = mapped_column(String(8))
    # Số and ký hiệu exactly as printed: real documents carry non-numeric numbers and odd notations.
    number: Mapped[str] = mapped_column(String(32), default="")
    notation: Mapped[str] = mapped_column(String(64), default="")
    issuer_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    issuer_code: Mapped[str] = mapped_column(String(32), default="")
    issuer_name: Mapped[str] = mapped_column(String(255))
    document_date = mapped_column(Date, nullable=False)
    subject: Mapped[str] = mapped_column(Text)
    urgency: Mapped[int] = mapped_column(Integer, default=0)
    secrecy: Mapped[int] = mapped_column(Integer, default=0)
    page_count: Mapped[int | None] = mapped_column(Integer)
    signer_name: Mapped[str] = mapped_column(String(255), default="")
    # What pyHanko said of each embedded signature when the document arrived.
    signature_verdicts: Mapped[list] = mapped_column(JSON, default=list)
    received_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    book_id: Mapped[int | None] = mapped_column(ForeignKey("register_book.id"))
    arrival_year: Mapped[int | None] = mapped_column(Integer)
    arrival_number: Mapped[int | None] = mapped_column(Integer)
    registered_at = mapped_column(UtcDateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    transferred_at = mapped_column(UtcDateTime)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    lead_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_date = mapped_column(Date)
    status_code: Mapped[str] = mapped_column(String(2), default=RECEIVED, index=True)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    completed_at = mapped_column(UtcDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    # Delivered inside this installation: the sender's outgoing document, which shows our statuses.
    source_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    # Accent-free lower-case text of number, notation, issuer and subject: what search matches.
    search_text: Mapped[str] = mapped_column(Text, default="")

    files: Mapped[list["DocumentFile"]] = relationship(
        back_populates="document", order_by="DocumentFile.position", cascade="all, delete-orphan")
    statuses: Mapped[list["StatusChange"]] = relationship(
        back_populates="document", order_by="StatusChange.id", cascade="all, delete-orphan")
    book = relationship("RegisterBook")
    agency = relationship("Agency", foreign_keys="Document.agency_id")
    issuer_agency = relationship("Agency", foreign_keys=[issuer_agency_id])
    lead_department = relationship("Department")
    lead_user = relationship("User", foreign_keys=[lead_user_id])
    registered_by = relationship("User", foreign_keys=[registered_by_id])
    received_by = relationship("User", foreign_keys=[received_by_id])

    __table_args__ = (
        UniqueConstraint("book_id", "arrival_year", "arrival_number"),
        CheckConstraint("urgency BETWEEN 0 AND 3", name="urgency_known"),
        CheckConstraint("secrecy BETWEEN 0 AND 3", name="secrecy_known"),
        Index("ix_document_agency_received", "agency_id", "direction", "received_at"),
        Index("ix_document_received_at", "received_at"),  # new arrivals since the reports' last run
        Index("ix_document_duplicate_key", "agency_id", "issuer_code", "number", "document_date"),
        # Search (app/documents/search.py): trigram index for LIKE '%word%', PostgreSQL only.
        Index("ix_document_search_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        # The incoming list's order (search.URGENT_OPEN): open urgent documents first, then the newest.
        # document_urgent_open is that CASE as an inlinable SQL function (migration 0240415baa65), so the
        # index compares by name. PostgreSQL only: SQLite cannot reflect expression indexes.
        Index("ix_document_incoming_order", "agency_id", "direction",
              text("document_urgent_open(status_code, urgency)"), "received_at", "id").ddl_if(dialect="postgresql"),
        # Secret documents are few: search asks which of them the actor may see through this (search.py).
        Index("ix_document_secret", "agency_id", "direction", postgresql_where=text("secrecy > 0"),
              sqlite_where=text("secrecy > 0")),
    )

    @property
    def symbol(self) -> str:
        """Số/ký hiệu as written on the document, e.g. 15/QĐ-UBND."""
        return "/".join(part for part in (self.number, self.notation) if part)

    @property
    def main_file(self) -> "DocumentFile | None":
        return next((f for f in self.files if f.role == "main"), None)


class DocumentFile(db.Model):
    """A file of a document, kept content-addressed in the file store under its SHA-256."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="main")  # main | attachment
    position: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")

    document: Mapped[Document] = relationship(back_populates="files")


class StatusChange(db.Model):
    """One step of a document's status trail: what the sender sees, with time, actor and note."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    code: Mapped[str] = mapped_column(String(2))
    # Indexed: the reports' job reads the steps taken since its last run (app.reports.facts).
    at = mapped_column(UtcDateTime, default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # External senders get a status package: kept here until the exchange sends it.
    notice_pending: Mapped[bool] = mapped_column(default=False)
    notice_sent_at = mapped_column(UtcDateTime)

    document: Mapped[Document] = relationship(back_populates="statuses")
    actor = relationship("User")


class DocumentNote(db.Model):
    """Directing opinions, progress notes and supporting units' contributions on a document."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # direction | progress | contribution | result
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    text: Mapped[str] = mapped_column(Text)
    # Indexed: the reports' job reads the steps taken since its last run (app.reports.facts).
    at = mapped_column(UtcDateTime, default=utcnow, nullable=False, index=True)

    author = relationship("User")
    department = relationship("Department")


# Notes the task operators write for the registers and the dossier: the document page shows these
# steps from the recorded completions instead (app.documents.page.case_steps), so never twice.
STEP_NOTE_KINDS = frozenset({"direction", "progress", "result", "contribution", "review", "return"})


class DocumentLink(db.Model):
    """A related document: the reply to an incoming one (by id here, or by its số/ký hiệu if elsewhere)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="reply")
    related_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    reference: Mapped[str] = mapped_column(String(128), default="")
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    related = relationship("Document", foreign_keys=[related_id])


class DocumentUpdate(db.Model):
    """A sender's update (edXML BussinessDocType 2) of a document received earlier, for its clerk to decide.

    `changes` holds the header values the package carries that differed from the document's when it came
    ({field: new value, dates ISO}); `previous` the values they replaced once agreed. The original package
    and the new main PDF, if any, are content-addressed in the file store.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    sender_code: Mapped[str] = mapped_column(String(64))
    sender_name: Mapped[str] = mapped_column(String(255), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    package_sha256: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    previous: Mapped[dict] = mapped_column(JSON, default=dict)
    new_file: Mapped[dict | None] = mapped_column(JSON)  # StoredFile.as_data() of the new main PDF
    fields_info: Mapped[dict] = mapped_column(JSON, default=dict)  # BussinessDocumentInfo as it came
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    decision: Mapped[str] = mapped_column(String(8), default="")  # "" waiting | agreed | refused
    note: Mapped[str] = mapped_column(Text, default="")
    received_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    decided_at = mapped_column(UtcDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    document = relationship("Document")

    # The same package delivered twice (the axis delivers at least once) is one update.
    __table_args__ = (UniqueConstraint("document_id", "package_sha256"),)
