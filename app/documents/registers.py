"""Decree 30 registers: sổ đăng ký văn bản đến (10 columns), sổ theo dõi giải quyết văn bản đến
(7 columns) and sổ đăng ký văn bản đi (10 columns).

Rows are the documents registered in the period (given a số đến, or a number when issued), in book
order; secret documents appear only for those who may see them, like everywhere else.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.read_only import is_read_only
from app.directory.models import Agency
from app.directory.scoping import scoped, visible_agency_ids
from app.extensions import db
from app.rendering.tables import Column
from app.vietnam_time import start_of_day

from .access import visible_documents
from .models import Document, DocumentLink, DocumentNote, RegisterBook
from .numbering import book_for, formatted_number
from .outgoing.lists import drafts_by_document
from .vocabulary import STATUS_LABELS, type_name

MAX_ROWS = 20000

INCOMING_COLUMNS = (
    Column("received_at", "Ngày đến", 22), Column("arrival_number", "Số đến", 14),
    Column("issuer", "Tác giả", 38), Column("symbol", "Số, ký hiệu", 26),
    Column("document_date", "Ngày tháng", 20), Column("type_subject", "Tên loại và trích yếu nội dung", 70),
    Column("recipient", "Đơn vị hoặc người nhận", 34), Column("transferred_at", "Ngày chuyển", 20),
    Column("signed_for", "Ký nhận", 18), Column("notes", "Ghi chú", 24),
)
TRACKING_COLUMNS = (
    Column("arrival_number", "Số đến", 14),
    Column("identity", "Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành", 70),
    Column("recipient", "Đơn vị hoặc người nhận", 38), Column("due_date", "Thời hạn giải quyết", 24),
    Column("progress", "Tiến độ giải quyết", 56), Column("reply", "Số, ký hiệu văn bản trả lời", 30),
    Column("notes", "Ghi chú", 28),
)
OUTGOING_COLUMNS = (
    Column("symbol", "Số, ký hiệu văn bản", 26), Column("document_date", "Ngày tháng văn bản", 20),
    Column("type_subject", "Tên loại và trích yếu nội dung", 70), Column("signer", "Người ký", 30),
    Column("recipients", "Nơi nhận văn bản", 44), Column("kept_by", "Đơn vị, người nhận bản lưu", 30),
    Column("copies", "Số lượng bản", 14), Column("transferred_at", "Ngày chuyển", 20),
    Column("signed_for", "Ký nhận", 18), Column("notes", "Ghi chú", 24),
)


@dataclass(frozen=True)
class RegisterKind:
    title: str
    # A secret book numbers from 1 on its own: its pages and printouts say so, or its numbers would read
    # as duplicates of the ordinary book's.
    secret_title: str
    label: str  # in the page's "Loại sổ" choice
    direction: str
    columns: tuple[Column, ...]


KINDS = {
    "den": RegisterKind("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN", "Sổ đăng ký văn bản đến",
                        "incoming", INCOMING_COLUMNS),
    "theo-doi": RegisterKind("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN", "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN MẬT ĐẾN",
                             "Sổ theo dõi giải quyết", "incoming", TRACKING_COLUMNS),
    "di": RegisterKind("SỔ ĐĂNG KÝ VĂN BẢN ĐI", "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI", "Sổ đăng ký văn bản đi", "outgoing",
                       OUTGOING_COLUMNS),
}


@dataclass
class Register:
    title: str
    book: RegisterBook | None
    start: date
    end: date
    columns: tuple[Column, ...]
    rows: list[dict]
    truncated: bool


def registered_documents(actor, book: RegisterBook, start: date, end: date) -> tuple[list[Document], bool]:
    statement = (visible_documents(actor)
                 .where(Document.book_id == book.id, Document.registered_at >= start_of_day(start),
                        Document.registered_at < start_of_day(end + timedelta(days=1)))
                 .options(selectinload(Document.lead_department), selectinload(Document.lead_user))
                 .order_by(Document.arrival_year, Document.arrival_number).limit(MAX_ROWS + 1))
    documents = list(db.session.scalars(statement))
    return documents[:MAX_ROWS], len(documents) > MAX_ROWS


def build_register(kind: str, actor, book: RegisterBook, start: date, end: date) -> Register:
    documents, truncated = registered_documents(actor, book, start, end)
    if kind == "den":
        rows = [_incoming_row(d) for d in documents]
    elif kind == "di":
        rows = _outgoing_rows(documents)
    else:
        rows = _tracking_rows(documents)
    title = KINDS[kind].secret_title if book.secret else KINDS[kind].title
    return Register(title, book, start, end, KINDS[kind].columns, rows, truncated)


def register_agencies(actor) -> list[Agency]:
    """The agencies whose registers the actor may read: their own, or every one in their scope (a
    province-wide auditor reads any agency's books; documents in them still follow visible_documents)."""
    if visible_agency_ids(actor) == (actor.agency_id,):
        return [actor.agency]
    return list(db.session.scalars(scoped(select(Agency), actor).order_by(Agency.name)))


def register_books(actor, agency: Agency, direction: str) -> list[RegisterBook]:
    """The agency's books of the direction. The default books are written for one's own agency when it
    has none yet, never by a read-only person or for another agency (reading changes nothing there)."""
    if agency.id == actor.agency_id and not is_read_only(actor):
        book_for(agency.id, direction, secret=False)
    return list(db.session.scalars(select(RegisterBook).where(
        RegisterBook.agency_id == agency.id, RegisterBook.direction == direction).order_by(RegisterBook.id)))


def _recipient(document: Document) -> str:
    if document.lead_user is not None:
        return document.lead_user.full_name
    return document.lead_department.name if document.lead_department else ""


def _marks(document: Document) -> str:
    notes = []
    if document.urgency:
        notes.append(("Khẩn", "Khẩn", "Thượng khẩn", "Hỏa tốc")[document.urgency])
    if document.secrecy:
        notes.append(("", "Mật", "Tối mật", "Tuyệt mật")[document.secrecy])
    return ", ".join(notes)


def _incoming_row(document: Document) -> dict:
    return {
        "received_at": document.received_at, "arrival_number": formatted_number(document.arrival_number),
        "issuer": document.issuer_name, "symbol": document.symbol, "document_date": document.document_date,
        "type_subject": f"{type_name(document.doc_type)}: {document.subject}",
        "recipient": _recipient(document), "transferred_at": document.transferred_at,
        "signed_for": "", "notes": _marks(document),
    }


def _outgoing_rows(documents: list[Document]) -> list[dict]:
    drafts = drafts_by_document(documents)
    rows = []
    for document in documents:
        draft = drafts.get(document.id)
        recipients = [r.name for r in draft.recipients] if draft else []
        rows.append({
            "symbol": document.symbol, "document_date": document.document_date,
            "type_subject": f"{type_name(document.doc_type)}: {document.subject}",
            "signer": document.signer_name, "recipients": "; ".join(recipients),
            "kept_by": "VT" + (f", {draft.department.abbreviation}" if draft and draft.department else ""),
            # One electronic original per recipient, plus the copy kept by the clerk (Lưu: VT).
            "copies": len(recipients) + 1, "transferred_at": draft.released_at if draft else None,
            "signed_for": "", "notes": _marks(document),
        })
    return rows


def _tracking_rows(documents: list[Document]) -> list[dict]:
    ids = [d.id for d in documents]
    latest_progress, replies = {}, {}
    if ids:
        for note in db.session.scalars(select(DocumentNote).where(
                DocumentNote.document_id.in_(ids), DocumentNote.kind.in_(("progress", "result")))
                .order_by(DocumentNote.at)):
            latest_progress[note.document_id] = note.text
        for link in db.session.scalars(select(DocumentLink).where(DocumentLink.document_id.in_(ids))):
            replies.setdefault(link.document_id, []).append(link.related.symbol if link.related else link.reference)
    return [{
        "arrival_number": formatted_number(d.arrival_number),
        "identity": f"{type_name(d.doc_type)} số {d.symbol}, ngày {d.document_date.strftime('%d/%m/%Y')}, "
                    f"{d.issuer_name}",
        "recipient": _recipient(d), "due_date": d.due_date,
        "progress": f"{STATUS_LABELS.get(d.status_code, d.status_code)}. {latest_progress.get(d.id, '')}".strip(),
        "reply": ", ".join(replies.get(d.id, [])), "notes": "",
    } for d in documents]
