"""Sổ đăng ký văn bản đến (10 columns) and sổ theo dõi giải quyết văn bản đến (7 columns), Decree 30.

Rows are the documents registered (given a số đến) in the period, in book order; secret documents
appear only for those who may see them, like everywhere else.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.rendering.tables import Column
from app.vietnam_time import start_of_day

from .access import visible_documents
from .models import Document, DocumentLink, DocumentNote, RegisterBook
from .numbering import formatted_number
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
KINDS = {"den": ("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", INCOMING_COLUMNS),
         "theo-doi": ("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN", TRACKING_COLUMNS)}


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
    title, columns = KINDS[kind]
    documents, truncated = registered_documents(actor, book, start, end)
    rows = [_incoming_row(d) for d in documents] if kind == "den" else _tracking_rows(documents)
    return Register(title, book, start, end, columns, rows, truncated)


def _recipient(document: Document) -> str:
    if document.lead_user is not None:
        return document.lead_user.full_name
    return document.lead_department.name if document.lead_department else ""


def _incoming_row(document: Document) -> dict:
    notes = []
    if document.urgency:
        notes.append(("Khẩn", "Khẩn", "Thượng khẩn", "Hỏa tốc")[document.urgency])
    if document.secrecy:
        notes.append(("", "Mật", "Tối mật", "Tuyệt mật")[document.secrecy])
    return {
        "received_at": document.received_at, "arrival_number": formatted_number(document.arrival_number),
        "issuer": document.issuer_name, "symbol": document.symbol, "document_date": document.document_date,
        "type_subject": f"{type_name(document.doc_type)}: {document.subject}",
        "recipient": _recipient(document), "transferred_at": document.transferred_at,
        "signed_for": "", "notes": ", ".join(notes),
    }


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
