"""Lưu hồ sơ: a handled document filed into dossiers of its agency, and a dossier's Mục lục văn bản.

Filing adds a link row, never a copy of a file. Documents are numbered 1, 2, … in filing order: a number
once given never changes (a Mục lục printed or cited stays right), and filing follows the handling of the
work, which is the order Decree 30 arranges a dossier in. The dossier's row is locked while its next
number is taken (PostgreSQL: SELECT … FOR UPDATE; SQLite queues writers at BEGIN), so two people filing
at once get different numbers; the unique constraints hold even a caller that skipped the lock.

Who files: the agency's clerks and leaders, and the specialist who handled the document; always only
a document the person may open (app.documents.access), so a secret one only by those who may read it.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from app.audit.services import record
from app.directory.roles import CLERK, LEADER, SPECIALIST
from app.documents.access import hidden_document_ids, visible_documents
from app.documents.models import COMPLETED, Document, DocumentNote
from app.documents.outgoing.models import OutgoingDraft
from app.extensions import db
from app.reports.facts import HANDLING_NOTES
from app.web.routing import MAX_ID

from .models import Dossier, DossierDocument
from .services import DossierRefused

FIELD = "dossier_ids"
MAX_DOSSIERS_AT_ONCE = 50


def is_handled(document: Document) -> bool:
    """Incoming: completed (06 Hoàn thành). Outgoing: released (and perhaps recalled or replaced since)."""
    if document.direction == "outgoing":
        draft = db.session.get(OutgoingDraft, document.id)
        return draft is not None and draft.issued
    return document.status_code == COMPLETED


def _handled_by(document: Document, actor) -> bool:
    """The lead the leader named, or (as the reports count it) who recorded the handling: a unit head's
    dispatch names no lead on the document; outgoing: the drafter."""
    if document.lead_user_id == actor.id:
        return True
    if document.direction == "outgoing":
        draft = db.session.get(OutgoingDraft, document.id)
        return draft is not None and draft.drafter_id == actor.id
    return bool(db.session.scalar(select(exists().where(
        DocumentNote.document_id == document.id, DocumentNote.kind.in_(HANDLING_NOTES),
        DocumentNote.author_id == actor.id))))


def may_file(document: Document, actor) -> bool:
    """Whether the actor may file this document, which they have opened (open_document) already."""
    if actor.agency_id != document.agency_id:
        return False
    return actor.has_role(CLERK, LEADER) or (actor.has_role(SPECIALIST) and _handled_by(document, actor))


def open_dossiers_for(document: Document) -> list[Dossier]:
    """The dossiers the document may go into: open ones of its agency, this year's first."""
    return list(db.session.scalars(select(Dossier).where(Dossier.agency_id == document.agency_id,
                                                         Dossier.status == "open")
                                   .order_by(Dossier.year.desc(), Dossier.notation)))


def dossier_ids_from(values: list[str]) -> list[int]:
    """The chosen dossier ids as numbers; anything else (text, huge numbers, too many) is a field error."""
    ids = set()
    for value in values:
        value = (value or "").strip()
        if not value.isdecimal() or len(value) > 10 or int(value) > MAX_ID:
            raise DossierRefused({FIELD: _("Chọn hồ sơ trong danh mục của cơ quan.")})
        ids.add(int(value))
    if not ids:
        raise DossierRefused({FIELD: _("Chọn ít nhất một hồ sơ.")})
    if len(ids) > MAX_DOSSIERS_AT_ONCE:
        raise DossierRefused({FIELD: _("Chọn tối đa %(n)s hồ sơ một lần.", n=MAX_DOSSIERS_AT_ONCE)})
    return sorted(ids)


def file_document(document: Document, dossier_ids: list[int], *, actor) -> list[DossierDocument]:
    """File the (opened) document into each dossier, all or none; each gets the dossier's next number."""
    # The caller opened the document; asked again here, so that no other channel files a secret one.
    readable = db.session.scalar(select(exists(visible_documents(actor, select(Document.id).where(
        Document.id == document.id)))))
    if not (readable and may_file(document, actor)):
        raise DossierRefused({"__form__": _("Bạn không có quyền lưu văn bản này vào hồ sơ.")})
    if not is_handled(document):
        raise DossierRefused({"__form__": _("Chỉ lưu hồ sơ văn bản đã xử lý xong (văn bản đến: Hoàn thành; "
                                            "văn bản đi: đã phát hành).")})
    # Locked in id order: two filings naming the same dossiers cannot wait for each other in a circle.
    dossiers = list(db.session.scalars(select(Dossier).where(Dossier.id.in_(dossier_ids),
                                                             Dossier.agency_id == document.agency_id)
                                       .order_by(Dossier.id).with_for_update()))
    if len(dossiers) != len(dossier_ids):
        raise DossierRefused({FIELD: _("Chọn hồ sơ trong danh mục của cơ quan.")})
    for dossier in dossiers:
        if not dossier.is_open:
            raise DossierRefused({FIELD: _("Hồ sơ %(code)s đã đóng, không lưu thêm văn bản.", code=dossier.code)})
    already = set(db.session.scalars(select(DossierDocument.dossier_id).where(
        DossierDocument.dossier_id.in_(dossier_ids), DossierDocument.document_id == document.id)))
    if already:
        codes = ", ".join(d.code for d in dossiers if d.id in already)
        raise DossierRefused({FIELD: _("Văn bản đã có trong hồ sơ %(codes)s.", codes=codes)})
    filed = []
    for dossier in dossiers:
        position = (db.session.scalar(select(func.max(DossierDocument.position))
                                      .where(DossierDocument.dossier_id == dossier.id)) or 0) + 1
        link = DossierDocument(dossier_id=dossier.id, document_id=document.id, position=position,
                               filed_by_id=actor.id)
        db.session.add(link)
        db.session.flush()
        record("document_filed", actor=actor, subject=dossier, agency_id=dossier.agency_id,
               document_id=document.id, position=position)
        filed.append(link)
    return filed


def dossiers_of(document: Document) -> list[tuple[Dossier, int]]:
    """The dossiers holding the (opened) document, with its number in each."""
    rows = db.session.execute(select(Dossier, DossierDocument.position).join(
        DossierDocument, DossierDocument.dossier_id == Dossier.id).where(DossierDocument.document_id == document.id)
        .order_by(Dossier.year.desc(), Dossier.notation)).all()
    return [(row[0], row[1]) for row in rows]


@dataclass
class ContentsRow:
    """One line of the Mục lục văn bản; a secret document the reader may not open shows no subject."""

    position: int
    document_id: int
    hidden: bool
    symbol: str
    document_date: date
    subject: str
    author: str
    page_count: int | None
    secrecy: int


def contents(dossier: Dossier, actor) -> list[ContentsRow]:
    """The dossier's Mục lục văn bản in số thứ tự order, as the actor may read it."""
    rows = db.session.execute(select(DossierDocument.position, Document).join(
        Document, Document.id == DossierDocument.document_id).where(DossierDocument.dossier_id == dossier.id)
        .order_by(DossierDocument.position)).all()
    hidden = hidden_document_ids(actor, {str(document.id) for _position, document in rows})
    lines = []
    for position, document in rows:
        secret = str(document.id) in hidden
        lines.append(ContentsRow(
            position=position, document_id=document.id, hidden=secret,
            symbol="" if secret else document.symbol, document_date=document.document_date,
            subject="" if secret else document.subject, author="" if secret else document.issuer_name,
            page_count=document.page_count, secrecy=document.secrecy))
    return lines
